import { S3Client } from '@aws-sdk/client-s3';

/** An S3 client for an s3rver endpoint (the local platform's, or a test's own): path-style, s3rver's fixed keys. */
export function s3rverClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
}
