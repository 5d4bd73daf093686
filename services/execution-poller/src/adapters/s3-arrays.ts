import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { arrayIndexKey, arrayPrefix, parseArrayIndex } from '#shared/kernel/compute/array-members.js';
import type { EnsembleArrayStore } from '#shared/kernel/repository/ensemble-arrays.js';
import type { JobArrayIndex } from '#schemas/generated/types.js';
import type { PollerPorts } from '../domain/ports.js';

/** Files written at once: an array of 10,000 members has 101. */
const WRITE_CONCURRENCY = 16;
/** Indexes kept per bundle: they never change once written, and a child's events name one again and again. */
const CACHED_INDEXES = 64;

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

/** The array ports over the results bucket (array-members.ts has the layout). */
export function s3Arrays(
  client: S3Client,
  bucket: string,
  store: EnsembleArrayStore,
): NonNullable<PollerPorts['arrays']> {
  const indexes = new Map<string, JobArrayIndex>();
  return {
    store,
    async writeFiles(files) {
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(WRITE_CONCURRENCY, files.length) }, async () => {
          while (next < files.length) {
            const file = files[next++]!;
            await client.send(
              new PutObjectCommand({
                Bucket: bucket,
                Key: file.key,
                Body: file.body,
                ContentType: 'application/json',
              }),
            );
          }
        }),
      );
    },
    async readIndex(ensembleId, jobName) {
      const key = arrayIndexKey(arrayPrefix(ensembleId, jobName));
      const cached = indexes.get(key);
      if (cached) return cached;
      let text: string;
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        text = await out.Body!.transformToString();
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
      const index = parseArrayIndex(text);
      if (indexes.size >= CACHED_INDEXES) indexes.delete(indexes.keys().next().value!);
      indexes.set(key, index);
      return index;
    },
    uriOf: (prefix) => `s3://${bucket}/${prefix}`,
  };
}
