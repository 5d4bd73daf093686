import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import {
  ATTEMPT_TIMEOUT_REASON,
  HOST_LOSS_REASON,
  HOST_RESTARTED_REASON,
  LocalBatch,
  type LocalBatchOptions,
} from '#local/batch/local-batch.js';
import type { BatchJobDetail } from '#local/batch/types.js';

jest.setTimeout(30_000);

/** A node one-liner as a job definition's command. */
const node = (code: string): string[] => [process.execPath, '-e', code];
const SLEEP_LONG = 'setTimeout(() => {}, 60000)';

let dir: string;
let opened: LocalBatch[] = [];
let events: BatchJobDetail[];

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gcr-batch-'));
  events = [];
  opened = [];
});

afterEach(async () => {
  for (const b of opened.splice(0)) await b.shutdown({ killJobs: true });
  await fs.rm(dir, { recursive: true, force: true });
});

async function open(overrides: Partial<LocalBatchOptions> = {}): Promise<LocalBatch> {
  const batch = await LocalBatch.open({
    dir,
    slots: 2,
    jobQueues: ['gcr-local-spot', 'gcr-local-ondemand'],
    jobDefinitions: {
      ok: { command: node('console.log("hello from", process.env.AWS_BATCH_JOB_ID)') },
      exit3: { command: node('console.error("boom"); process.exit(3)') },
      sleeper: { command: node(SLEEP_LONG) },
      // Says when it runs: a SIGTERM sent before the command starts is held by the wrapper's trap.
      readySleeper: { command: node(`console.log("ready"); ${SLEEP_LONG}`) },
      // Ignores SIGTERM: only SIGKILL after the grace period ends it.
      stubborn: {
        command: node(
          `process.on("SIGTERM", () => console.log("ignoring SIGTERM")); console.log("ready"); ${SLEEP_LONG}`,
        ),
      },
      env: {
        command: node(
          'const fs = require("fs"); fs.writeFileSync("env.json", JSON.stringify({ cwd: process.cwd(), env: process.env }))',
        ),
        environment: { FROM_DEFINITION: 'def', OVERRIDDEN: 'def' },
      },
    },
    onStateChange: (job) => {
      events.push(job);
    },
    terminateGraceMs: 300,
    pollIntervalMs: 25,
    ...overrides,
  });
  opened.push(batch);
  return batch;
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const statusOf = (batch: LocalBatch, jobId: string) => batch.getJob(jobId)?.status;

/** Waits until the job is `status` and that transition has been notified. */
function waitForStatus(batch: LocalBatch, jobId: string, status: string): Promise<BatchJobDetail> {
  return waitFor(`${jobId} ${status}`, () => {
    const job = batch.getJob(jobId);
    return job?.status === status && events.some((e) => e.jobId === jobId && e.status === status)
      ? job
      : undefined;
  });
}

const statusesOf = (jobId: string) => events.filter((e) => e.jobId === jobId).map((e) => e.status);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie is not running (its command line is empty).
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8') !== '';
  } catch {
    return process.platform !== 'linux';
  }
}

const submit = (batch: LocalBatch, jobDefinition: string, extra: Record<string, unknown> = {}) =>
  batch.submitJob({ jobName: `job-${jobDefinition}`, jobQueue: 'gcr-local-spot', jobDefinition, ...extra });

