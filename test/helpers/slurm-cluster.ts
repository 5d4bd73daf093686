import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { SlurmAdapter, slurmJobName, type SlurmJobRequest } from '#cli/agent/slurm/slurm-adapter.js';
import { execSlurmCommands, type CountingSlurmCommands } from '#cli/agent/slurm/slurm-commands.js';
import type { SlurmJobRecord } from '#cli/agent/slurm/parse.js';

/**
 * The real single-node Slurm cluster of scripts/slurm/start-cluster.sh, for the
 * agent's integration tests. `.ci/run` starts it before the tests; outside CI
 * the tests skip when no cluster answers, and in CI they fail instead (a
 * cluster that did not start must not pass as skipped tests).
 */

/** Where start-cluster.sh's slurm.conf keeps finished jobs (JobCompLoc). */
export const JOBCOMP_LOG = '/var/log/slurm/jobcomp.log';

/** True when sinfo answers and the node is up. */
export function slurmClusterUp(): boolean {
  const sinfo = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 30_000 });
  return sinfo.status === 0 && /^(idle|mixed|allocated)/m.test(sinfo.stdout);
}

const CLUSTER_LOCK = path.join(os.tmpdir(), 'gcr-slurm-tests.lock');
/** Long enough for every other Slurm suite to finish first. */
const CLUSTER_LOCK_WAIT_MS = 30 * 60_000;

function lockHolderAlive(): boolean {
  try {
    const pid = Number(readFileSync(path.join(CLUSTER_LOCK, 'pid'), 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive but another user's; anything else (no file yet, ESRCH): not alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits until no other test process holds the cluster (a dead holder's lock is taken over). */
async function acquireClusterLock(): Promise<void> {
  for (;;) {
    try {
      mkdirSync(CLUSTER_LOCK);
      writeFileSync(path.join(CLUSTER_LOCK, 'pid'), String(process.pid));
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // A holder that just made the folder may not have written its pid yet: check on the next round.
    if (!lockHolderAlive() && !lockHolderAlive()) rmSync(CLUSTER_LOCK, { recursive: true, force: true });
  }
}

function releaseClusterLock(): void {
  rmSync(CLUSTER_LOCK, { recursive: true, force: true });
}

/**
 * `describe` when the cluster is up; outside CI `describe.skip` (saying why)
 * when it is not; in CI a suite whose one test fails, naming the fix.
 */
export function describeWithSlurm(name: string, body: () => void): void {
  if (slurmClusterUp()) {
    describe(name, () => {
      // One cluster, and these suites cancel every job and restart its
      // controller: with several jest workers they take turns.
      beforeAll(acquireClusterLock, CLUSTER_LOCK_WAIT_MS);
      afterAll(releaseClusterLock);
      body();
    });
    return;
  }
  if (process.env['CI']) {
    describe(name, () => {
      it('needs the Slurm cluster .ci/run starts (scripts/slurm/start-cluster.sh)', () => {
        throw new Error('no Slurm cluster answers sinfo: run scripts/slurm/start-cluster.sh as root');
      });
    });
    return;
  }
  console.warn(`SKIPPED: ${name}: no Slurm cluster (start one as root: sh scripts/slurm/start-cluster.sh)`);
  describe.skip(name, body);
}

/** The adapter over the real commands, reading finished jobs from the jobcomp log, and its call counts. */
export function realSlurmAdapter(): { adapter: SlurmAdapter; commands: CountingSlurmCommands } {
  const commands = execSlurmCommands();
  const adapter = new SlurmAdapter(commands, {
    user: os.userInfo().username,
    accounting: { kind: 'jobcomp-log', path: JOBCOMP_LOG },
  });
  return { adapter, commands };
}

/** A job-name stem no other test (or earlier run) uses. */
export function uniqueSimulationId(label: string): string {
  return `it${label}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Writes `body` as a batch script in `workDir` and submits it under a fresh
 * simulation's job name (output next to it unless `extra` says otherwise).
 */
export async function submitTestScript(
  adapter: SlurmAdapter,
  workDir: string,
  label: string,
  body: string,
  extra: Partial<SlurmJobRequest> = {},
): Promise<{ jobId: string; jobName: string }> {
  const simulationId = uniqueSimulationId(label);
  const scriptPath = path.join(workDir, `${simulationId}.sh`);
  writeFileSync(scriptPath, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  const jobName = slurmJobName(simulationId, 1);
  const jobId = await adapter.submit({
    jobName,
    scriptPath,
    workDir,
    outputPath: path.join(workDir, `${simulationId}-%A_%a.out`),
    ...extra,
  });
  return { jobId, jobName };
}

/** Cancels every job of this user whose name starts with `gcr-`, and waits until none is active. */
export async function resetSlurmJobs(): Promise<void> {
  const active = () =>
    execFileSync('squeue', ['-h', `--user=${os.userInfo().username}`, '-o', '%A|%j'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.split('|')[1]?.startsWith('gcr-'))
      .map((line) => line.split('|')[0]!);
  const ids = active();
  if (ids.length > 0) execFileSync('scancel', ids);
  await waitFor(() => active().length === 0, 'every gcr- job to leave the queue', 120_000);
}

/** Polls `observe` until the record of `key` satisfies `done`; returns every observation of it on the way. */
export async function followJob(
  adapter: SlurmAdapter,
  key: string,
  done: (record: SlurmJobRecord) => boolean,
  timeoutMs = 180_000,
): Promise<SlurmJobRecord[]> {
  const seen: SlurmJobRecord[] = [];
  await waitFor(
    async () => {
      const record = (await adapter.observe([key])).find((candidate) => candidate.jobId === key);
      if (record) seen.push(record);
      return record !== undefined && done(record);
    },
    `job ${key} to reach its state (seen: ${JSON.stringify(seen.slice(-3))})`,
    timeoutMs,
  );
  return seen;
}

/** Polls `condition` every half second until it holds (the cluster says so), or fails after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Stops slurmctld (only the process its pid file names) and starts it again
 * with its saved state, as an operator's restart would; slurmd and the jobs
 * keep running. Needs root, like the cluster.
 */
export async function restartSlurmController(): Promise<void> {
  const pid = Number(readFileSync('/run/slurmctld.pid', 'utf8').trim());
  if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'slurmctld') {
    throw new Error(`/run/slurmctld.pid names ${pid}, which is not slurmctld`);
  }
  process.kill(pid, 'SIGTERM');
  await waitFor(() => !processAlive(pid), 'slurmctld to exit', 60_000);
  execFileSync('/usr/sbin/slurmctld');
  await waitFor(slurmClusterUp, 'slurmctld to answer again', 120_000);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
