/**
 * A job that reaches its Slurm time limit, on the real cluster: TIMEOUT, our
 * TIMED_OUT. Slow by nature (limits have one-minute granularity and slurmctld
 * checks them about every 30 s: ~80 s), so it has its own file and runs
 * beside the adapter's other tests rather than after them.
 */
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isFinishedState } from '#cli/agent/slurm/parse.js';
import { slurmJobName } from '#cli/agent/slurm/slurm-adapter.js';
import { slurmStatus } from '#cli/agent/slurm/states.js';
import {
  describeWithSlurm,
  followJob,
  realSlurmAdapter,
  uniqueSimulationId,
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
    const simulationId = uniqueSimulationId('timeout');
    const scriptPath = path.join(workDir, 'job.sh');
    writeFileSync(scriptPath, '#!/bin/sh\nsleep 600\n', { mode: 0o755 });
    const jobId = await adapter.submit({
      jobName: slurmJobName(simulationId, 1),
      scriptPath,
      workDir,
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
