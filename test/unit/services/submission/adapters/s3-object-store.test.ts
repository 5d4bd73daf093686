/** The results-bucket adapter against s3rver, with the client settings the handler uses locally. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import {
  createS3ObjectStore,
  submissionS3Client,
} from '#services/submission/src/adapters/s3-object-store.js';

const BUCKET = 'results';
let server: S3rver;
let dir: string;
let client: S3Client;
const saved = { ...process.env };

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gcr-s3-store-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true });
  const { port } = (await server.run()) as AddressInfo;
  // What the local platform gives every function: the endpoint and s3rver's credentials.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
  });
  client = submissionS3Client();
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
  process.env = saved;
});

describe('S3 object store of the submission service', () => {
  it('writes the object byte for byte with its content type', async () => {
    const store = createS3ObjectStore(client, BUCKET);
    const body = "COLLECTIONS: 'SpeciesConc',\n  # ünïcode stays intact\n";
    await store.putObject({ key: 'simulations/sim_a/rundir/HISTORY.rc', body, contentType: 'text/plain' });
    const got = await client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'simulations/sim_a/rundir/HISTORY.rc' }),
    );
    expect(await got.Body!.transformToString('utf8')).toBe(body);
    expect(got.ContentType).toBe('text/plain');
  });

  it('fails loudly when the bucket does not exist', async () => {
    const store = createS3ObjectStore(client, 'no-such-bucket');
    await expect(
      store.putObject({ key: 'simulations/x/rundir/a', body: 'a', contentType: 'text/plain' }),
    ).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});
