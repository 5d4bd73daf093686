/**
 * The agent's Slurm adapter against the real single-node cluster
 * (scripts/slurm/start-cluster.sh; .ci/run starts it). Jobs are sleeps and
 * exits; every wait is for the state the cluster reports, never a duration.
 * MinJobAge is 10 s on that cluster, so finished jobs leave squeue quickly and
 * the adapter's fallback to the jobcomp log is on the path of every test.
 */
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isFinishedState, slurmJobKey } from '#cli/agent/slurm/parse.js';
import { slurmStatus } from '#cli/agent/slurm/states.js';
import {
  describeWithSlurm,
  followJob,
  realSlurmAdapter,
  resetSlurmJobs,
  restartSlurmController,
  submitTestScript,
  waitFor,
} from '#test/helpers/slurm-cluster.js';

jest.setTimeout(300_000);

let workDir: string;
const { adapter } = realSlurmAdapter();

const submitScript = (label: string, body: string) => submitTestScript(adapter, workDir, label, body);

describeWithSlurm('the Slurm adapter on a real cluster', () => {
  beforeAll(async () => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'gcr-slurm-'));
    await resetSlurmJobs();
  });
  afterAll(async () => {
    await resetSlurmJobs();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('follows a job that succeeds to COMPLETED, then SUCCEEDED, even once squeue has forgotten it', async () => {
    const { jobId, jobName } = await submitScript('ok', 'sleep 2; echo done');
    const seen = await followJob(adapter, jobId, (record) => isFinishedState(record.state));
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ jobId, name: jobName, state: 'COMPLETED', exitCode: 0 });
    expect(slurmStatus(last).status).toBe('SUCCEEDED');
    // Gone from squeue after MinJobAge: the jobcomp log still answers, by id and by name.
    await waitFor(
      async () => (await adapter.findByName(jobName)).length > 0 && !(await squeueLists(jobId)),
      'squeue to forget the job',
      180_000,
    );
    expect(await adapter.observe([jobId])).toEqual(
      expect.arrayContaining([expect.objectContaining({ jobId, state: 'COMPLETED' })]),
    );
    expect(await adapter.findByName(jobName)).toEqual([
      expect.objectContaining({ jobId, state: 'COMPLETED' }),
    ]);
  });

  it('reports a job that exits 3 as FAILED with exit code 3', async () => {
    const { jobId } = await submitScript('fail', 'exit 3');
    const last = (await followJob(adapter, jobId, (record) => isFinishedState(record.state))).at(-1)!;
    expect(last).toMatchObject({ state: 'FAILED', exitCode: 3 });
    expect(slurmStatus(last)).toMatchObject({ status: 'FAILED', exitCode: 3 });
  });

  it('cancels a running job: CANCELLED', async () => {
    const { jobId } = await submitScript('cancel', 'sleep 600');
    await followJob(adapter, jobId, (record) => record.state === 'RUNNING');
    await adapter.cancel(jobId);
    const last = (await followJob(adapter, jobId, (record) => isFinishedState(record.state))).at(-1)!;
    expect(slurmStatus(last).status).toBe('CANCELLED');
  });

  it('runs an array of 10 with %4: never more than 4 tasks at once, all 10 complete', async () => {
    const { jobId } = await submitTestScript(adapter, workDir, 'array', 'sleep 3', {
      outputPath: '/dev/null',
      array: { indices: '0-9', maxRunning: 4 },
    });
    let mostRunning = 0;
    const finished = new Map<string, string>();
    await waitFor(
      async () => {
        const tasks = (await adapter.observe([jobId])).filter((record) => record.arrayJobId === jobId);
        mostRunning = Math.max(mostRunning, tasks.filter((record) => record.state === 'RUNNING').length);
        for (const task of tasks)
          if (isFinishedState(task.state)) finished.set(slurmJobKey(task), task.state);
        return finished.size === 10;
      },
      'all 10 array tasks to finish',
      240_000,
    );
    expect(mostRunning).toBeGreaterThan(0);
    expect(mostRunning).toBeLessThanOrEqual(4);
    expect([...finished.keys()].sort()).toEqual(
      Array.from({ length: 10 }, (_, task) => `${jobId}_${task}`).sort(),
    );
    expect(new Set(finished.values())).toEqual(new Set(['COMPLETED']));
  });

  it('keeps following a running job through a controller restart', async () => {
    const { jobId } = await submitScript('ctld', 'sleep 15');
    await followJob(adapter, jobId, (record) => record.state === 'RUNNING');
    await restartSlurmController();
    const last = (await followJob(adapter, jobId, (record) => isFinishedState(record.state))).at(-1)!;
    expect(last).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
  });
});

async function squeueLists(jobId: string): Promise<boolean> {
  const { execFileSync } = await import('node:child_process');
  return execFileSync('squeue', ['-h', '-t', 'all', '-o', '%A'], { encoding: 'utf8' })
    .split('\n')
    .includes(jobId);
}
