import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { setEnvironment } from './environment.js';

/** An S3 client for an s3rver endpoint (the local platform's, or a test's own): path-style, s3rver's fixed keys. */
export function s3rverClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
}

export interface RunningS3rver {
  endpoint: string;
  /** A plain client of the test's own, to arrange and inspect objects. */
  client: S3Client;
  stop(): Promise<void>;
}

/** An s3rver of the test's own, in a temporary directory, with these buckets. */
export async function startS3rver(buckets: string[]): Promise<RunningS3rver> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gcr-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true });
  const { port } = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = s3rverClient(endpoint);
  for (const bucket of buckets) await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    endpoint,
    client,
    async stop() {
      client.destroy();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Gives this process what the local platform gives every function: the S3
 * endpoint and s3rver's credentials, so the platform's own client factory
 * (shared/kernel/aws/clients.ts) reaches the s3rver. Returns the undo.
 */
export function useS3rverAsAws(endpoint: string): () => void {
  return setEnvironment({
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
  });
}
