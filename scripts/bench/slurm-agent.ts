/**
 * npm run bench:slurm -- --agent — an ensemble of BENCH_SLURM_TASKS (default
 * 200) members as ONE submitArray message (one job array, throttled with
 * BENCH_SLURM_THROTTLE when set) through the site agent's loop
 * (cli/agent/site-agent.ts) to the real
 * cluster of scripts/slurm/start-cluster.sh: the agent's real Slurm adapter
 * and state file; the platform's side (session, queue, transfers, reports) in
 * memory, and a preparation that only writes a batch script (members sleep
 * BENCH_SLURM_SLEEP seconds, default 20; no model, no downloads). Reports the
 * time from the messages queued to every member reported RUNNING (or ended)
 * and to every member's end reported, and the Slurm calls (squeue, sacct,
 * sbatch) per minute: the agent submits the array with one sbatch and
 * follows all its tasks with one squeue per poll (and asks Slurm once
 * whether it knows the array's name).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JOB_SCRIPT, prepareArrayDirectory, runDirectoryOf, type SubmitMessage } from '#cli/agent/prepare.js';
import { SiteAgent } from '#cli/agent/site-agent.js';
import { SlurmAdapter } from '#cli/agent/slurm/slurm-adapter.js';
import { execSlurmCommands } from '#cli/agent/slurm/slurm-commands.js';
import { agentStatePath, FileStateStore } from '#cli/agent/state-store.js';
import type { QueueMessage } from '#cli/agent/work-queue.js';
import type { SiteArrayWork, SiteJobReport } from '#schemas/generated/types.js';

const TASKS = Number(process.env['BENCH_SLURM_TASKS'] ?? 200);
const POLL_MS = Number(process.env['BENCH_SLURM_POLL_MS'] ?? 1000);
const SLEEP_SECONDS = Number(process.env['BENCH_SLURM_SLEEP'] ?? 20);
const THROTTLE = process.env['BENCH_SLURM_THROTTLE']
  ? Number(process.env['BENCH_SLURM_THROTTLE'])
  : undefined;
const TIMEOUT_MS = Number(process.env['BENCH_SLURM_TIMEOUT_MS'] ?? 1_800_000);
const JOBCOMP_LOG = process.env['BENCH_SLURM_JOBCOMP_LOG'] ?? '/var/log/slurm/jobcomp.log';
const SITE = 'bench';

export async function benchThroughAgent(): Promise<void> {
  const workRoot = mkdtempSync(path.join(os.tmpdir(), 'gcr-bench-agent-'));
  const commands = execSlurmCommands();
  const slurm = new SlurmAdapter(commands, {
    user: os.userInfo().username,
    accounting: { kind: 'jobcomp-log', path: JOBCOMP_LOG },
  });
  const stamp = Date.now().toString(36);
  const ensembleId = `ens_${stamp.padStart(26, '0').slice(-26)}`;
  const message: SiteArrayWork = {
    schemaVersion: '1',
    kind: 'submitArray',
    site: SITE,
    ensembleId,
    arrayJobName: `gcr-${ensembleId}-arr1`,
    sentAt: new Date().toISOString(),
    ...(THROTTLE !== undefined ? { maxRunning: THROTTLE } : {}),
    job: { partition: 'debug', timeMinutes: 30, cpus: 1, memoryMiB: 256 },
    members: Array.from({ length: TASKS }, (_, member) => ({
      simulationId: `bench${stamp}m${member}`,
      attempt: 1,
      jobName: `gcr-bench${stamp}m${member}-a1`,
      spec: {},
    })),
  };
  const queue: QueueMessage[] = [
    { body: JSON.stringify(message), receiptHandle: message.arrayJobName, receiveCount: 1 },
  ];
  const running = new Set<string>();
  const ended = new Set<string>();
  let reportRequests = 0;
  const onReport = (job: SiteJobReport) => {
    if (job.status === 'RUNNING' || job.outputsUploaded !== undefined) running.add(job.jobName);
    if (job.outputsUploaded !== undefined) ended.add(job.jobName);
  };
  const agent = new SiteAgent(
    {
      api: {
        session: () =>
          Promise.resolve({
            site: SITE,
            queueUrl: 'memory',
            region: 'local',
            credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
            expiresAt: new Date(Date.now() + 3600_000).toISOString(),
            heartbeatIntervalSeconds: 60,
            visibilityTimeoutSeconds: 300,
          }),
        transfers: (request) =>
          Promise.resolve({
            simulationId: request.simulationId,
            attempt: request.attempt,
            expiresAt: new Date().toISOString(),
            downloads: [],
            uploads: [],
          }),
        report: (request) => {
          reportRequests += 1;
          request.jobs.forEach(onReport);
          return Promise.resolve({
            receivedAt: new Date().toISOString(),
            applied: request.jobs.map((job) => job.jobName),
            ignored: [],
          });
        },
      },
      openQueue: () => ({
        receive: (max) => Promise.resolve(queue.splice(0, max)),
        delete: () => Promise.resolve(),
        extendVisibility: () => Promise.resolve(),
      }),
      slurm,
      transfer: { download: () => Promise.resolve(), upload: () => Promise.resolve() },
      state: new FileStateStore(agentStatePath(workRoot, SITE)),
      prepare: (message: SubmitMessage) => {
        const runDirectory = runDirectoryOf(workRoot, message.simulationId, message.attempt);
        mkdirSync(runDirectory, { recursive: true });
        writeFileSync(path.join(runDirectory, JOB_SCRIPT), `#!/bin/sh\nsleep ${SLEEP_SECONDS}\n`, {
          mode: 0o755,
        });
        return Promise.resolve(runDirectory);
      },
      prepareArray: (array, runDirectories) => prepareArrayDirectory(workRoot, array, runDirectories),
      now: () => new Date(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      log: () => undefined,
    },
    {
      site: SITE,
      agentId: `bench:${process.pid}`,
      version: 'bench',
      pollSeconds: POLL_MS / 1000,
      receiveWaitSeconds: 0,
      jobDefaults: {},
    },
  );
  const t0 = Date.now();
  let allRunningMs: number | undefined;
  let cycles = 0;
  try {
    await agent.start();
    while (ended.size < TASKS) {
      if (Date.now() - t0 > TIMEOUT_MS) throw new Error(`not finished after ${TIMEOUT_MS / 1000} s`);
      const began = Date.now();
      await agent.cycle();
      cycles += 1;
      if (allRunningMs === undefined && running.size === TASKS) allRunningMs = Date.now() - t0;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, POLL_MS - (Date.now() - began))));
    }
  } finally {
    const left = await slurm.observe([]).catch(() => []);
    if (left.some((r) => r.name === message.arrayJobName && r.state !== 'COMPLETED'))
      await slurm
        .cancel(left.find((r) => r.name === message.arrayJobName)!.arrayJobId ?? '')
        .catch(() => undefined);
    rmSync(workRoot, { recursive: true, force: true });
  }
  const minutes = (Date.now() - t0) / 60_000;
  const perMinute = (n: number) => (n / minutes).toFixed(1);
  console.log(
    `bench:slurm --agent: ${TASKS} members of ${SLEEP_SECONDS} s as one array${THROTTLE ? ` (%${THROTTLE})` : ''} through the agent's loop, one cycle every ${POLL_MS} ms`,
  );
  console.log(`  queued -> all members reported RUNNING: ${((allRunningMs ?? NaN) / 1000).toFixed(1)} s`);
  console.log(`  queued -> every member's end reported: ${(minutes * 60).toFixed(1)} s`);
  console.log(
    `  cycles: ${cycles}; calls: squeue ${commands.calls.squeue}, sacct ${commands.calls.sacct}, sbatch ${commands.calls.sbatch}; report requests ${reportRequests}`,
  );
  console.log(
    `  per minute: squeue ${perMinute(commands.calls.squeue)}, sacct ${perMinute(commands.calls.sacct)}, sbatch ${perMinute(commands.calls.sbatch)}`,
  );
}
