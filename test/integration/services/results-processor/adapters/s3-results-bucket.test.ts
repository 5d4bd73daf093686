/** The one results-bucket adapter of both halves (processing and API), against s3rver. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '#shared/kernel/aws/clients.js';
import { createS3ResultsBucket } from '#services/results-processor/src/adapters/s3-results-bucket.js';
import { startS3rver, useS3rverAsAws, type RunningS3rver } from '#test/helpers/s3rver-client.js';

const BUCKET = 'results';
let s3rver: RunningS3rver;
let restoreEnv: () => void;
let bucket: ReturnType<typeof createS3ResultsBucket>;
let dir: string;

const put = (key: string, body: string) =>
  s3rver.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

beforeAll(async () => {
  s3rver = await startS3rver([BUCKET]);
  restoreEnv = useS3rverAsAws(s3rver.endpoint);
  bucket = createS3ResultsBucket(createS3Client(), BUCKET);
  dir = mkdtempSync(path.join(os.tmpdir(), 'gcr-results-bucket-'));
  for (let i = 0; i < 5; i++) await put(`simulations/a/results/previews/C/v${i}.png`, `png ${i}`);
  await put('simulations/a/results/manifest.json', '{"files":[]}');
});

afterAll(async () => {
  await s3rver?.stop();
  restoreEnv?.();
  rmSync(dir, { recursive: true, force: true });
});

describe('S3 results bucket', () => {
  // s3rver fails a listing that MaxKeys truncates, so paging itself is left to S3.
  it('lists every object under a prefix with its size, or just the keys', async () => {
    const all = await bucket.list('simulations/a/results/previews/');
    expect(all).toHaveLength(5);
    expect(all[0]).toEqual({ key: 'simulations/a/results/previews/C/v0.png', size: 5 });
    expect(await bucket.listKeys('simulations/a/results/previews/', 1000)).toEqual(all.map((o) => o.key));
    expect(await bucket.listKeys('simulations/b/', 1000)).toEqual([]);
  });

  it('reads objects as text or JSON, and a missing one as undefined', async () => {
    expect(await bucket.getJson('simulations/a/results/manifest.json')).toEqual({ files: [] });
    expect(await bucket.readText('simulations/a/results/manifest.json')).toBe('{"files":[]}');
    expect(await bucket.getJson('simulations/a/results/metrics.json')).toBeUndefined();
    expect(await bucket.readText('simulations/a/results/metrics.json')).toBeUndefined();
    expect(await bucket.head('simulations/a/results/metrics.json')).toBeUndefined();
    expect(await bucket.head('simulations/a/results/manifest.json')).toMatchObject({ size: 12 });
  });

  it('downloads an object to a file, and says false for a missing one', async () => {
    const file = path.join(dir, 'v1.png');
    expect(await bucket.download('simulations/a/results/previews/C/v1.png', file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('png 1');
    expect(await bucket.download('simulations/a/results/surface/C.nc4', path.join(dir, 'x'))).toBe(false);
  });
});
