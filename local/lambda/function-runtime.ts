/**
 * The runtime inside one function instance (a worker thread started by
 * function-pool.ts): loads the function's real handler once (its cold start),
 * then runs one invocation at a time with a Lambda context, and answers with
 * the JSON of the result or Lambda's error shape. What happens to an instance
 * over its timeout or memory is the pool's business: it terminates the thread.
 */
import '#shared/kernel/quiet-sdk-warning.js';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';

export interface InstanceData {
  modulePath: string;
  exportName: string;
  functionName: string;
  region: string;
  memorySizeMb: number;
  /** This runtime's own bundle, when the handler is a bundle (function-instance.js loads it without tsx). */
  runtimePath?: string;
}

export interface SerializedError {
  errorType: string;
  errorMessage: string;
  stack?: string;
}

export type ToInstance = { type: 'invoke'; id: number; requestId: string; event: unknown; deadline: number };

export type FromInstance =
  | { type: 'ready' }
  | { type: 'init-error'; error: SerializedError }
  | { type: 'result'; id: number; ok: true; json: string | undefined }
  | { type: 'result'; id: number; ok: false; error: SerializedError };

/** Lambda refuses a synchronous response over 6 MB. */
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

type Handler = (event: unknown, context: Context) => Promise<unknown>;

function serialize(error: unknown, errorType?: string): SerializedError {
  if (error instanceof Error) {
    return {
      errorType: errorType ?? error.name,
      errorMessage: error.message,
      ...(error.stack ? { stack: error.stack } : {}),
    };
  }
  return { errorType: errorType ?? 'Error', errorMessage: String(error) };
}

function post(message: FromInstance): void {
  parentPort!.postMessage(message);
}

async function init(data: InstanceData): Promise<Handler | undefined> {
  // Bundles carry source maps (as with NODE_OPTIONS=--enable-source-maps on Lambda): stacks name the .ts files.
  process.setSourceMapsEnabled(true);
  let module: Record<string, unknown>;
  try {
    module = (await import(data.modulePath)) as Record<string, unknown>;
  } catch (error) {
    // A module that throws while loading (e.g. ConfigError) fails the cold start, as on Lambda.
    post({ type: 'init-error', error: serialize(error) });
    return undefined;
  }
  const handler = module[data.exportName];
  if (typeof handler !== 'function') {
    post({
      type: 'init-error',
      error: {
        errorType: 'Runtime.HandlerNotFound',
        errorMessage: `${data.modulePath}.${data.exportName} is undefined or not exported`,
      },
    });
    return undefined;
  }
  return handler as Handler;
}

async function invoke(data: InstanceData, handler: Handler, message: ToInstance): Promise<void> {
  const context = {
    functionName: data.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${data.region}:000000000000:function:${data.functionName}`,
    memoryLimitInMB: String(data.memorySizeMb),
    awsRequestId: message.requestId,
    logGroupName: `/aws/lambda/${data.functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  } satisfies Context;
  try {
    const value = await handler(message.event, context);
    // Lambda hands callers the JSON of the result, never the object.
    const json = value === undefined ? undefined : JSON.stringify(value);
    if (json !== undefined && Buffer.byteLength(json) > MAX_RESPONSE_BYTES) {
      post({
        type: 'result',
        id: message.id,
        ok: false,
        error: {
          errorType: 'Function.ResponseSizeTooLarge',
          errorMessage: `Response payload size (${Buffer.byteLength(json)} bytes) exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
        },
      });
      return;
    }
    post({ type: 'result', id: message.id, ok: true, json });
  } catch (error) {
    post({ type: 'result', id: message.id, ok: false, error: serialize(error) });
  }
}

const data = workerData as InstanceData;
const handler = await init(data);
if (handler) {
  // One invocation at a time: the pool sends the next only after this one's result.
  parentPort!.on('message', (message: ToInstance) => void invoke(data, handler, message));
  post({ type: 'ready' });
}
