/**
 * A job that reaches its Slurm time limit, on the real cluster: TIMEOUT, our
 * TIMED_OUT. Slow by nature (limits have one-minute granularity and slurmctld
 * checks them about every 30 s: ~80 s), so it has its own file and runs
 * beside the adapter's other tests rather than after them.
 */
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isFinishedState } from '#cli/agent/slurm/parse.js';
import { slurmStatus } from '#cli/agent/slurm/states.js';
import {
  describeWithSlurm,
  followJob,
  realSlurmAdapter,
  submitTestScript,
} from '#test/helpers/slurm-cluster.js';

jest.setTimeout(600_000);

let workDir: string;

describeWithSlurm('a Slurm job past its time limit', () => {
  beforeAll(() => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'gcr-slurm-timeout-'));
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('ends TIMEOUT, which is TIMED_OUT', async () => {
    const { adapter } = realSlurmAdapter();
    const { jobId } = await submitTestScript(adapter, workDir, 'timeout', 'sleep 600', {
      outputPath: '/dev/null',
      timeLimitMinutes: 1,
    });
    const last = (await followJob(adapter, jobId, (record) => isFinishedState(record.state), 540_000)).at(
      -1,
    )!;
    expect(last.state).toBe('TIMEOUT');
    expect(slurmStatus(last).status).toBe('TIMED_OUT');
  });
});
