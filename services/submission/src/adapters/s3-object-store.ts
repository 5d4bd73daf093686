import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectStore, RunDirectoryReader, StoredRunDirectoryEntry } from '../domain/ports.js';

/** The results bucket as an ObjectStore. */
export function createS3ObjectStore(client: S3Client, bucket: string): ObjectStore {
  return {
    async putObject({ key, body, contentType }) {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
      );
    },
  };
}

/** "bytes 0-99/2048" -> 2048. */
function totalOfContentRange(range: string | undefined): number | undefined {
  const total = range?.match(/\/(\d+)$/)?.[1];
  return total === undefined ? undefined : Number(total);
}

/** The results bucket's run directories, read back (a ranged GET, so a large file costs only its head). */
export function createS3RunDirectoryReader(client: S3Client, bucket: string): RunDirectoryReader {
  return {
    async list(prefix) {
      const entries: StoredRunDirectoryEntry[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) {
          if (!object.Key) continue;
          entries.push({
            path: object.Key.slice(prefix.length),
            size: object.Size ?? 0,
            ...(object.LastModified ? { lastModified: object.LastModified } : {}),
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return entries;
    },
    async readHead(key, maxBytes) {
      try {
        const got = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${maxBytes - 1}` }),
        );
        const body = got.Body ? await got.Body.transformToByteArray() : new Uint8Array();
        const size = totalOfContentRange(got.ContentRange) ?? got.ContentLength ?? body.length;
        return {
          body: body.length > maxBytes ? body.subarray(0, maxBytes) : body,
          size,
          ...(got.ContentType ? { contentType: got.ContentType } : {}),
        };
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
        // An empty object has no byte 0: S3 answers 416 to the range.
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416) {
          return { body: new Uint8Array(), size: 0 };
        }
        throw error;
      }
    },
  };
}
