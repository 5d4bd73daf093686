import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { FunctionDefinition } from './wiring/functions.js';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export class FunctionTimeoutError extends Error {
  constructor(fn: string, seconds: number) {
    super(`Task timed out after ${seconds} seconds (${fn})`);
    this.name = 'FunctionTimeoutError';
  }
}

/** Loads a function's real handler and invokes it as Lambda would: one event, a context, a timeout. */
export async function loadFunction(
  fn: FunctionDefinition,
  options: { stage: string; region: string },
): Promise<(event: unknown) => Promise<unknown>> {
  const module = (await import(fn.modulePath)) as Record<string, unknown>;
  const handler = module[fn.exportName];
  if (typeof handler !== 'function') {
    throw new Error(`${fn.modulePath} does not export a function named ${fn.exportName}`);
  }
  const functionName = `${fn.service}-${options.stage}-${fn.name}`;
  return async (event) => {
    const deadline = Date.now() + fn.timeoutSeconds * 1000;
    const context = {
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${options.region}:000000000000:function:${functionName}`,
      memoryLimitInMB: '512',
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: false,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    } satisfies Context;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FunctionTimeoutError(functionName, fn.timeoutSeconds)),
        fn.timeoutSeconds * 1000,
      );
    });
    try {
      return await Promise.race([(handler as LambdaHandler)(event, context), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
