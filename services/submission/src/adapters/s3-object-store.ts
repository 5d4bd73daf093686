import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectStore } from '../domain/ports.js';

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
