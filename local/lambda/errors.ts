/**
 * How a local function invocation fails, in Lambda's own terms: the
 * `errorType` Lambda reports (e.g. `Sandbox.Timedout`, `Runtime.OutOfMemory`,
 * or the handler's error name) and, for a refused invocation, the
 * TooManyRequestsException Lambda answers when a function's concurrency is
 * used up.
 */

/** An invocation that ran and failed: the handler threw, or its instance died. */
export class FunctionError extends Error {
  constructor(
    /** Lambda's `errorType`: the handler's error name, or `Sandbox.Timedout`, `Runtime.*`. */
    readonly errorType: string,
    message: string,
    readonly functionName: string,
    options?: { cause?: unknown; stack?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FunctionError';
    if (options?.stack) this.stack = options.stack;
  }
}

/** Over its `timeout`: the instance was stopped (its thread terminated), as Lambda stops it. */
export class FunctionTimeoutError extends FunctionError {
  constructor(functionName: string, seconds: number) {
    super('Sandbox.Timedout', `Task timed out after ${seconds.toFixed(2)} seconds`, functionName);
    this.name = 'FunctionTimeoutError';
  }
}

/**
 * Refused before it ran: the function's instances are all busy and its wait
 * queue is full (Lambda's TooManyRequestsException; the gateway answers 429),
 * or the invocation waited longer than the platform lets a request wait (503).
 * Either way the caller is told at once when to try again.
 */
export class FunctionThrottledError extends Error {
  constructor(
    readonly functionName: string,
    /** `queue-full`: answered at once (429); `wait-exceeded`: waited its longest for an instance (503). */
    readonly reason: 'queue-full' | 'wait-exceeded' | 'shutting-down',
    /** When a retry has a fair chance, from the function's recent durations. */
    readonly retryAfterSeconds: number,
  ) {
    super(
      reason === 'queue-full'
        ? `Rate Exceeded: ${functionName} has no free instance and its wait queue is full (TooManyRequestsException)`
        : reason === 'wait-exceeded'
          ? `${functionName} had no free instance within the longest wait`
          : `${functionName} is shutting down`,
    );
    this.name = 'FunctionThrottledError';
  }
}
