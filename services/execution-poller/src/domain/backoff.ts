/**
 * Retries a backend call on throttling and transient errors with exponential
 * backoff and full jitter; anything else, or the last failure, is thrown (the
 * SQS message then comes back after its visibility timeout: nothing is lost).
 */
export async function withBackoff<T>(
  call: () => Promise<T>,
  options: {
    isRetryable: (err: unknown) => boolean;
    attempts?: number;
    baseDelayMs?: number;
    sleep?: (ms: number) => Promise<void>;
  },
): Promise<T> {
  const { isRetryable, attempts = 4, baseDelayMs = 200 } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err)) throw err;
      await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 1));
    }
  }
}
