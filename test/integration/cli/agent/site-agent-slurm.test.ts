/**
 * The site agent as a process on the real single-node Slurm, running the demo
 * model: the platform's side is files (test/helpers/site-agent-child.ts), so a
 * real SIGKILL mid-run and a restart (then the controller's restart) are tested with the real loop, state file,
 * run-directory preparation, sbatch/squeue/jobcomp and uploads. Every wait is
 * for what the agent reports or Slurm says, never a duration.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect, it, jest } from '@jest/globals';
import type { SiteJobReport, SiteReportRequest, SiteWorkMessage } from '#schemas/generated/types.js';
import {
  describeWithSlurm,
  JOBCOMP_LOG,
  realSlurmAdapter,
  resetSlurmJobs,
  restartSlurmController,
  uniqueSimulationId,
  waitFor,
} from '#test/helpers/slurm-cluster.js';

jest.setTimeout(420_000);

const repository = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const DEMO_SPEC = JSON.parse(
  readFileSync(path.join(repository, 'examples/demo-local-4x5-1day.json'), 'utf8'),
) as Record<string, unknown>;

let dir: string;
const children: ChildProcess[] = [];
const { adapter } = realSlurmAdapter();

function startAgent(): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repository, 'test/helpers/site-agent-child.ts')],
    {
      cwd: repository,
      env: { ...process.env, GCR_TEST_AGENT_DIR: dir },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.on('exit', (code) => {
    if (code !== null) crashed = `the agent exited ${code}:\n${log}`;
  });
  children.push(child);
  return child;
}

/** Set when an agent exits by itself (not killed by the test): every wait fails at once with its log. */
let crashed: string | undefined;

/** waitFor, failing at once when an agent crashed. */
function waitForAgent(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  return waitFor(
    () => {
      if (crashed) throw new Error(crashed);
      return condition();
    },
    what,
    timeoutMs,
  );
}

function submit(simulationId: string, wallSeconds: number): SiteWorkMessage {
  const message: SiteWorkMessage = {
    schemaVersion: '1',
    kind: 'submit',
    site: 'campus',
    simulationId,
    attempt: 1,
    jobName: `gcr-${simulationId}-a1`,
    sentAt: new Date().toISOString(),
    job: { partition: 'debug', timeMinutes: 10, cpus: 1, memoryMiB: 512 },
    spec: { ...DEMO_SPEC, tags: { 'demo-wall-seconds': String(wallSeconds) } },
  };
  writeFileSync(path.join(dir, 'queue', `${Date.now()}-${simulationId}.json`), JSON.stringify(message));
  return message;
}

function reportsOf(jobName: string): SiteJobReport[] {
  const file = path.join(dir, 'reports.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => (JSON.parse(line) as SiteReportRequest).jobs)
    .filter((job) => job.jobName === jobName);
}

const ended = (jobName: string) => reportsOf(jobName).find((report) => report.outputsUploaded !== undefined);

/** sbatch calls for this name: every job Slurm knows by it (squeue, then the jobcomp log once it ended). */
function jobsNamed(jobName: string): number {
  const inLog = existsSync(JOBCOMP_LOG)
    ? readFileSync(JOBCOMP_LOG, 'utf8')
        .split('\n')
        .filter((line) => line.includes(` Name=${jobName} `)).length
    : 0;
  return inLog;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

describeWithSlurm('the site agent on a real Slurm cluster', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gcr-agent-it-'));
    mkdirSync(path.join(dir, 'store', 'rundir'), { recursive: true });
    mkdirSync(path.join(dir, 'queue'), { recursive: true });
    writeFileSync(path.join(dir, 'store', 'rundir', 'gcr-rundir.json'), JSON.stringify({ spec: DEMO_SPEC }));
    await resetSlurmJobs();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      await exited(child);
    }
  });
  afterAll(async () => {
    await resetSlurmJobs();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the demo through Slurm to SUCCEEDED, survives a SIGKILL mid-run and a controller restart, and submits it exactly once', async () => {
    const simulationId = uniqueSimulationId('agentkill');
    const { jobName } = { jobName: `gcr-${simulationId}-a1` };
    const first = startAgent();
    submit(simulationId, 12);
    // Mid-run: the job runs and the model has reported progress.
    await waitForAgent(
      () => reportsOf(jobName).some((report) => report.status === 'RUNNING' && report.progress !== undefined),
      `${jobName} to report RUNNING with progress`,
      240_000,
    );
    first.kill('SIGKILL');
    await exited(first);
    // The same work comes again, as from a queue whose message the killed agent had not deleted.
    submit(simulationId, 12);
    startAgent();
    // And the controller restarts while the job runs: the agent rides through it (its squeue fails, then answers).
    await restartSlurmController();
    await waitForAgent(() => ended(jobName) !== undefined, `${jobName} to end`, 240_000);

    expect(ended(jobName)).toMatchObject({ status: 'SUCCEEDED', outputsUploaded: true, exitCode: 0 });
    const statuses = reportsOf(jobName).map((report) => report.status);
    expect(statuses.filter((status) => status === 'SUBMITTED')).toHaveLength(1);
    expect(statuses.at(-1)).toBe('SUCCEEDED');
    // Exactly one sbatch: one job of this name at Slurm.
    await waitFor(() => jobsNamed(jobName) > 0, `${jobName} in the jobcomp log`, 60_000);
    expect(jobsNamed(jobName)).toBe(1);
    expect(await adapter.findByName(jobName)).toHaveLength(1);
    // Uploaded before the end was reported: outputs, restarts and the job's log.
    const bucket = path.join(dir, 'bucket');
    expect(
      readdirSync(path.join(bucket, 'outputs')).some((name) => name.startsWith('GEOSChem.SpeciesConc.')),
    ).toBe(true);
    expect(readFileSync(path.join(bucket, 'logs', 'GC.log'), 'utf8')).toMatch(/demo model: done/);
    expect(JSON.parse(readFileSync(path.join(bucket, 'status.json'), 'utf8'))).toMatchObject({
      model: 'gcr-demo',
    });
    // Progress reached the end of the period.
    expect(ended(jobName)!.progress?.modelTime).toBe('2019-01-02T00:00:00Z');
    // Every queued message was acted upon and deleted.
    expect(readdirSync(path.join(dir, 'queue'))).toEqual([]);
  });
});
