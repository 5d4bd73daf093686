/**
 * S3 clients and retries. Results go through the job's own credentials; the
 * public input data bucket is read anonymously (unsigned requests), as its
 * owners ask. With AWS_ENDPOINT_URL_S3 set (s3rver, the local platform), both
 * talk path-style to that endpoint.
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { TransientInfrastructureError } from './failures.js';

function emulatorSettings(): Partial<S3ClientConfig> {
  if (!process.env['AWS_ENDPOINT_URL_S3']) return {};
  // s3rver: no per-bucket host names, and checksums only where S3 requires them
  // (the SDK's default CRC32 trailer sends streamed bodies aws-chunked, which s3rver stores verbatim).
  return { forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' };
}

function regionOr(fallback: string): string {
  return process.env['AWS_REGION'] || process.env['AWS_DEFAULT_REGION'] || fallback;
}

export function resultsClient(): S3Client {
  return new S3Client({ region: regionOr('us-east-1'), ...emulatorSettings() });
}

/** Unsigned requests: no credentials are looked up or sent. */
export function anonymousClient(region: string): S3Client {
  return new S3Client({
    region,
    credentials: { accessKeyId: 'anonymous', secretAccessKey: 'anonymous' },
    signer: { sign: async (request) => request },
    ...emulatorSettings(),
  });
}

export function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

export interface RetryOptions {
  attempts: number;
  /** First pause; doubles each time (jittered). */
  baseDelayMs?: number;
  /** Errors that retrying cannot fix are thrown at once. */
  permanent?: (error: unknown) => boolean;
}

/** Runs `work` until it succeeds; after the last attempt, a TransientInfrastructureError (exit 75). */
export async function withRetries<T>(
  what: string,
  work: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const base = options.baseDelayMs ?? 500;
  let lastError: unknown;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (options.permanent?.(error)) throw error;
      lastError = error;
      if (attempt < options.attempts) {
        const pause = base * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }
  throw new TransientInfrastructureError(
    `${what} failed after ${options.attempts} attempt(s): ${(lastError as Error)?.message ?? String(lastError)}`,
  );
}

/** Runs `work` over `items` with at most `limit` at a time; the first failure rejects (the rest still settle). */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (next < items.length && !failure) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failure) throw failure.error;
}