describe('LocalBatch job lifecycle', () => {
  it('moves a short job through every Batch state, notifying each one in order', async () => {
    const batch = await open();
    const { jobId, jobArn, jobName } = await submit(batch, 'ok');
    expect(jobId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(jobArn).toBe(`arn:aws:batch:us-east-1:000000000000:job/${jobId}`);
    expect(jobName).toBe('job-ok');

    const done = await waitForStatus(batch, jobId, 'SUCCEEDED');
    expect(statusesOf(jobId)).toEqual(['SUBMITTED', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED']);
    // Every notification carries the full JobDetail, as a Batch Job State Change event does.
    for (const e of events) {
      expect(e).toMatchObject({
        jobArn,
        jobId,
        jobName,
        jobQueue: 'arn:aws:batch:us-east-1:000000000000:job-queue/gcr-local-spot',
        jobDefinition: 'arn:aws:batch:us-east-1:000000000000:job-definition/ok:1',
        createdAt: expect.any(Number),
        attempts: expect.any(Array),
        container: expect.objectContaining({ command: expect.any(Array) }),
      });
    }
    const running = events.find((e) => e.status === 'RUNNING')!;
    expect(running.startedAt).toEqual(expect.any(Number));
    expect(running.container.logStreamName).toBe(`local/${jobId}`);
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      statusReason: 'Essential container in task exited',
      container: { exitCode: 0, logStreamName: `local/${jobId}` },
      attempts: [
        {
          container: { exitCode: 0, logStreamName: `local/${jobId}` },
          statusReason: 'Essential container in task exited',
        },
      ],
    });
    expect(done.stoppedAt!).toBeGreaterThanOrEqual(done.startedAt!);
    expect(done.startedAt!).toBeGreaterThanOrEqual(done.createdAt);
    expect(readFileSync(batch.logFile(jobId), 'utf8')).toBe(`hello from ${jobId}\n`);
    expect(batch.logFileForStream(`local/${jobId}`)).toBe(batch.logFile(jobId));
  });

  it('runs the command in its run directory with the definition, override and Batch environment', async () => {
    const batch = await open();
    const runDir = path.join(dir, 'my-run');
    const { jobId } = await submit(batch, 'env', {
      containerOverrides: {
        environment: [
          { name: 'OVERRIDDEN', value: 'override' },
          { name: 'GCR_RUN_DIR', value: runDir },
        ],
        resourceRequirements: [
          { type: 'VCPU', value: '4096' },
          { type: 'MEMORY', value: '2048' },
        ],
      },
    });
    const done = await waitForStatus(batch, jobId, 'SUCCEEDED');
    const seen = JSON.parse(readFileSync(path.join(runDir, 'env.json'), 'utf8'));
    expect(await fs.realpath(seen.cwd)).toBe(await fs.realpath(runDir));
    expect(seen.env).toMatchObject({
      FROM_DEFINITION: 'def',
      OVERRIDDEN: 'override',
      AWS_BATCH_JOB_ID: jobId,
      AWS_BATCH_JOB_ATTEMPT: '1',
      AWS_BATCH_JQ_NAME: 'gcr-local-spot',
      PATH: process.env['PATH'],
    });
    // More vCPUs than the machine has: recorded, and the job still ran.
    // (In resourceRequirements only, as Batch reports them: no vcpus or memory beside them.)
    expect(done.container).not.toHaveProperty('vcpus');
    expect(done.container).not.toHaveProperty('memory');
    expect(done.container).toMatchObject({
      resourceRequirements: [
        { type: 'VCPU', value: '4096' },
        { type: 'MEMORY', value: '2048' },
      ],
    });
    expect(batch.runDir(jobId)).toBe(runDir);
  });

  it('fails a job whose command exits non-zero, with its exit code', async () => {
    const batch = await open();
    const { jobId } = await submit(batch, 'exit3');
    const failed = await waitForStatus(batch, jobId, 'FAILED');
    expect(statusesOf(jobId)).toEqual(['SUBMITTED', 'RUNNABLE', 'STARTING', 'RUNNING', 'FAILED']);
    expect(failed).toMatchObject({
      statusReason: 'Essential container in task exited',
      container: { exitCode: 3 },
      attempts: [{ container: { exitCode: 3 }, statusReason: 'Essential container in task exited' }],
    });
    expect(readFileSync(batch.logFile(jobId), 'utf8')).toContain('boom');
  });

  it('retries failed attempts up to retryStrategy.attempts when no evaluateOnExit says otherwise', async () => {
    const batch = await open();
    const { jobId } = await submit(batch, 'exit3', { retryStrategy: { attempts: 3 } });
    const failed = await waitForStatus(batch, jobId, 'FAILED');
    expect(failed.attempts).toHaveLength(3);
    expect(statusesOf(jobId)).toEqual([
      'SUBMITTED',
      ...['RUNNABLE', 'STARTING', 'RUNNING'],
      ...['RUNNABLE', 'STARTING', 'RUNNING'],
      ...['RUNNABLE', 'STARTING', 'RUNNING'],
      'FAILED',
    ]);
  });

  it('does not retry when evaluateOnExit matches an EXIT entry', async () => {
    const batch = await open();
    const { jobId } = await submit(batch, 'exit3', {
      retryStrategy: { attempts: 3, evaluateOnExit: [{ onExitCode: '3', action: 'exit' }] },
    });
    const failed = await waitForStatus(batch, jobId, 'FAILED');
    expect(failed.attempts).toHaveLength(1);
  });

  it('fails an attempt that outlives timeout.attemptDurationSeconds, without retrying it', async () => {
    const batch = await open();
    const { jobId } = await submit(batch, 'sleeper', {
      timeout: { attemptDurationSeconds: 0.3 },
      retryStrategy: { attempts: 2 },
    });
    await waitForStatus(batch, jobId, 'RUNNING');
    const pid = batch.processId(jobId)!;
    const failed = await waitForStatus(batch, jobId, 'FAILED');
    expect(failed.statusReason).toBe(ATTEMPT_TIMEOUT_REASON);
    expect(failed.attempts).toHaveLength(1);
    expect(failed.attempts[0]).toMatchObject({
      statusReason: ATTEMPT_TIMEOUT_REASON,
      container: { exitCode: 143 },
    });
    expect(failed.stoppedAt! - failed.startedAt!).toBeGreaterThanOrEqual(250);
    expect(alive(pid)).toBe(false);
  });
});

describe('LocalBatch termination', () => {
  it('fails a RUNNABLE job at once with the reason given, without running it', async () => {
    const batch = await open({ slots: 1 });
    const blocker = await submit(batch, 'sleeper');
    await waitForStatus(batch, blocker.jobId, 'RUNNING');
    const { jobId } = await submit(batch, 'ok');
    await waitForStatus(batch, jobId, 'RUNNABLE');

    await batch.terminateJob(jobId, 'user asked');
    expect(batch.getJob(jobId)).toMatchObject({ status: 'FAILED', statusReason: 'user asked', attempts: [] });
    expect(statusesOf(jobId)).toEqual(['SUBMITTED', 'RUNNABLE', 'FAILED']);

    // Idempotent on a finished job.
    await batch.terminateJob(jobId, 'again');
    await batch.cancelJob(jobId, 'again');
    expect(batch.getJob(jobId)!.statusReason).toBe('user asked');
    expect(statusesOf(jobId)).toHaveLength(3);
    // Unknown jobs: a no-op, as Batch answers 200 for them.
    await batch.terminateJob('00000000-0000-0000-0000-000000000000', 'nobody');
  });

  it('fails a STARTING job without spawning it when terminated before its process exists', async () => {
    let releaseStarting!: () => void;
    const startingDelivered = new Promise<void>((resolve) => (releaseStarting = resolve));
    let startingSeen = false;
    const batch = await open({
      onStateChange: async (job) => {
        events.push(job);
        if (job.status === 'STARTING') {
          startingSeen = true;
          await startingDelivered; // a slow event consumer holds the job in STARTING
        }
      },
    });
    const { jobId } = await submit(batch, 'ok');
    await waitFor('STARTING', () => startingSeen);
    const terminated = batch.terminateJob(jobId, 'too late to start');
    releaseStarting();
    await terminated;
    const failed = await waitForStatus(batch, jobId, 'FAILED');
    expect(failed).toMatchObject({ statusReason: 'too late to start', attempts: [] });
    expect(statusesOf(jobId)).toEqual(['SUBMITTED', 'RUNNABLE', 'STARTING', 'FAILED']);
    expect(readFileSync(batch.logFile(jobId), { encoding: 'utf8', flag: 'a+' })).toBe('');
  });

  it('cancels a SUBMITTED job before it is queued', async () => {
    const batch = await open();
    const { jobId } = await submit(batch, 'ok');
    await batch.cancelJob(jobId, 'changed my mind');
    expect(batch.getJob(jobId)).toMatchObject({
      status: 'FAILED',
      statusReason: 'changed my mind',
      isCancelled: true,
    });
    expect(statusesOf(jobId)).toEqual(['SUBMITTED', 'FAILED']);
  });

  it('leaves a RUNNING job alone on CancelJob, as Batch does', async () => {
    const batch = await open();
    const { jobId } = await submit(batch, 'sleeper');
    await waitForStatus(batch, jobId, 'RUNNING');
    await batch.cancelJob(jobId, 'cancel');
    expect(statusOf(batch, jobId)).toBe('RUNNING');
    expect(alive(batch.processId(jobId)!)).toBe(true);
  });

  it('terminates a RUNNING job: SIGTERM, SIGKILL after the grace period, FAILED with the reason', async () => {
    const batch = await open();
    const { jobId } = await submit(batch, 'stubborn');
    await waitForStatus(batch, jobId, 'RUNNING');
    const pid = batch.processId(jobId)!;
    expect(alive(pid)).toBe(true);
    await waitFor(
      'the job to install its SIGTERM handler',
      () => readFileSync(batch.logFile(jobId), 'utf8') !== '',
    );

    await batch.terminateJob(jobId, 'Simulation cancelled by its owner');
    const failed = await waitForStatus(batch, jobId, 'FAILED');
    expect(failed).toMatchObject({
      statusReason: 'Simulation cancelled by its owner',
      isTerminated: true,
      container: { exitCode: 137 },
      attempts: [{ statusReason: 'Simulation cancelled by its owner', container: { exitCode: 137 } }],
    });
    expect(statusesOf(jobId)).toEqual(['SUBMITTED', 'RUNNABLE', 'STARTING', 'RUNNING', 'FAILED']);
    expect(alive(pid)).toBe(false);
  });

  it('terminates a RUNNING job that exits on SIGTERM without waiting for the grace period', async () => {
    const batch = await open({ terminateGraceMs: 60_000 });
    const { jobId } = await submit(batch, 'readySleeper');
    await waitForStatus(batch, jobId, 'RUNNING');
    const pid = batch.processId(jobId)!;
    await waitFor('the command to start', () => readFileSync(batch.logFile(jobId), 'utf8').includes('ready'));
    await batch.terminateJob(jobId, 'stop');
    const failed = await waitForStatus(batch, jobId, 'FAILED');
    expect(failed.container.exitCode).toBe(143);
    expect(alive(pid)).toBe(false);
  });
});

describe('LocalBatch scheduling', () => {
  it('runs at most `slots` jobs at once and starts queued jobs first in, first out', async () => {
    const batch = await open({
      slots: 1,
      jobDefinitions: { short: { command: node('setTimeout(() => {}, 100)') } },
    });
    const active = new Set<string>();
    let maxActive = 0;
    const started: string[] = [];
    const jobs: string[] = [];
    events.length = 0;
    const seen = events;
    for (let i = 0; i < 3; i++) {
      jobs.push(
        (await batch.submitJob({ jobName: `j${i}`, jobQueue: 'gcr-local-spot', jobDefinition: 'short' }))
          .jobId,
      );
    }
    await waitFor('all jobs to succeed', () => jobs.every((id) => statusOf(batch, id) === 'SUCCEEDED'));
    for (const e of seen) {
      if (e.status === 'STARTING') {
        active.add(e.jobId);
        started.push(e.jobId);
      }
      if (e.status === 'SUCCEEDED') active.delete(e.jobId);
      maxActive = Math.max(maxActive, active.size);
    }
    expect(maxActive).toBe(1);
    expect(started).toEqual(jobs);
  });
});

/** Two attempts; only a lost host is retried (as the poller submits spot jobs). */
const RETRY_HOST_LOSS_ONCE = {
  attempts: 2,
  evaluateOnExit: [
    { onStatusReason: 'Host EC2*', action: 'RETRY' as const },
    { onReason: '*', action: 'EXIT' as const },
  ],
};

describe('LocalBatch host loss', () => {
  it('retries an attempt lost with its host when evaluateOnExit says RETRY, then succeeds', async () => {
    const batch = await open({
      jobDefinitions: {
        flaky: {
          command: node(
            `if (process.env.AWS_BATCH_JOB_ATTEMPT === "1") { ${SLEEP_LONG} } else { console.log("second") }`,
          ),
        },
      },
    });
    const { jobId } = await batch.submitJob({
      jobName: 'spot-job',
      jobQueue: 'gcr-local-spot',
      jobDefinition: 'flaky',
      retryStrategy: RETRY_HOST_LOSS_ONCE,
    });
    await waitForStatus(batch, jobId, 'RUNNING');
    const pid = batch.processId(jobId)!;
    await batch.simulateHostLoss(jobId);
    const done = await waitForStatus(batch, jobId, 'SUCCEEDED');
    expect(alive(pid)).toBe(false);
    expect(done.attempts).toHaveLength(2);
    expect(done.attempts[0]).toMatchObject({ statusReason: HOST_LOSS_REASON });
    expect(done.attempts[0]!.container?.exitCode).toBeUndefined();
    expect(done.attempts[1]).toMatchObject({ container: { exitCode: 0 } });
    expect(statusesOf(jobId)).toEqual([
      'SUBMITTED',
      'RUNNABLE',
      'STARTING',
      'RUNNING',
      'RUNNABLE',
      'STARTING',
      'RUNNING',
      'SUCCEEDED',
    ]);
    expect(readFileSync(batch.logFile(jobId), 'utf8')).toContain('second');
  });

  it("takes a SIGKILL of the job's process it did not send for a host loss, which the retry strategy retries", async () => {
    const batch = await open({
      jobDefinitions: {
        flaky: {
          command: node(`if (process.env.AWS_BATCH_JOB_ATTEMPT === "1") { ${SLEEP_LONG} }`),
        },
      },
    });
    const { jobId } = await batch.submitJob({
      jobName: 'killed-job',
      jobQueue: 'gcr-local-spot',
      jobDefinition: 'flaky',
      retryStrategy: RETRY_HOST_LOSS_ONCE,
    });
    await waitForStatus(batch, jobId, 'RUNNING');
    const pid = batch.processId(jobId)!;
    process.kill(-pid, 'SIGKILL');
    const done = await waitForStatus(batch, jobId, 'SUCCEEDED');
    expect(done.attempts).toHaveLength(2);
    expect(done.attempts[0]).toMatchObject({ statusReason: HOST_LOSS_REASON });
    expect(done.attempts[0]!.container?.exitCode).toBeUndefined();
  });

  it('fails an attempt lost with its host when no retries remain', async () => {
    const batch = await open();
    const { jobId } = await submit(batch, 'sleeper');
    await waitForStatus(batch, jobId, 'RUNNING');
    await batch.simulateHostLoss(jobId);
    const failed = await waitForStatus(batch, jobId, 'FAILED');
    expect(failed.statusReason).toBe(HOST_LOSS_REASON);
  });
});

describe('LocalBatch restart', () => {
  it('fails a job whose process died while the platform was down: "host restarted"', async () => {
    const first = await open();
    const { jobId } = await submit(first, 'sleeper');
    await waitForStatus(first, jobId, 'RUNNING');
    const pid = first.processId(jobId)!;
    await first.close();
    opened = opened.filter((b) => b !== first);
    process.kill(-pid, 'SIGKILL');
    await waitFor('the job process to die', () => !alive(pid));

    events.length = 0;
    const second = await open();
    const failed = await waitForStatus(second, jobId, 'FAILED');
    expect(failed).toMatchObject({
      statusReason: HOST_RESTARTED_REASON,
      attempts: [{ statusReason: HOST_RESTARTED_REASON }],
    });
    expect(statusesOf(jobId)).toEqual(['FAILED']);
  });

  it('re-attaches to a job still running after a restart and records its real exit code (waiting for its job: one local Batch test raced a 1.2 s child process)', async () => {
    // The job exits 7 when the test says so (a file appears in its directory), not
    // after a fixed time: on a slow machine the restart may take any time.
    const exitWhenReleased =
      'setInterval(() => { if (require("fs").existsSync("release")) process.exit(7); }, 20)';
    const first = await open({ jobDefinitions: { held7: { command: node(exitWhenReleased) } } });
    const { jobId } = await first.submitJob({
      jobName: 'held',
      jobQueue: 'gcr-local-spot',
      jobDefinition: 'held7',
    });
    await waitForStatus(first, jobId, 'RUNNING');
    const pid = first.processId(jobId)!;
    await first.close();
    opened = opened.filter((b) => b !== first);

    events.length = 0;
    const second = await open({ jobDefinitions: {} });
    expect(statusOf(second, jobId)).toBe('RUNNING');
    expect(second.processId(jobId)).toBe(pid);
    await fs.writeFile(path.join(second.runDir(jobId)!, 'release'), '');
    const failed = await waitForStatus(second, jobId, 'FAILED');
    expect(failed).toMatchObject({
      statusReason: 'Essential container in task exited',
      container: { exitCode: 7 },
      attempts: [{ container: { exitCode: 7 } }],
    });
    expect(statusesOf(jobId)).toEqual(['FAILED']);
  });

  it('keeps queued jobs across a restart and runs them afterwards', async () => {
    const first = await open({ slots: 1 });
    const blocker = await submit(first, 'sleeper');
    await waitForStatus(first, blocker.jobId, 'RUNNING');
    const queued = await submit(first, 'ok');
    await waitForStatus(first, queued.jobId, 'RUNNABLE');
    const pid = first.processId(blocker.jobId)!;
    await first.close();
    opened = opened.filter((b) => b !== first);

    const second = await open({ slots: 1 });
    // The re-attached job holds the only slot; terminating it (a process that is not our child) frees it.
    expect(statusOf(second, queued.jobId)).toBe('RUNNABLE');
    await second.terminateJob(blocker.jobId, 'make room');
    await waitForStatus(second, blocker.jobId, 'FAILED');
    expect(alive(pid)).toBe(false);
    await waitForStatus(second, queued.jobId, 'SUCCEEDED');
  });

  it('with deferStart, recovers and notifies nothing until start()', async () => {
    const first = await open();
    const { jobId } = await submit(first, 'sleeper');
    await waitForStatus(first, jobId, 'RUNNING');
    const pid = first.processId(jobId)!;
    await first.close();
    opened = opened.filter((b) => b !== first);
    process.kill(-pid, 'SIGKILL');
    await waitFor('the job process to die', () => !alive(pid));

    events.length = 0;
    const second = await open({ deferStart: true });
    const queued = await submit(second, 'ok');
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toEqual([]);
    expect(statusOf(second, jobId)).toBe('RUNNING');
    expect(statusOf(second, queued.jobId)).toBe('SUBMITTED');

    await second.start();
    await waitForStatus(second, jobId, 'FAILED');
    await waitForStatus(second, queued.jobId, 'SUCCEEDED');
    expect(statusesOf(queued.jobId)).toEqual(['SUBMITTED', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED']);
  });

  it('survives a restart with finished jobs intact', async () => {
    const first = await open();
    const { jobId } = await submit(first, 'ok');
    const before = await waitForStatus(first, jobId, 'SUCCEEDED');
    await first.close();
    opened = opened.filter((b) => b !== first);
    const second = await open();
    expect(second.getJob(jobId)).toEqual(before);
  });
});

describe('LocalBatch ListJobs', () => {
  it('lists by queue and status, or by job-name prefix, newest first, with pagination', async () => {
    let t = Date.UTC(2025, 0, 1);
    const batch = await open({ slots: 4, now: () => (t += 1000) });
    const ids: string[] = [];
    for (const name of ['gcr-sim_a', 'gcr-sim_b', 'other']) {
      ids.push(
        (await batch.submitJob({ jobName: name, jobQueue: 'gcr-local-spot', jobDefinition: 'sleeper' }))
          .jobId,
      );
    }
    await batch.submitJob({ jobName: 'gcr-sim_c', jobQueue: 'gcr-local-ondemand', jobDefinition: 'ok' });
    await waitFor(
      'three running jobs',
      () => ids.every((id) => statusOf(batch, id) === 'RUNNING') || undefined,
    );

    const byName = batch.listJobs({
      jobQueue: 'arn:aws:batch:us-east-1:000000000000:job-queue/gcr-local-spot',
      filters: [{ name: 'JOB_NAME', values: ['GCR-SIM*'] }],
    });
    expect(byName.jobSummaryList.map((j) => j.jobName)).toEqual(['gcr-sim_b', 'gcr-sim_a']);
    expect(byName.jobSummaryList[0]).toMatchObject({
      jobId: ids[1],
      status: 'RUNNING',
      createdAt: expect.any(Number),
    });

    const exact = batch.listJobs({
      jobQueue: 'gcr-local-spot',
      filters: [{ name: 'JOB_NAME', values: ['gcr-sim_a'] }],
    });
    expect(exact.jobSummaryList.map((j) => j.jobId)).toEqual([ids[0]]);

    expect(batch.listJobs({ jobQueue: 'gcr-local-spot' }).jobSummaryList).toHaveLength(3);
    expect(
      batch.listJobs({ jobQueue: 'gcr-local-spot', jobStatus: 'SUCCEEDED' }).jobSummaryList,
    ).toHaveLength(0);

    const page1 = batch.listJobs({ jobQueue: 'gcr-local-spot', jobStatus: 'RUNNING', maxResults: 2 });
    expect(page1.jobSummaryList.map((j) => j.jobId)).toEqual([ids[2], ids[1]]);
    const page2 = batch.listJobs({
      jobQueue: 'gcr-local-spot',
      jobStatus: 'RUNNING',
      maxResults: 2,
      nextToken: page1.nextToken,
    });
    expect(page2.jobSummaryList.map((j) => j.jobId)).toEqual([ids[0]]);
    expect(page2.nextToken).toBeUndefined();

    expect(() => batch.listJobs({})).toThrow(/jobQueue/);
    expect(() => batch.listJobs({ jobQueue: 'nope' })).toThrow(/does not exist/);
    expect(() => batch.listJobs({ jobQueue: 'gcr-local-spot', nextToken: 'garbage' })).toThrow(/nextToken/);
  });
});
