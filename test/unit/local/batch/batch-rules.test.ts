import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { globMatches, shouldRetry } from '#local/batch/retry-strategy.js';
import {
  parseDescribeJobs,
  parseListJobs,
  parseStopJob,
  parseSubmitJob,
} from '#local/batch/submit-request.js';
import { resolveJobDefinition, resolveJobQueue } from '#local/batch/job-definitions.js';
import { JobStore, type StoredJob } from '#local/batch/job-store.js';
import { BatchClientError } from '#local/batch/types.js';

const SPOT_RETRY = {
  attempts: 3,
  evaluateOnExit: [
    { onStatusReason: 'Host EC2*', action: 'RETRY' },
    { onReason: '*', action: 'EXIT' },
  ],
};

describe('Batch retry strategy', () => {
  it('matches glob patterns with * anywhere, anchored at both ends', () => {
    expect(globMatches('Host EC2*', 'Host EC2 (instance i-local) terminated.')).toBe(true);
    expect(globMatches('Host EC2*', 'host EC2 (instance i-local) terminated.')).toBe(false);
    expect(globMatches('1*', '137')).toBe(true);
    expect(globMatches('1', '137')).toBe(false);
    expect(globMatches('*', '')).toBe(true);
    expect(globMatches('a.b', 'axb')).toBe(false);
  });

  it('retries a spot reclaim and exits on a model error under the adapter-style strategy', () => {
    const hostLoss = { statusReason: 'Host EC2 (instance i-local) terminated.' };
    const modelError = { statusReason: 'Essential container in task exited', exitCode: 1 };
    expect(shouldRetry(SPOT_RETRY, 1, hostLoss)).toBe(true);
    expect(shouldRetry(SPOT_RETRY, 2, hostLoss)).toBe(true);
    expect(shouldRetry(SPOT_RETRY, 3, hostLoss)).toBe(false);
    expect(shouldRetry(SPOT_RETRY, 1, modelError)).toBe(false);
  });

  it('retries any failure when no evaluateOnExit entry matches, and never past attempts', () => {
    expect(shouldRetry({ attempts: 2 }, 1, { exitCode: 1 })).toBe(true);
    expect(shouldRetry({ attempts: 2 }, 2, { exitCode: 1 })).toBe(false);
    expect(shouldRetry(undefined, 1, { exitCode: 1 })).toBe(false);
    expect(
      shouldRetry({ attempts: 2, evaluateOnExit: [{ onExitCode: '3', action: 'EXIT' }] }, 1, { exitCode: 4 }),
    ).toBe(true);
  });

  it('needs every condition of an entry to match, takes the first match, and ignores action case', () => {
    const strategy = {
      attempts: 5,
      evaluateOnExit: [
        { onExitCode: '137', onReason: 'OutOfMemory*', action: 'exit' },
        { onExitCode: '13*', action: 'retry' },
        { onExitCode: '*', action: 'EXIT' },
      ],
    };
    expect(shouldRetry(strategy, 1, { exitCode: 137, reason: 'OutOfMemoryError: killed' })).toBe(false);
    expect(shouldRetry(strategy, 1, { exitCode: 137 })).toBe(true);
    expect(shouldRetry(strategy, 1, { exitCode: 2 })).toBe(false);
    // No exit code (host loss): only `*` matches the missing value.
    expect(shouldRetry(strategy, 1, {})).toBe(false);
  });
});

