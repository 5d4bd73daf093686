import type { Context } from 'aws-lambda';

/** A Lambda context as the runtime hands it to a handler of `functionName`, for invocation `requestId`. */
export function lambdaContext(
  requestId: string,
  functionName = 'gcr-test-dev-fn',
  remainingMs = 30_000,
): Context {
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
