/**
 * What commands that poll the API share (`watch`, `logs --follow`): waiting
 * that Ctrl-C cuts short, and retrying transient failures with backoff.
 * Time comes only through the context (`ctx.sleep`, `ctx.now`), so tests run
 * these loops instantly with a fake clock. (A Sleeper, not the CommandContext
 * type: the context imports this module.)
 */
import { ApiError, CliError, ConnectionError, InterruptedError } from './errors.js';

/** Waits before the 1st, 2nd, … retry of a transient failure; one more failure after the last gives up. */
export const RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000];

/**
 * `promise`, unless `signal` aborts first: then an InterruptedError. The
 * promise's own late rejection is swallowed (the caller has moved on).
 */
export function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(new InterruptedError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new InterruptedError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(signal.aborted ? new InterruptedError() : error);
      },
    );
  });
}

/** Worth another try: the API could not be reached, or answered 5xx or 429. */
export function isTransient(error: unknown): error is CliError {
  if (error instanceof ConnectionError) return true;
  return (
    error instanceof ApiError &&
    error.httpStatus !== undefined &&
    (error.httpStatus >= 500 || error.httpStatus === 429)
  );
}

/** A short description of a transient failure, for a status line or a note. */
export function transientSummary(error: CliError): string {
  if (error.httpStatus !== undefined) return `HTTP ${error.httpStatus}`;
  if (error.code === 'Timeout') return 'no answer in time';
  // ConnectionError messages read `cannot connect to URL (REASON): hint`.
  const reason = /\(([^()]{1,40})\)/.exec(error.message)?.[1];
  return reason ? `cannot connect: ${reason}` : 'cannot connect';
}

/** What waits between retries: the command's context (its clock, cut short by Ctrl-C). */
export interface Sleeper {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface RetryOptions {
  signal?: AbortSignal;
  /** Called before each wait: the failure, the retry about to be made (1-based), how many in all, the wait. */
  onRetry?: (error: CliError, retry: number, retries: number, delayMs: number) => void;
}

/**
 * `call()`, retried after transient failures (`isTransient`) with the waits of
 * RETRY_DELAYS_MS. Other errors, and the last transient one, are thrown (the
 * latter saying how many attempts were made); Ctrl-C throws InterruptedError.
 */
export async function withRetries<T>(
  ctx: Sleeper,
  call: () => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { signal, onRetry } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      return await untilAborted(call(), signal);
    } catch (error) {
      if (!isTransient(error)) throw error;
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined) {
        if (attempt > 0) error.details.push(`gave up after ${attempt + 1} attempts`);
        throw error;
      }
      onRetry?.(error, attempt + 1, RETRY_DELAYS_MS.length, delay);
      await ctx.sleep(delay, signal);
    }
  }
}
