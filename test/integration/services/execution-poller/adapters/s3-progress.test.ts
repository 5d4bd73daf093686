import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { s3ProgressReader } from '#services/execution-poller/src/adapters/s3-progress.js';
import { statusKey } from '#shared/kernel/storage/bucket-layout.js';
import { s3rverClient } from '#test/helpers/s3rver-client.js';
import { aSimulation } from '#test/helpers/simulations.js';

const BUCKET = 'gcr-results';
const STATUS = {
  schemaVersion: '1',
  model: 'gcr-demo',
  state: 'running',
  percent: 24,
  simulatedTime: '2019-01-01T06:00:00Z',
  updatedAt: '2026-01-01T12:00:05Z',
  files: [],
  startedAt: '2026-01-01T12:00:00Z',
};

let dir: string;
let s3rver: S3rver;
let s3: S3Client;
const warnings: { message: string; details: Record<string, unknown> }[] = [];
let reader: ReturnType<typeof s3ProgressReader>;

/** A RUNNING simulation whose job wrote `body` as its status file (nothing when undefined). */
async function simulationWithStatus(body: string | undefined) {
  const simulation = aSimulation({ status: 'RUNNING' });
  if (body !== undefined) {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: statusKey(simulation.id), Body: body }));
  }
  return simulation;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'gcr-s3-progress-'));
  s3rver = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true });
  const address = (await s3rver.run()) as AddressInfo;
  s3 = s3rverClient(`http://127.0.0.1:${address.port}`);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  reader = s3ProgressReader(s3, BUCKET, (message, details) => warnings.push({ message, details }));
});

afterAll(async () => {
  s3.destroy();
  await s3rver.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the poller's reader of a job's status file", () => {
  it('reads percent and simulated time from a status file of the contract', async () => {
    const simulation = await simulationWithStatus(JSON.stringify(STATUS));
    expect(await reader.read(simulation)).toEqual({ percent: 24, simulatedTime: '2019-01-01T06:00:00Z' });
  });

  it('reads a status file an older job wrote without schemaVersion, and one with no simulated time yet', async () => {
    const { schemaVersion: _version, ...legacy } = STATUS;
    expect(await reader.read(await simulationWithStatus(JSON.stringify(legacy)))).toEqual({
      percent: 24,
      simulatedTime: '2019-01-01T06:00:00Z',
    });
    const staging = { ...STATUS, model: 'gcclassic', state: 'staging', percent: 0, simulatedTime: null };
    expect(await reader.read(await simulationWithStatus(JSON.stringify(staging)))).toEqual({ percent: 0 });
  });

  it('has no progress, and no warning, while the job has written no status file', async () => {
    warnings.length = 0;
    expect(await reader.read(await simulationWithStatus(undefined))).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it.each([
    ['text that is not JSON', '{"percent": 5', 'body: is not JSON'],
    ['a percent as text', JSON.stringify({ ...STATUS, percent: '50' }), 'percent: must be a number'],
    ['no state', JSON.stringify({ ...STATUS, state: undefined }), 'state: is required'],
  ])(
    'ignores a status file with %s for progress, with a warning naming the problem',
    async (_what, body, issue) => {
      warnings.length = 0;
      const simulation = await simulationWithStatus(body);
      expect(await reader.read(simulation)).toBeUndefined();
      expect(warnings).toEqual([
        {
          message: expect.stringContaining('job status file ignored for progress'),
          details: {
            simulationId: simulation.id,
            key: `simulations/${simulation.id}/status.json`,
            issues: expect.arrayContaining([expect.stringContaining(issue)]),
          },
        },
      ]);
    },
  );
});
