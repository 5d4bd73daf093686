/**
 * Array jobs in the local Batch emulator, as AWS Batch runs them: children
 * `<parent>:<index>` run as processes with AWS_BATCH_JOB_ARRAY_INDEX, are
 * describable and listed by arrayJobId; the parent's status follows them
 * (PENDING once one is RUNNABLE, SUCCEEDED when all succeeded, FAILED when
 * all ended and one failed) with arrayProperties.statusSummary; terminating
 * the parent reaches every child; details keep to Batch's API model.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ARRAY_CHILD_FAILED, LocalBatch } from '#local/batch/local-batch.js';
import type { BatchJobDetail } from '#local/batch/types.js';
import { batchModelProblems } from '#test/helpers/batch-api-model.js';

jest.setTimeout(60_000);

const node = (code: string): string[] => [process.execPath, '-e', code];

let dir: string;
let batch: LocalBatch | undefined;
let events: BatchJobDetail[];

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gcr-batch-array-'));
  events = [];
});

afterEach(async () => {
  await batch?.shutdown({ killJobs: true });
  batch = undefined;
  await fs.rm(dir, { recursive: true, force: true });
});

async function open(): Promise<LocalBatch> {
  batch = await LocalBatch.open({
    dir,
    slots: 2,
    jobQueues: ['q'],
    jobDefinitions: {
      // Writes its index where the test can read it; index 1 fails when FAIL_ONE is set.
      indexed: {
        command: node(
          'const i = process.env.AWS_BATCH_JOB_ARRAY_INDEX; require("fs").writeFileSync("index.txt", `${i} ${process.env.AWS_BATCH_JOB_ID}`); process.exit(process.env.FAIL_ONE && i === "1" ? 3 : 0)',
        ),
      },
      sleeper: { command: node('setTimeout(() => {}, 60000)') },
    },
    onStateChange: (job) => void events.push(job),
    terminateGraceMs: 300,
    pollIntervalMs: 25,
  });
  return batch;
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ended = (b: LocalBatch, id: string) => ['SUCCEEDED', 'FAILED'].includes(b.getJob(id)?.status ?? '');

describe('array jobs in the local Batch emulator', () => {
  it('runs each child with its index, derives the parent from the children and describes both as Batch does', async () => {
    const b = await open();
    const { jobId } = await b.submitJob({
      jobName: 'gcr-ens_x-a1',
      jobQueue: 'q',
      jobDefinition: 'indexed',
      arrayProperties: { size: 3 },
    });
    await until('the parent to end', () => ended(b, jobId));
    const parent = b.getJob(jobId)!;
    expect(parent.status).toBe('SUCCEEDED');
    expect(parent.arrayProperties).toEqual({
      size: 3,
      statusSummary: expect.objectContaining({ SUCCEEDED: 3 }),
    });
    const children = b.describeJobs([0, 1, 2].map((i) => `${jobId}:${i}`));
    expect(children.map((c) => [c.jobId, c.status, c.arrayProperties])).toEqual(
      [0, 1, 2].map((i) => [`${jobId}:${i}`, 'SUCCEEDED', { index: i }]),
    );
    for (const [i, child] of children.entries()) {
      expect(child.jobName).toBe('gcr-ens_x-a1');
      const written = await fs.readFile(path.join(b.runDir(child.jobId)!, 'index.txt'), 'utf8');
      expect(written).toBe(`${i} ${jobId}:${i}`);
    }
    for (const detail of [parent, ...children]) expect(batchModelProblems(detail, 'JobDetail')).toEqual([]);
    // The parent's states, in Batch's order; every child's own events too.
    expect(events.filter((e) => e.jobId === jobId).map((e) => e.status)).toEqual([
      'SUBMITTED',
      'PENDING',
      'SUCCEEDED',
    ]);
    expect(events.filter((e) => e.jobId === `${jobId}:2`).map((e) => e.status)).toEqual([
      'PENDING',
      'RUNNABLE',
      'STARTING',
      'RUNNING',
      'SUCCEEDED',
    ]);
    // Listed by their parent, not by queue.
    const listed = b.listJobs({ arrayJobId: jobId, jobStatus: 'SUCCEEDED' }).jobSummaryList;
    expect(listed.map((s) => s.jobId)).toEqual([0, 1, 2].map((i) => `${jobId}:${i}`));
    const byName = b.listJobs({ jobQueue: 'q', filters: [{ name: 'JOB_NAME', values: ['gcr-ens_x-a1'] }] });
    expect(byName.jobSummaryList.map((s) => [s.jobId, s.arrayProperties])).toEqual([[jobId, { size: 3 }]]);
  });

  it('fails the parent once every child ended when one child failed', async () => {
    const b = await open();
    const { jobId } = await b.submitJob({
      jobName: 'arr',
      jobQueue: 'q',
      jobDefinition: 'indexed',
      arrayProperties: { size: 3 },
      containerOverrides: { environment: [{ name: 'FAIL_ONE', value: '1' }] },
    });
    await until('the parent to end', () => ended(b, jobId));
    expect(b.getJob(jobId)).toMatchObject({
      status: 'FAILED',
      statusReason: ARRAY_CHILD_FAILED,
      arrayProperties: { statusSummary: expect.objectContaining({ SUCCEEDED: 2, FAILED: 1 }) },
    });
    expect(b.getJob(`${jobId}:1`)).toMatchObject({ status: 'FAILED', container: { exitCode: 3 } });
  });

  it('terminates every child, running or waiting, when the parent is terminated', async () => {
    const b = await open();
    const { jobId } = await b.submitJob({
      jobName: 'arr',
      jobQueue: 'q',
      jobDefinition: 'sleeper',
      arrayProperties: { size: 4 },
    });
    await until(
      'two children running',
      () =>
        b.describeJobs([0, 1, 2, 3].map((i) => `${jobId}:${i}`)).filter((c) => c.status === 'RUNNING')
          .length === 2,
    );
    await b.terminateJob(jobId, 'stopped by the test');
    await until('the parent to end', () => ended(b, jobId));
    expect(b.getJob(jobId)?.status).toBe('FAILED');
    for (const i of [0, 1, 2, 3]) {
      expect(b.getJob(`${jobId}:${i}`)).toMatchObject({
        status: 'FAILED',
        statusReason: 'stopped by the test',
      });
    }
  });

  it('refuses array sizes Batch refuses', async () => {
    const b = await open();
    for (const size of [1, 10_001]) {
      await expect(
        b.submitJob({ jobName: 'arr', jobQueue: 'q', jobDefinition: 'indexed', arrayProperties: { size } }),
      ).rejects.toThrow('arrayProperties.size must be between 2 and 10000');
    }
  });
});
