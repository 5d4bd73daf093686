/**
 * npm run bench:slurm — 200 array members (BENCH_SLURM_TASKS) submitted as one
 * job array through the agent's Slurm adapter (cli/agent/slurm/) to the real
 * cluster of scripts/slurm/start-cluster.sh, followed the way the agent
 * follows its jobs: one observe() per poll (BENCH_SLURM_POLL_MS, default
 * 1000). Reports the time from submit to every member seen RUNNING (or
 * finished: a member may start and end between two polls) and to every
 * member finished, and the squeue and sacct calls per minute, which must stay
 * one squeue per poll however many members there are. Members sleep
 * BENCH_SLURM_SLEEP seconds (default 20) and ask for 64 MiB, so the
 * node's advertised CPUs (SLURM_CPUS of start-cluster.sh) are what limit how
 * many run at once: start the cluster with SLURM_CPUS=200 to see all 200
 * running together.
 *
 * `npm run bench:slurm -- --agent` goes through the site agent's loop instead
 * (scripts/bench/slurm-agent.ts): the members as one submitArray message, one job array.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isFinishedState } from '#cli/agent/slurm/parse.js';
import { SlurmAdapter, slurmJobName } from '#cli/agent/slurm/slurm-adapter.js';
import { execSlurmCommands } from '#cli/agent/slurm/slurm-commands.js';
import { benchThroughAgent } from './slurm-agent.js';

const TASKS = Number(process.env['BENCH_SLURM_TASKS'] ?? 200);
const POLL_MS = Number(process.env['BENCH_SLURM_POLL_MS'] ?? 1000);
const SLEEP_SECONDS = Number(process.env['BENCH_SLURM_SLEEP'] ?? 20);
const TIMEOUT_MS = Number(process.env['BENCH_SLURM_TIMEOUT_MS'] ?? 1_800_000);
const JOBCOMP_LOG = process.env['BENCH_SLURM_JOBCOMP_LOG'] ?? '/var/log/slurm/jobcomp.log';

async function main(): Promise<void> {
  const commands = execSlurmCommands();
  const adapter = new SlurmAdapter(commands, {
    user: os.userInfo().username,
    accounting: { kind: 'jobcomp-log', path: JOBCOMP_LOG },
  });
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'gcr-bench-slurm-'));
  const scriptPath = path.join(workDir, 'member.sh');
  writeFileSync(scriptPath, `#!/bin/sh\nsleep ${SLEEP_SECONDS}\n`, { mode: 0o755 });
  const started = new Set<string>();
  const finished = new Set<string>();
  let polls = 0;
  let allStartedMs: number | undefined;
  const t0 = Date.now();
  const arrayId = await adapter.submit({
    jobName: slurmJobName(`bench${t0.toString(36)}`, 1),
    scriptPath,
    workDir,
    outputPath: '/dev/null',
    memoryMiB: 64,
    array: { indices: `0-${TASKS - 1}` },
  });
  try {
    while (finished.size < TASKS) {
      if (Date.now() - t0 > TIMEOUT_MS) throw new Error(`not finished after ${TIMEOUT_MS / 1000} s`);
      polls += 1;
      for (const record of await adapter.observe([arrayId])) {
        if (record.arrayJobId !== arrayId || record.arrayTaskId === undefined) continue;
        const key = String(record.arrayTaskId);
        if (record.state === 'RUNNING' || isFinishedState(record.state)) started.add(key);
        if (isFinishedState(record.state)) finished.add(key);
      }
      if (allStartedMs === undefined && started.size === TASKS) allStartedMs = Date.now() - t0;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    await adapter.cancel(arrayId).catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  }
  const minutes = (Date.now() - t0) / 60_000;
  const perMinute = (n: number) => (n / minutes).toFixed(1);
  console.log(`bench:slurm: ${TASKS} array members of ${SLEEP_SECONDS} s, one poll every ${POLL_MS} ms`);
  console.log(`  submit -> all members started: ${((allStartedMs ?? NaN) / 1000).toFixed(1)} s`);
  console.log(`  submit -> all members finished: ${(minutes * 60).toFixed(1)} s`);
  console.log(
    `  polls: ${polls}; calls: squeue ${commands.calls.squeue}, sacct ${commands.calls.sacct}, sbatch ${commands.calls.sbatch}`,
  );
  console.log(
    `  per minute: squeue ${perMinute(commands.calls.squeue)}, sacct ${perMinute(commands.calls.sacct)} (jobcomp log reads are not controller calls)`,
  );
}

(process.argv.includes('--agent') ? benchThroughAgent() : main()).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
