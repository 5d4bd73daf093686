import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { listObjects } from '#shared/kernel/storage/list-objects.js';
import type { PurgeBucket } from '../domain/purge.js';

/** S3's DeleteObjects takes up to 1,000 keys a call. */
const KEYS_PER_DELETE = 1000;

/** The results bucket as a purge sees it: the objects under a prefix, and deleting them. */
export function createS3PurgeBucket(client: S3Client, bucket: string): PurgeBucket {
  return {
    list: (prefix) => listObjects(client, bucket, prefix),
    async deleteKeys(keys) {
      for (let i = 0; i < keys.length; i += KEYS_PER_DELETE) {
        const out = await client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: keys.slice(i, i + KEYS_PER_DELETE).map((Key) => ({ Key })), Quiet: true },
          }),
        );
        const failed = out.Errors ?? [];
        if (failed.length > 0) {
          throw new Error(
            `${failed.length} object(s) not deleted, e.g. ${failed[0]!.Key}: ${failed[0]!.Code} ${failed[0]!.Message ?? ''}`,
          );
        }
      }
    },
  };
}
