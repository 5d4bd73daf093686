import { listObjects as listObjectsUnder } from '#shared/kernel/storage/list-objects.js';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ResultsObjectStore } from '../domain/api/ports.js';
import type { ResultsStore, StoredObject } from '../domain/processing/ports.js';

/** A missing object: S3 says NoSuchKey for GET, NotFound (a bare 404) for HEAD. */
function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * The results bucket through the S3 API (s3rver on the local platform), as
 * both halves of the service use it: the processing pipeline (ResultsStore)
 * and the results API (ResultsObjectStore).
 */
export function createS3ResultsBucket(client: S3Client, bucket: string): ResultsStore & ResultsObjectStore {
  function listObjects(prefix: string, limit: number): Promise<StoredObject[]> {
    return listObjectsUnder(client, bucket, prefix, limit);
  }

  async function readText(key: string): Promise<string | undefined> {
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return await out.Body!.transformToString('utf8');
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  return {
    list: (prefix) => listObjects(prefix, Number.POSITIVE_INFINITY),

    async listKeys(prefix, limit) {
      return (await listObjects(prefix, limit)).map((object) => object.key);
    },

    async stream(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return out.Body as Readable;
    },

    readText,

    async getJson(key) {
      const text = await readText(key);
      return text === undefined ? undefined : (JSON.parse(text) as unknown);
    },

    async head(key) {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return {
          size: out.ContentLength ?? 0,
          ...(out.ContentType ? { contentType: out.ContentType } : {}),
        };
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },

    presignGet(key, ttlSeconds) {
      return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), {
        expiresIn: ttlSeconds,
      });
    },

    async download(key, path) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        await pipeline(out.Body as Readable, createWriteStream(path));
        return true;
      } catch (err) {
        if (isMissing(err)) return false;
        throw err;
      }
    },

    async put(key, body, contentType) {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
      );
    },

    async putFile(key, path, contentType) {
      const { size } = await stat(path);
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: createReadStream(path),
          ContentLength: size,
          ContentType: contentType,
        }),
      );
    },
  };
}