describe('Batch request validation', () => {
  const valid = { jobName: 'gcr-sim_01J', jobQueue: 'q', jobDefinition: 'd' };

  it('accepts a full SubmitJob request and keeps its members', () => {
    const parsed = parseSubmitJob({
      ...valid,
      containerOverrides: {
        command: ['run'],
        environment: [{ name: 'A', value: '1' }],
        resourceRequirements: [{ type: 'VCPU', value: '4' }],
      },
      retryStrategy: SPOT_RETRY,
      timeout: { attemptDurationSeconds: 3600 },
      tags: { owner: 'alice' },
    });
    expect(parsed).toEqual({
      ...valid,
      containerOverrides: {
        command: ['run'],
        environment: [{ name: 'A', value: '1' }],
        resourceRequirements: [{ type: 'VCPU', value: '4' }],
      },
      retryStrategy: SPOT_RETRY,
      timeout: { attemptDurationSeconds: 3600 },
      tags: { owner: 'alice' },
    });
  });

  it.each([
    [{ ...valid, jobName: undefined }, /jobName is required/],
    [{ ...valid, jobName: '_starts-with-underscore' }, /jobName must be/],
    [{ ...valid, jobName: 'a'.repeat(129) }, /jobName must be/],
    [{ ...valid, jobName: 'has space' }, /jobName must be/],
    [{ ...valid, jobQueue: '' }, /jobQueue is required/],
    [{ ...valid, jobDefinition: 3 }, /jobDefinition is required/],
    [{ ...valid, retryStrategy: { attempts: 0 } }, /attempts must be between 1 and 10/],
    [{ ...valid, retryStrategy: { evaluateOnExit: [{ action: 'RETRY' }] } }, /attempts must be specified/],
    [{ ...valid, retryStrategy: { attempts: 2, evaluateOnExit: [{ action: 'MAYBE' }] } }, /RETRY or EXIT/],
    [
      { ...valid, retryStrategy: { attempts: 2, evaluateOnExit: [{ onExitCode: 'x', action: 'EXIT' }] } },
      /onExitCode/,
    ],
    [{ ...valid, timeout: { attemptDurationSeconds: 0 } }, /attemptDurationSeconds/],
    [{ ...valid, containerOverrides: { environment: [{ name: 'AWS_BATCH_X', value: '1' }] } }, /reserved/],
    [
      { ...valid, containerOverrides: { resourceRequirements: [{ type: 'CPU', value: '1' }] } },
      /VCPU, MEMORY, GPU/,
    ],
    [{ ...valid, containerOverrides: { command: 'run' } }, /list of strings/],
    [{ ...valid, arrayProperties: { size: 1 } }, /arrayProperties.size must be between 2 and 10000/],
    [{ ...valid, arrayProperties: {} }, /arrayProperties.size must be between 2 and 10000/],
    [{ ...valid, containerOverrides: { instanceType: 'c7g.4xlarge' } }, /multi-node/],
    [{ ...valid, dependsOn: [{ jobId: 'x' }] }, /dependsOn is not supported/],
    ['not an object', /JSON object/],
  ])('refuses %j with a ClientException', (input, message) => {
    expect(() => parseSubmitJob(input)).toThrow(BatchClientError);
    expect(() => parseSubmitJob(input)).toThrow(message);
  });

  it('limits DescribeJobs to 100 ids and requires the reason of TerminateJob', () => {
    expect(parseDescribeJobs({ jobs: Array(100).fill('x') })).toHaveLength(100);
    expect(() => parseDescribeJobs({ jobs: Array(101).fill('x') })).toThrow(/up to 100/);
    expect(() => parseDescribeJobs({})).toThrow(/jobs is required/);
    expect(parseStopJob({ jobId: 'j', reason: 'r' })).toEqual({ jobId: 'j', reason: 'r' });
    expect(() => parseStopJob({ jobId: 'j' })).toThrow(/reason is required/);
    expect(() => parseStopJob({ reason: 'r' })).toThrow(/jobId is required/);
    expect(() => parseListJobs({ filters: 'x' })).toThrow(/filters must be a list/);
  });
});

describe('Batch references', () => {
  const defs = { model: { command: ['true'] } };

  it('resolves a job definition by name, name:revision or ARN, echoing the revision', () => {
    expect(resolveJobDefinition(defs, 'model', 'us-east-1', '000000000000')?.arn).toBe(
      'arn:aws:batch:us-east-1:000000000000:job-definition/model:1',
    );
    expect(resolveJobDefinition(defs, 'model:7', 'us-east-1', '000000000000')?.revision).toBe(7);
    expect(
      resolveJobDefinition(
        defs,
        'arn:aws:batch:eu-west-1:123456789012:job-definition/model:4',
        'us-east-1',
        '0',
      )?.name,
    ).toBe('model');
    expect(resolveJobDefinition(defs, 'other', 'us-east-1', '0')).toBeUndefined();
    expect(resolveJobDefinition(defs, 'toString', 'us-east-1', '0')).toBeUndefined();
  });

  it('resolves a job queue by name or ARN', () => {
    expect(resolveJobQueue(['spot'], 'spot')).toBe('spot');
    expect(resolveJobQueue(['spot'], 'arn:aws:batch:us-east-1:000000000000:job-queue/spot')).toBe('spot');
    expect(resolveJobQueue(['spot'], 'ondemand')).toBeUndefined();
  });
});

describe('Batch job store', () => {
  it('replaces job files atomically, keeps the last write, and drops stray temporary files at open', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gcr-batch-store-'));
    try {
      const { store } = await JobStore.open(dir);
      const job = {
        version: 1,
        seq: 1,
        detail: { jobId: 'j1', status: 'SUBMITTED' },
        spec: { command: ['true'], environment: {}, cwd: dir },
      } as unknown as StoredJob;
      const writes: Promise<void>[] = [];
      for (const status of ['SUBMITTED', 'RUNNABLE', 'STARTING', 'RUNNING']) {
        job.detail.status = status as StoredJob['detail']['status'];
        writes.push(store.write(job));
      }
      await Promise.all(writes);
      await fs.writeFile(path.join(dir, 'jobs', 'j1.json.tmp-1-1'), '{"torn');
      await fs.writeFile(path.join(dir, 'jobs', 'bad.json'), '{"torn');
      const corrupt: string[] = [];
      const reopened = await JobStore.open(dir, (file) => corrupt.push(path.basename(file)));
      expect(reopened.jobs.map((j) => j.detail.status)).toEqual(['RUNNING']);
      expect(corrupt).toEqual(['bad.json']);
      expect((await fs.readdir(path.join(dir, 'jobs'))).sort()).toEqual(['bad.json', 'j1.json']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
