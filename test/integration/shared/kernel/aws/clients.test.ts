/** The platform's one S3 client factory, against s3rver as the local platform configures it. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createReadStream } from 'node:fs';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createS3Client, s3Client } from '#shared/kernel/aws/clients.js';
import { startS3rver, useS3rverAsAws, type RunningS3rver } from '#test/helpers/s3rver-client.js';

const BUCKET = 'results';
let s3rver: RunningS3rver;
let restoreEnv: () => void;
let client: S3Client;
let dir: string;

/** GET with nothing but the URL, as a browser or curl would. */
function plainGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

beforeAll(async () => {
  s3rver = await startS3rver([BUCKET]);
  // By name, not IP: the SDK never puts a bucket in front of an IP address, so only a name tells path-style apart.
  restoreEnv = useS3rverAsAws(s3rver.endpoint.replace('127.0.0.1', 'localhost'));
  client = createS3Client();
  dir = mkdtempSync(path.join(os.tmpdir(), 'gcr-s3-client-'));
});

afterAll(async () => {
  client?.destroy();
  await s3rver?.stop();
  restoreEnv?.();
  rmSync(dir, { recursive: true, force: true });
});

describe('createS3Client against an S3 emulator (AWS_ENDPOINT_URL_S3)', () => {
  it('addresses buckets by path, since the emulator has no per-bucket host names', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'simulations/a/x.txt', Body: 'x' }));
    const url = await getSignedUrl(
      client,
      new GetObjectCommand({ Bucket: BUCKET, Key: 'simulations/a/x.txt' }),
    );
    expect(new URL(url).pathname).toBe(`/${BUCKET}/simulations/a/x.txt`);
  });

  it('presigns GETs that a plain HTTP client can follow', async () => {
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'simulations/a/results/manifest.json',
        Body: '{"files":[]}',
      }),
    );
    const url = await getSignedUrl(
      client,
      new GetObjectCommand({ Bucket: BUCKET, Key: 'simulations/a/results/manifest.json' }),
      { expiresIn: 60 },
    );
    const query = new URL(url).searchParams;
    expect(query.get('X-Amz-SignedHeaders')).toBe('host');
    expect([...query.keys()].filter((name) => name.startsWith('x-amz-checksum'))).toEqual([]);
    expect(await plainGet(url)).toEqual({ status: 200, body: '{"files":[]}' });
  });

  it('uploads a stream as its plain bytes, not aws-chunked with checksum trailers', async () => {
    const file = path.join(dir, 'surface.nc4');
    const bytes = Buffer.from('CDF\u0001'.repeat(40_000));
    writeFileSync(file, bytes);
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'simulations/a/results/surface/SpeciesConc.nc4',
        Body: createReadStream(file),
        ContentLength: bytes.length,
      }),
    );
    const out = await client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'simulations/a/results/surface/SpeciesConc.nc4' }),
    );
    expect(Buffer.from(await out.Body!.transformToByteArray()).equals(bytes)).toBe(true);
  });

  it('is created once per bundle by s3Client()', () => {
    expect(s3Client()).toBe(s3Client());
  });
});
