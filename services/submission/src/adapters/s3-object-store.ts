import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ObjectStore } from '../domain/ports.js';

/*
 * Against an S3 emulator (AWS_ENDPOINT_URL_S3, the local platform's s3rver):
 * path-style URLs, since there are no per-bucket host names, and checksums
 * only where S3 requires them (s3rver rejects the SDK's default trailers).
 */
export function submissionS3Client(): S3Client {
  return new S3Client({
    ...(process.env['AWS_ENDPOINT_URL_S3'] ? { forcePathStyle: true } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

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
