/**
 * The local platform's AWS Batch: jobs run as child processes on this machine
 * with Batch's job states, retry strategy, timeouts and termination, so the
 * production Batch adapter works unchanged against it (through the endpoint
 * in batch-endpoint.ts and AWS_ENDPOINT_URL_BATCH).
 *
 * States, as Batch moves a job:
 *   SUBMITTED -> RUNNABLE (waits, FIFO, for one of `slots`) -> STARTING (the
 *   process is being spawned) -> RUNNING (spawned, pid known) -> SUCCEEDED
 *   (exit 0) | FAILED (non-zero exit, signal, timeout, termination).
 * A failed attempt that the retry strategy retries is appended to `attempts`
 * and the job goes back to RUNNABLE. No state is skipped: every transition is
 * persisted and then handed to `onStateChange` (the `detail` of a `Batch Job
 * State Change` event), one at a time per job, in order. A job's transitions
 * run on one promise chain, so a process that exits while its RUNNING
 * notification is still being delivered becomes SUCCEEDED only afterwards.
 *
 * Persistence and restart (the design choice): each job is one JSON file
 * (job-store.ts), rewritten atomically at each transition, together with the
 * current attempt's pid, its timeout deadline and any stop the emulator asked
 * for. The command runs under a small `sh` wrapper in its own process group
 * (job-process.ts) that writes its pid and, at the end, the command's exit
 * status to files; its output goes straight to the log file. Jobs therefore
 * outlive the platform: `close()` leaves them running, and `open()` on the
 * same directory
 * - re-attaches a STARTING/RUNNING job whose wrapper still runs: it polls the
 *   pid (it is no child of ours, so it cannot be waited for) and takes the
 *   true exit code from the wrapper's exit file; the timeout deadline and a
 *   pending SIGKILL are re-armed from their persisted real-clock times;
 * - ends a job whose wrapper is gone: with its true outcome when the exit file
 *   exists (it finished while the platform was down), else as an attempt
 *   failure with statusReason "host restarted: the local platform stopped
 *   while the job ran" (FAILED unless its retry strategy retries it, as Batch
 *   does after a host failure);
 * - puts SUBMITTED and RUNNABLE jobs back in the queue, in their FIFO order.
 * Re-attached jobs take slots first (even beyond `slots`, as they already
 * run). With `deferStart` this recovery (and every transition and
 * notification) waits for `start()`, so the platform can register the event
 * rules that `onStateChange` feeds before the first recovered state change.
 *
 * Local differences from Batch: there are no compute environments; a job
 * asking for more vCPUs or memory than the machine has still runs (the
 * requirements are recorded, not enforced); every job takes one slot.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { JobStore, type StopKind, type StoredJob } from './job-store.js';
import {
  exitOf,
  isJobProcess,
  readExitFile,
  readPidFile,
  removeProcessFiles,
  signalGroup,
  spawnJob,
  type ProcessExit,
} from './job-process.js';
import {
  containerInstanceArn,
  ecsTaskArn,
  jobArn,
  jobQueueArn,
  resolveJobDefinition,
  resolveJobQueue,
  type LocalJobDefinition,
} from './job-definitions.js';
import { shouldRetry } from './retry-strategy.js';
import { JOB_STATUSES, parseListJobs, parseSubmitJob } from './submit-request.js';
import {
  BatchClientError,
  TERMINAL_STATUSES,
  type BatchJobDetail,
  type BatchJobStatus,
  type BatchJobSummary,
  type ListJobsInput,
  type ListJobsOutput,
  type ResourceRequirement,
  type SubmitJobInput,
  type SubmitJobOutput,
} from './types.js';

/** Batch's statusReason when a job's container exits (with any exit code). */
export const ESSENTIAL_CONTAINER_EXITED = 'Essential container in task exited';
/** Batch's statusReason when an attempt runs past timeout.attemptDurationSeconds. */
export const ATTEMPT_TIMEOUT_REASON = 'Job attempt duration exceeded timeout';
/** Batch's statusReason when the instance under a job goes away (spot reclaim). */
export const HOST_LOSS_REASON = 'Host EC2 (instance i-local) terminated.';
/** An attempt the platform lost track of: it stopped while the job ran and the process is gone. */
/**
 * A job process killed by SIGKILL that the emulator did not send (the wrapper
 * records the command's 128 + 9, or the wrapper itself was killed): reported
 * as a host loss, as Batch reports a spot reclaim, so `evaluateOnExit`'s
 * `Host EC2*` retries it. How a test or an engineer stands in for a reclaim
 * on the local platform: `kill -KILL` of the job's process.
 */
export function killedFromOutside(exit: ProcessExit): boolean {
  return exit.signal === 'SIGKILL' || exit.exitCode === 128 + 9;
}

export const HOST_RESTARTED_REASON = 'host restarted: the local platform stopped while the job ran';

const DEFAULT_GRACE_MS = 10_000;
const DEFAULT_POLL_MS = 1_000;
const DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000;
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LocalBatchOptions {
  /** Data directory: jobs/, logs/, runs/, exit/ live under it. */
  dir: string;
  /** Jobs STARTING or RUNNING at once; default os.availableParallelism(). */
  slots?: number;
  /** Job definitions by name (SubmitJob may name them by name, name:revision or ARN). */
  jobDefinitions: Record<string, LocalJobDefinition>;
  /** Names of the job queues SubmitJob accepts (by name or ARN). */
  jobQueues: string[];
  /** Called after each persisted transition with the full job detail, in order per job. */
  onStateChange?: (job: BatchJobDetail) => Promise<void> | void;
  /** Clock for recorded timestamps (createdAt, startedAt, stoppedAt); epoch ms. */
  now?: () => number;
  /** Time between SIGTERM and SIGKILL when stopping a job; default 10 s. */
  terminateGraceMs?: number;
  region?: string;
  accountId?: string;
  /** Test knob: when it returns true the API endpoint answers 429 TooManyRequestsException. */
  throttle?: () => boolean;
  /** How often a re-attached job's pid is checked; default 1 s. */
  pollIntervalMs?: number;
  /** Finished jobs older than this are dropped at open (Batch keeps them about a week); default 7 days. */
  retentionMs?: number;
  /**
   * Load the persisted jobs but act on nothing (no recovery, no job starts,
   * no notifications; stop requests wait) until `start()`, so the platform can
   * register the event rules that `onStateChange` feeds first. Default false:
   * `open` starts at once.
   */
  deferStart?: boolean;
  /** Diagnostics (failed onStateChange calls, unreadable job files). */
  log?: (message: string) => void;
}

interface Job {
  /** The working record (what is being made durable). */
  rec: StoredJob;
  /** The detail as last persisted: what the API answers and what was notified. */
  published: BatchJobDetail;
  /** This job's transitions, one after another. */
  chain: Promise<void>;
  /** A process exists for the current attempt (spawned by us or re-attached). */
  live: boolean;
  child?: ChildProcess;
  holdsSlot: boolean;
  /** TerminateJob/CancelJob before the job had a process. */
  cancel?: { reason: string; kind: 'terminate' | 'cancel' };
  deadlineTimer?: NodeJS.Timeout;
  killTimer?: NodeJS.Timeout;
  pollTimer?: NodeJS.Timeout;
  /** The current attempt's end has been handed to the chain. */
  ending: boolean;
}

/** A FIFO of RUNNABLE jobs (lazy removal: entries that are no longer RUNNABLE are skipped). */
class RunQueue {
  private items: Job[] = [];
  private head = 0;
  push(job: Job): void {
    this.items.push(job);
  }
  shift(): Job | undefined {
    if (this.head >= this.items.length) return undefined;
    const job = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return job;
  }
  get length(): number {
    return this.items.length - this.head;
  }
}

export class LocalBatch {
  readonly region: string;
  readonly accountId: string;
  readonly slots: number;
  private readonly jobs = new Map<string, Job>();
  /** Array parents: their children and how many are in each status (what DescribeJobs' statusSummary says). */
  private readonly arrays = new Map<string, ArrayParent>();
  private readonly queue = new RunQueue();
  private busy = 0;
  private seq = 0;
  private queueSeq = 0;
  private closed = false;
  private started = false;
  /** Resolved by start(): every transition waits for it. */
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  /** Jobs loaded at open that start() recovers. */
  private loaded: Job[] = [];
  private readonly now: () => number;
  /** The ECS container instance every local job runs on: this machine. */
  private readonly containerInstanceArn: string;
  private readonly graceMs: number;
  private readonly pollMs: number;
  private readonly log: (message: string) => void;
  private readonly dirs: { logs: string; runs: string; exit: string };

  private constructor(
    private readonly opts: LocalBatchOptions,
    private readonly store: JobStore,
  ) {
    this.region = opts.region ?? 'us-east-1';
    this.accountId = opts.accountId ?? '000000000000';
    // 0 slots holds every job RUNNABLE (tests of the API that must not run models).
    this.slots = Math.max(0, Math.floor(opts.slots ?? os.availableParallelism()));
    this.now = opts.now ?? Date.now;
    this.containerInstanceArn = containerInstanceArn(this.region, this.accountId, os.hostname());
    this.graceMs = opts.terminateGraceMs ?? DEFAULT_GRACE_MS;
    this.pollMs = opts.pollIntervalMs ?? DEFAULT_POLL_MS;
    this.log = opts.log ?? (() => undefined);
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    const dir = path.resolve(opts.dir);
    this.dirs = { logs: path.join(dir, 'logs'), runs: path.join(dir, 'runs'), exit: path.join(dir, 'exit') };
    for (const d of Object.values(this.dirs)) mkdirSync(d, { recursive: true });
  }

  /** Opens the emulator on `opts.dir`, recovering every job persisted there (see the file comment). */
  static async open(opts: LocalBatchOptions): Promise<LocalBatch> {
    const log = opts.log ?? (() => undefined);
    const { store, jobs } = await JobStore.open(path.resolve(opts.dir), (file, err) =>
      log(`local Batch: skipping unreadable job file ${file}: ${(err as Error).message}`),
    );
    const batch = new LocalBatch(opts, store);
    await batch.load(jobs);
    if (!opts.deferStart) await batch.start();
    return batch;
  }

  /**
   * Recovers the jobs loaded at open (see the file comment) and starts
   * running queued jobs. Called by `open` unless `deferStart`; idempotent.
   */
  async start(): Promise<void> {
    if (this.started || this.closed) return;
    this.started = true;
    this.markReady();
    const runnable: Job[] = [];
    for (const job of this.loaded) {
      if (job.rec.arraySize !== undefined) {
        // A parent never runs: its status follows its children's.
        void this.step(job, () => this.refreshParent(job));
        continue;
      }
      switch (job.rec.detail.status) {
        case 'SUBMITTED':
        case 'PENDING':
          void this.step(job, () => this.makeRunnable(job));
          break;
        case 'RUNNABLE':
          runnable.push(job);
          break;
        case 'STARTING':
        case 'RUNNING':
          await this.recoverAttempt(job);
          break;
        default:
          break;
      }
    }
    this.loaded = [];
    runnable.sort((a, b) => (a.rec.queueSeq ?? 0) - (b.rec.queueSeq ?? 0));
    for (const job of runnable) this.queue.push(job);
    this.pump();
  }

  // ---------------------------------------------------------------- the API

  /** SubmitJob. Resolves once the job is persisted as SUBMITTED. Throws BatchClientError on bad input. */
  async submitJob(request: SubmitJobInput | unknown): Promise<SubmitJobOutput> {
    const input = parseSubmitJob(request);
    const queueName = resolveJobQueue(this.opts.jobQueues, input.jobQueue);
    if (!queueName) throw new BatchClientError(`Job queue ${input.jobQueue} does not exist`);
    const def = resolveJobDefinition(
      this.opts.jobDefinitions,
      input.jobDefinition,
      this.region,
      this.accountId,
    );
    if (!def) throw new BatchClientError(`Job definition ${input.jobDefinition} does not exist`);
    if (this.closed) throw new Error('the local Batch emulator is closed');

    const jobId = randomUUID();
    const overrides = input.containerOverrides ?? {};
    const environment: Record<string, string> = { ...(def.definition.environment ?? {}) };
    for (const { name, value } of overrides.environment ?? []) environment[name] = value;
    const parameters = { ...(def.definition.parameters ?? {}), ...(input.parameters ?? {}) };
    const command = (overrides.command ?? def.definition.command).map((arg) =>
      arg.replace(/Ref::([A-Za-z0-9_-]+)/g, (whole, name: string) => parameters[name] ?? whole),
    );
    if (command.length === 0) throw new BatchClientError(`Job definition ${def.name} has no command`);
    const requirements = mergeRequirements(def.definition.resourceRequirements ?? [], overrides);
    const retryStrategy = input.retryStrategy ?? def.definition.retryStrategy ?? { attempts: 1 };
    const timeout = input.timeout ?? def.definition.timeout;
    const arn = jobArn(this.region, this.accountId, jobId);

    const detail: BatchJobDetail = {
      jobArn: arn,
      jobName: input.jobName,
      jobId,
      jobQueue: jobQueueArn(this.region, this.accountId, queueName),
      status: 'SUBMITTED',
      attempts: [],
      createdAt: this.now(),
      retryStrategy: {
        attempts: retryStrategy.attempts ?? 1,
        evaluateOnExit: retryStrategy.evaluateOnExit ?? [],
      },
      dependsOn: [],
      jobDefinition: def.arn,
      parameters,
      container: {
        image: `local/${def.name}`,
        // Batch reports the requirements in resourceRequirements only (vcpus and
        // memory are the deprecated members, absent for such jobs).
        command,
        volumes: [],
        environment: Object.entries(environment).map(([name, value]) => ({ name, value })),
        mountPoints: [],
        ulimits: [],
        networkInterfaces: [],
        resourceRequirements: requirements,
        secrets: [],
      },
      ...(timeout?.attemptDurationSeconds
        ? { timeout: { attemptDurationSeconds: timeout.attemptDurationSeconds } }
        : {}),
      tags: { ...(input.tags ?? {}) },
      propagateTags: input.propagateTags ?? false,
      platformCapabilities: ['EC2'],
      ...(input.shareIdentifier !== undefined ? { shareIdentifier: input.shareIdentifier } : {}),
      ...(input.schedulingPriorityOverride !== undefined
        ? { schedulingPriority: input.schedulingPriorityOverride }
        : {}),
    };
    const runDir = environment['GCR_RUN_DIR'];
    const rec: StoredJob = {
      version: 1,
      seq: ++this.seq,
      detail,
      spec: { command, environment, cwd: runDir ? path.resolve(runDir) : path.join(this.dirs.runs, jobId) },
    };
    if (input.arrayProperties) await this.submitArray(rec, input.arrayProperties.size);
    else {
      await this.store.write(rec);
      const job = this.adopt(rec);
      void this.step(job, () => this.notify(job));
      void this.step(job, () => this.makeRunnable(job));
    }
    return { jobArn: arn, jobName: input.jobName, jobId };
  }

  /** DescribeJobs: the known jobs among `jobIds`, in the order asked; unknown ids are omitted. */
  describeJobs(jobIds: readonly string[]): BatchJobDetail[] {
    if (jobIds.length > 100)
      throw new BatchClientError('Too many jobs: DescribeJobs accepts up to 100 job IDs');
    const out: BatchJobDetail[] = [];
    for (const id of new Set(jobIds)) {
      const job = this.jobs.get(id);
      if (job) out.push(this.detailOf(job));
    }
    return out;
  }

  /** One job's detail, or undefined. */
  getJob(jobId: string): BatchJobDetail | undefined {
    const job = this.jobs.get(jobId);
    return job ? this.detailOf(job) : undefined;
  }

  /**
   * ListJobs: by `jobQueue` (name or ARN), newest first. Without `filters`,
   * jobs of `jobStatus` (default RUNNING); with one filter (JOB_NAME,
   * JOB_DEFINITION, BEFORE_CREATED_AT, AFTER_CREATED_AT, SHARE_IDENTIFIER), any
   * status unless the filter is SHARE_IDENTIFIER. Pages of `maxResults`
   * (default and maximum 100 with a filter, 1000 without) with `nextToken`.
   */
  listJobs(request: ListJobsInput | unknown): ListJobsOutput {
    const input = parseListJobs(request);
    if (input.arrayJobId !== undefined) return this.listChildren(input.arrayJobId, input.jobStatus);
    if (input.multiNodeJobId !== undefined) {
      // No multi-node jobs exist locally.
      return { jobSummaryList: [] };
    }
    if (!input.jobQueue)
      throw new BatchClientError('One of jobQueue, arrayJobId or multiNodeJobId must be specified');
    const queueName = resolveJobQueue(this.opts.jobQueues, input.jobQueue);
    if (!queueName) throw new BatchClientError(`Job queue ${input.jobQueue} does not exist`);
    const queueArn = jobQueueArn(this.region, this.accountId, queueName);
    const filters = input.filters ?? [];
    if (filters.length > 1) throw new BatchClientError('Only one filter can be used at a time');
    const filter = filters[0];
    if (input.jobStatus !== undefined && !JOB_STATUSES.includes(input.jobStatus)) {
      throw new BatchClientError(`jobStatus must be one of ${JOB_STATUSES.join(', ')}`);
    }
    const match = filter ? filterPredicate(filter) : () => true;
    const status = !filter || filter.name === 'SHARE_IDENTIFIER' ? (input.jobStatus ?? 'RUNNING') : undefined;
    const cap = filter ? 100 : 1000;
    if (input.maxResults !== undefined && input.maxResults < 1) {
      throw new BatchClientError('maxResults must be at least 1');
    }
    const limit = Math.min(input.maxResults ?? cap, cap);
    const after = input.nextToken !== undefined ? decodeToken(input.nextToken) : undefined;

    const selected = [...this.jobs.values()]
      // Array children are listed by their parent (arrayJobId), not by queue, as Batch lists them.
      .filter((j) => !j.rec.arrayChild)
      .map((j) => ({ detail: j.published, seq: j.rec.seq }))
      .filter(
        (r) =>
          r.detail.jobQueue === queueArn &&
          (status === undefined || r.detail.status === status) &&
          match(r.detail) &&
          (!after || compareNewestFirst(r, after) > 0),
      )
      .sort(compareNewestFirst);
    const page = selected.slice(0, limit);
    const last = page[page.length - 1];
    return {
      jobSummaryList: page.map((r) => summaryOf(r.detail)),
      ...(selected.length > limit && last ? { nextToken: encodeToken(last) } : {}),
    };
  }

  /**
   * TerminateJob: a job without a process yet (SUBMITTED, RUNNABLE, or
   * STARTING before the spawn) is FAILED at once with `reason`; a job with a
   * process gets SIGTERM (its process group), SIGKILL after the grace period,
   * and is FAILED with `reason` when it has exited. Terminated jobs are not
   * retried. Finished or unknown jobs: no-op (Batch answers 200 for them too).
   * Resolves once the request is recorded (FAILED, or the stop persisted).
   */
  async terminateJob(jobId: string, reason: string): Promise<void> {
    await this.stopJob(jobId, reason, 'terminate');
  }

  /**
   * CancelJob: SUBMITTED, PENDING and RUNNABLE jobs are FAILED at once with
   * `reason`; STARTING and RUNNING jobs are not affected (Batch: use
   * TerminateJob for them); finished or unknown jobs: no-op.
   */
  async cancelJob(jobId: string, reason: string): Promise<void> {
    await this.stopJob(jobId, reason, 'cancel');
  }

  /**
   * Test hook for spot reclaims: kills the job's processes (SIGKILL, as a
   * vanished host would) and ends the attempt with statusReason
   * `Host EC2 (instance i-local) terminated.`, so `evaluateOnExit`
   * `{ onStatusReason: 'Host EC2*', action: 'RETRY' }` applies.
   */
  async simulateHostLoss(jobId: string): Promise<void> {
    await this.ready;
    const job = this.jobs.get(jobId);
    if (!job || !job.live) throw new Error(`job ${jobId} has no running process`);
    await this.stopProcess(job, 'host-loss', HOST_LOSS_REASON, 'SIGKILL');
  }

  /** Whether `throttle` asks the endpoint to answer 429 now. */
  shouldThrottle(): boolean {
    return this.opts.throttle?.() ?? false;
  }

  /** Process id (also process-group id) of the job's current attempt, while it has one. */
  processId(jobId: string): number | undefined {
    const job = this.jobs.get(jobId);
    return job?.live ? job.rec.run?.pid : undefined;
  }

  /** The job's combined stdout+stderr, all attempts appended (container.logStreamName is `local/<jobId>`). */
  logFile(jobId: string): string {
    return path.join(this.dirs.logs, `${jobId}.log`);
  }

  /** The file behind a `local/<jobId>` log stream name, or undefined if it is not one of ours. */
  logFileForStream(logStreamName: string): string | undefined {
    const m = /^local\/([0-9a-f-]{36}(?::\d{1,5})?)$/.exec(logStreamName);
    return m ? this.logFile(m[1]!) : undefined;
  }

  /** The job's working directory (GCR_RUN_DIR if its environment sets it). */
  runDir(jobId: string): string | undefined {
    return this.jobs.get(jobId)?.rec.spec.cwd;
  }

  /**
   * Stops timers and stops handling job events; running jobs keep running
   * (the next `open` on the same directory re-attaches them). Waits for
   * transitions in progress.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.markReady(); // lets waiting transitions settle (they are skipped once closed)
    for (const job of this.jobs.values()) {
      this.clearTimers(job);
      job.child?.removeAllListeners('exit');
    }
    await Promise.allSettled([...this.jobs.values()].map((j) => j.chain));
    await this.store.flush();
  }

  /**
   * `close()`, after killing every job's processes (SIGKILL) and recording
   * their end when `killJobs` is set (for tests and a clean exit).
   */
  async shutdown(options: { killJobs?: boolean; timeoutMs?: number } = {}): Promise<void> {
    if (options.killJobs && !this.closed) {
      const live = [...this.jobs.values()].filter((j) => j.live);
      await Promise.all(
        live.map((j) => this.stopProcess(j, 'terminate', 'local platform shut down', 'SIGKILL')),
      );
      const deadline = Date.now() + (options.timeoutMs ?? 10_000);
      while (live.some((j) => j.live || j.ending) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await Promise.allSettled(live.map((j) => j.chain));
    }
    await this.close();
  }

  // ---------------------------------------------------------------- internals

  /**
   * An array job: the parent (persisted SUBMITTED, never run) and its
   * children `<jobId>:<index>`, each a job of its own that enters PENDING
   * and queues like any other, with AWS_BATCH_JOB_ARRAY_INDEX at its start.
   */
  private async submitArray(rec: StoredJob, size: number): Promise<void> {
    const d = rec.detail;
    rec.arraySize = size;
    d.arrayProperties = { size, statusSummary: {} };
    await this.store.write(rec);
    const parent = this.adopt(rec);
    const createdAt = this.now();
    const children: StoredJob[] = Array.from({ length: size }, (_, index) => {
      const jobId = `${d.jobId}:${index}`;
      const detail: BatchJobDetail = {
        ...clone(d),
        jobId,
        jobArn: `${d.jobArn}:${index}`,
        status: 'PENDING',
        createdAt,
        arrayProperties: { index },
      };
      return {
        version: 1,
        seq: ++this.seq,
        detail,
        spec: { ...rec.spec, cwd: path.join(this.dirs.runs, jobId) },
        arrayChild: { parentJobId: d.jobId, index },
      };
    });
    // A few files at a time: 10,000 at once would run out of file descriptors.
    for (let start = 0; start < children.length; start += CHILD_WRITES_AT_ONCE) {
      await Promise.all(children.slice(start, start + CHILD_WRITES_AT_ONCE).map((c) => this.store.write(c)));
    }
    void this.step(parent, () => this.notify(parent));
    for (const child of children.map((c) => this.adopt(c))) {
      void this.step(child, () => this.notify(child));
      void this.step(child, () => this.makeRunnable(child));
    }
  }

  /** A job's detail as DescribeJobs answers it: a parent's with its children's status summary now. */
  private detailOf(job: Job): BatchJobDetail {
    const detail = clone(job.published);
    const array = this.arrays.get(detail.jobId);
    if (array && detail.arrayProperties) detail.arrayProperties.statusSummary = { ...array.summary };
    return detail;
  }

  /** A child's published status changed: its parent's summary follows, and its status when that changes. */
  private childMoved(parentJobId: string, before: BatchJobStatus, after: BatchJobStatus): void {
    const array = this.arrays.get(parentJobId);
    const parent = this.jobs.get(parentJobId);
    if (!array || !parent || before === after) return;
    count(array.summary, before, -1);
    count(array.summary, after, 1);
    if (!array.refreshing && parentStatus(array, parent.rec.arraySize!) !== parent.rec.detail.status) {
      array.refreshing = true;
      void this.step(parent, () => this.refreshParent(parent));
    }
  }

  /**
   * A parent's status as Batch derives it: PENDING once a child is RUNNABLE
   * (or further), SUCCEEDED when every child succeeded, FAILED when all ended
   * and any failed.
   */
  private async refreshParent(parent: Job): Promise<void> {
    const array = this.arrays.get(parent.rec.detail.jobId);
    if (!array) return;
    array.refreshing = false;
    const status = parentStatus(array, parent.rec.arraySize!);
    const d = parent.rec.detail;
    if (status === d.status) return;
    d.status = status;
    d.arrayProperties = { size: parent.rec.arraySize!, statusSummary: { ...array.summary } };
    if (TERMINAL_STATUSES.has(status)) {
      const started = array.children.flatMap((c) => (c.published.startedAt ? [c.published.startedAt] : []));
      d.stoppedAt = this.now();
      d.startedAt = started.length > 0 ? Math.min(...started) : d.stoppedAt;
      if (status === 'FAILED') d.statusReason = ARRAY_CHILD_FAILED;
    }
    await this.commit(parent);
  }

  /** ListJobs by arrayJobId: the parent's children of `jobStatus` (default RUNNING), by index. */
  private listChildren(arrayJobId: string, jobStatus: string | undefined): ListJobsOutput {
    const array = this.arrays.get(arrayJobId);
    if (!array) return { jobSummaryList: [] };
    const status = jobStatus ?? 'RUNNING';
    return {
      jobSummaryList: array.children
        .filter((child) => child.published.status === status)
        .map((child) => summaryOf(child.published)),
    };
  }

  private adopt(rec: StoredJob): Job {
    const job: Job = {
      rec,
      published: clone(rec.detail),
      chain: Promise.resolve(),
      live: false,
      holdsSlot: false,
      ending: false,
    };
    this.jobs.set(rec.detail.jobId, job);
    if (rec.arraySize !== undefined) this.arrays.set(rec.detail.jobId, { children: [], summary: {} });
    const parent = rec.arrayChild && this.arrays.get(rec.arrayChild.parentJobId);
    if (parent) {
      parent.children.push(job);
      count(parent.summary, rec.detail.status, 1);
    }
    return job;
  }

  /** Runs `fn` after the job's earlier transitions; skipped once closed. */
  private step(job: Job, fn: () => Promise<void> | void): Promise<void> {
    const next = job.chain
      .then(() => this.ready)
      .then(async () => {
        if (!this.closed) await fn();
      });
    job.chain = next.catch((err: unknown) =>
      this.log(`local Batch: job ${job.rec.detail.jobId}: ${(err as Error).stack ?? String(err)}`),
    );
    return next;
  }

  private async notify(job: Job): Promise<void> {
    if (!this.opts.onStateChange) return;
    try {
      await this.opts.onStateChange(clone(job.published));
    } catch (err) {
      this.log(
        `local Batch: onStateChange (${job.rec.detail.jobId} ${job.rec.detail.status}): ${String(err)}`,
      );
    }
  }

  /**
   * Persists, publishes (the API shows a state only once it is durable), then
   * notifies: one observable transition.
   */
  private async commit(job: Job): Promise<void> {
    const snapshot = clone(job.rec.detail);
    await this.store.write(job.rec);
    const before = job.published.status;
    job.published = snapshot;
    if (job.rec.arrayChild) this.childMoved(job.rec.arrayChild.parentJobId, before, snapshot.status);
    await this.notify(job);
  }

  private isFinished(job: Job): boolean {
    return TERMINAL_STATUSES.has(job.rec.detail.status);
  }

  private async makeRunnable(job: Job): Promise<void> {
    if (this.isFinished(job) || job.cancel) return;
    job.rec.detail.status = 'RUNNABLE';
    job.rec.queueSeq = ++this.queueSeq;
    await this.commit(job);
    this.queue.push(job);
    this.pump();
  }

  /** Starts RUNNABLE jobs while slots are free. */
  private pump(): void {
    if (this.closed || !this.started) return;
    while (this.busy < this.slots && this.queue.length > 0) {
      const job = this.queue.shift()!;
      if (job.rec.detail.status !== 'RUNNABLE' || job.cancel || job.holdsSlot) continue;
      job.holdsSlot = true;
      this.busy++;
      void this.step(job, () => this.launch(job));
    }
  }

  private releaseSlot(job: Job): void {
    if (!job.holdsSlot) return;
    job.holdsSlot = false;
    this.busy--;
    this.pump();
  }

  private exitFileOf(jobId: string, attempt: number): string {
    return path.join(this.dirs.exit, `${jobId}-${attempt}`);
  }

  /** RUNNABLE -> STARTING -> (spawn) -> RUNNING, one step. */
  private async launch(job: Job): Promise<void> {
    const d = job.rec.detail;
    if (d.status !== 'RUNNABLE' || job.cancel) {
      this.releaseSlot(job);
      return;
    }
    const attempt = d.attempts.length + 1;
    const exitFile = this.exitFileOf(d.jobId, attempt);
    await removeProcessFiles(exitFile);
    d.status = 'STARTING';
    delete d.statusReason;
    // Placed on an instance, as Batch says once a job starts: the ECS container
    // instance (this machine) and a new task per attempt.
    d.container.containerInstanceArn = this.containerInstanceArn;
    d.container.taskArn = ecsTaskArn(this.region, this.accountId, randomUUID().replace(/-/g, ''));
    job.rec.run = { attempt, exitFile };
    delete job.rec.queueSeq;
    await this.commit(job);
    if (job.cancel || this.closed) {
      // Terminated while STARTING, before a process existed: the queued FAILED step ends it.
      if (this.closed) return;
      job.rec.run = undefined;
      this.releaseSlot(job);
      return;
    }

    const { spec } = job.rec;
    let spawned;
    try {
      await fs.mkdir(spec.cwd, { recursive: true });
      spawned = await spawnJob({
        command: spec.command,
        cwd: spec.cwd,
        env: {
          ...process.env,
          ...spec.environment,
          AWS_BATCH_JOB_ID: d.jobId,
          AWS_BATCH_JOB_ATTEMPT: String(attempt),
          AWS_BATCH_JQ_NAME: d.jobQueue.split('/').pop()!,
          AWS_BATCH_CE_NAME: 'local',
          ...(job.rec.arrayChild ? { AWS_BATCH_JOB_ARRAY_INDEX: String(job.rec.arrayChild.index) } : {}),
        },
        logFile: this.logFile(d.jobId),
        exitFile,
      });
    } catch (err) {
      await this.endAttempt(job, {}, { cannotStart: `CannotStartContainerError: ${(err as Error).message}` });
      return;
    }
    const run = job.rec.run;
    run.pid = spawned.pid;
    job.live = true;
    job.child = spawned.child;
    spawned.child.once('exit', (code, signal) => {
      if (this.closed) return;
      job.ending = true;
      void this.step(job, async () => this.endAttempt(job, await exitOf(exitFile, code, signal)));
    });
    if (this.closed) return;
    const cancel = cancelOf(job); // (re-read: it may have been set while spawning)
    if (cancel) {
      // TerminateJob arrived while the process was being spawned.
      await this.stopProcess(job, 'terminate', cancel.reason, 'SIGTERM');
      return;
    }
    d.status = 'RUNNING';
    const startedAt = this.now();
    d.startedAt = startedAt;
    d.container.logStreamName = `local/${d.jobId}`;
    const seconds = d.timeout?.attemptDurationSeconds;
    if (seconds) run.deadline = Date.now() + seconds * 1000;
    run.startedAt = startedAt;
    this.armTimers(job);
    await this.commit(job);
  }

  /** (Re-)arms the attempt's timeout and a pending SIGKILL from their persisted times. */
  private armTimers(job: Job): void {
    const run = job.rec.run;
    if (!run || !job.live || this.closed) return;
    if (run.deadline !== undefined && !run.stop && !job.deadlineTimer) {
      const wait = run.deadline - Date.now();
      job.deadlineTimer = setTimeout(
        () => {
          job.deadlineTimer = undefined;
          if (Date.now() < run.deadline!) return this.armTimers(job);
          void this.stopProcess(job, 'timeout', ATTEMPT_TIMEOUT_REASON, 'SIGTERM');
        },
        Math.min(Math.max(wait, 0), MAX_TIMER_MS),
      );
      job.deadlineTimer.unref();
    }
    if (run.stop && !job.killTimer && run.pid !== undefined) {
      const pid = run.pid;
      job.killTimer = setTimeout(
        () => {
          job.killTimer = undefined;
          if (job.live) signalGroup(pid, 'SIGKILL');
        },
        Math.min(Math.max(run.stop.at + this.graceMs - Date.now(), 0), MAX_TIMER_MS),
      );
      job.killTimer.unref();
    }
  }

  private clearTimers(job: Job): void {
    for (const t of [job.deadlineTimer, job.killTimer]) if (t) clearTimeout(t);
    if (job.pollTimer) clearInterval(job.pollTimer);
    job.deadlineTimer = job.killTimer = job.pollTimer = undefined;
  }

  /** Asks a job's processes to stop; the attempt ends when they have. The first stop's reason wins. */
  private async stopProcess(
    job: Job,
    kind: StopKind,
    reason: string,
    signal: 'SIGTERM' | 'SIGKILL',
  ): Promise<void> {
    const run = job.rec.run;
    if (!run || !job.live || run.pid === undefined) return;
    if (!run.stop) {
      run.stop = { kind, reason, at: Date.now() };
      if (job.deadlineTimer) clearTimeout(job.deadlineTimer);
      job.deadlineTimer = undefined;
    }
    signalGroup(run.pid, signal);
    if (signal === 'SIGTERM') this.armTimers(job);
    await this.store.write(job.rec);
  }

  private async stopJob(jobId: string, reason: string, kind: 'terminate' | 'cancel'): Promise<void> {
    await this.ready; // a job's process is known only once start() has re-attached it
    const job = this.jobs.get(jobId);
    if (!job || this.isFinished(job) || this.closed) return;
    const array = this.arrays.get(jobId);
    if (array) {
      // Terminating or cancelling a parent does so to each child; the parent ends with them.
      await Promise.all(array.children.map((child) => this.stopJob(child.rec.detail.jobId, reason, kind)));
      return;
    }
    const status = job.rec.detail.status;
    if (kind === 'cancel' && (status === 'STARTING' || status === 'RUNNING')) return;
    if (job.live) {
      await this.stopProcess(job, 'terminate', reason, 'SIGTERM');
      return;
    }
    if (job.cancel) return;
    job.cancel = { reason, kind };
    await this.step(job, async () => {
      // A process spawned meanwhile is stopped by launch(); its exit ends the job.
      if (this.isFinished(job) || job.live) return;
      const d = job.rec.detail;
      d.status = 'FAILED';
      d.statusReason = reason;
      d.stoppedAt = this.now();
      d.isCancelled = true;
      job.rec.run = undefined;
      delete job.rec.queueSeq;
      this.releaseSlot(job);
      await this.commit(job);
    });
  }

  /**
   * The end of an attempt: recorded in `attempts`, then SUCCEEDED, FAILED, or
   * RUNNABLE again when the retry strategy retries it.
   */
  private async endAttempt(
    job: Job,
    exit: ProcessExit,
    special: { cannotStart?: string; hostRestarted?: boolean } = {},
  ): Promise<void> {
    const d = job.rec.detail;
    const run = job.rec.run;
    this.clearTimers(job);
    job.live = false;
    job.child = undefined;
    job.ending = false;
    if (!run || this.isFinished(job)) {
      this.releaseSlot(job);
      return;
    }
    let exitCode = exit.exitCode;
    let reason: string | undefined;
    let statusReason: string;
    let retryable = true;
    switch (run.stop?.kind) {
      case 'host-loss':
        statusReason = HOST_LOSS_REASON;
        exitCode = undefined;
        break;
      case 'timeout':
        statusReason = ATTEMPT_TIMEOUT_REASON;
        retryable = false;
        break;
      case 'terminate':
        statusReason = run.stop.reason;
        retryable = false;
        d.isTerminated = true;
        break;
      default:
        if (special.cannotStart) {
          statusReason = special.cannotStart;
          reason = special.cannotStart;
        } else if (special.hostRestarted) {
          statusReason = HOST_RESTARTED_REASON;
        } else if (killedFromOutside(exit)) {
          // Nothing here asked for this SIGKILL: the local stand-in for a vanished host (a spot reclaim).
          statusReason = HOST_LOSS_REASON;
          exitCode = undefined;
        } else {
          statusReason = ESSENTIAL_CONTAINER_EXITED;
          if (exitCode === undefined)
            reason = 'exit status unknown: the process ended while it was not observed';
        }
    }
    const stoppedAt = this.now();
    const attemptStartedAt = run.startedAt;
    d.attempts.push({
      container: {
        ...(d.container.containerInstanceArn !== undefined
          ? { containerInstanceArn: d.container.containerInstanceArn }
          : {}),
        ...(d.container.taskArn !== undefined ? { taskArn: d.container.taskArn } : {}),
        ...(exitCode !== undefined ? { exitCode } : {}),
        ...(reason !== undefined ? { reason } : {}),
        ...(attemptStartedAt !== undefined ? { logStreamName: `local/${d.jobId}` } : {}),
        networkInterfaces: [],
      },
      ...(attemptStartedAt !== undefined ? { startedAt: attemptStartedAt } : {}),
      stoppedAt,
      statusReason,
    });
    job.rec.run = undefined;

    const succeeded = !run.stop && !special.cannotStart && !special.hostRestarted && exitCode === 0;
    const outcome = {
      statusReason,
      ...(reason !== undefined ? { reason } : {}),
      ...(exitCode !== undefined ? { exitCode } : {}),
    };
    if (succeeded) {
      d.status = 'SUCCEEDED';
      d.statusReason = ESSENTIAL_CONTAINER_EXITED;
      d.stoppedAt = stoppedAt;
      d.container.exitCode = 0;
      delete d.container.reason;
    } else if (retryable && shouldRetry(d.retryStrategy, run.attempt, outcome)) {
      d.status = 'RUNNABLE';
      delete d.statusReason;
      delete d.stoppedAt;
      delete d.container.exitCode;
      delete d.container.reason;
      job.rec.queueSeq = ++this.queueSeq;
    } else {
      d.status = 'FAILED';
      d.statusReason = statusReason;
      d.stoppedAt = stoppedAt;
      if (exitCode !== undefined) d.container.exitCode = exitCode;
      else delete d.container.exitCode;
      if (reason !== undefined) d.container.reason = reason;
    }
    this.releaseSlotQuietly(job);
    await this.commit(job);
    await removeProcessFiles(run.exitFile);
    if (d.status === 'RUNNABLE') this.queue.push(job);
    this.pump();
  }

  /** Frees the slot without starting another job yet (endAttempt pumps after its transition). */
  private releaseSlotQuietly(job: Job): void {
    if (!job.holdsSlot) return;
    job.holdsSlot = false;
    this.busy--;
  }

  // ---------------------------------------------------------------- recovery

  /** Adopts the persisted jobs (dropping finished ones past retention); start() acts on them. */
  private async load(records: StoredJob[]): Promise<void> {
    const cutoff = Date.now() - (this.opts.retentionMs ?? DEFAULT_RETENTION_MS);
    records.sort((a, b) => a.seq - b.seq);
    for (const rec of records) {
      this.seq = Math.max(this.seq, rec.seq);
      this.queueSeq = Math.max(this.queueSeq, rec.queueSeq ?? 0);
      const d = rec.detail;
      if (TERMINAL_STATUSES.has(d.status) && (d.stoppedAt ?? d.createdAt) < cutoff) {
        await this.store.remove(d.jobId);
        continue;
      }
      this.loaded.push(this.adopt(rec));
    }
  }

  private async recoverAttempt(job: Job): Promise<void> {
    const run = job.rec.run;
    if (!run) {
      // Not written by this code (a STARTING record always has its run); end the attempt.
      job.rec.run = {
        attempt: job.rec.detail.attempts.length + 1,
        exitFile: this.exitFileOf(job.rec.detail.jobId, job.rec.detail.attempts.length + 1),
      };
      void this.step(job, () => this.endAttempt(job, {}, { hostRestarted: true }));
      return;
    }
    const pid = run.pid ?? (await readPidFile(run.exitFile));
    if (pid !== undefined && isJobProcess(pid, run.exitFile)) {
      // Still running: re-attach. It holds a slot even beyond `slots`: it already runs.
      run.pid = pid;
      job.live = true;
      job.holdsSlot = true;
      this.busy++;
      if (job.rec.detail.status === 'STARTING') {
        // The platform stopped between the spawn and recording RUNNING.
        void this.step(job, async () => {
          const d = job.rec.detail;
          if (!job.live) return;
          d.status = 'RUNNING';
          d.startedAt = this.now();
          d.container.logStreamName = `local/${d.jobId}`;
          run.startedAt = d.startedAt;
          const seconds = d.timeout?.attemptDurationSeconds;
          if (seconds) run.deadline = Date.now() + seconds * 1000;
          this.armTimers(job);
          await this.commit(job);
        });
      }
      this.armTimers(job);
      job.pollTimer = setInterval(() => {
        if (this.closed || job.ending || isJobProcess(pid, run.exitFile)) return;
        if (job.pollTimer) clearInterval(job.pollTimer);
        job.pollTimer = undefined;
        job.ending = true;
        void this.step(job, async () => {
          const exitCode = await readExitFile(run.exitFile);
          await this.endAttempt(job, exitCode === undefined ? {} : { exitCode });
        });
      }, this.pollMs);
      job.pollTimer.unref();
      return;
    }
    const exitCode = await readExitFile(run.exitFile);
    void this.step(job, () =>
      exitCode !== undefined || run.stop
        ? this.endAttempt(job, exitCode === undefined ? {} : { exitCode })
        : this.endAttempt(job, {}, { hostRestarted: true }),
    );
  }
}

/** An array parent's bookkeeping. */
interface ArrayParent {
  children: Job[];
  /** Children per published status. */
  summary: Partial<Record<BatchJobStatus, number>>;
  /** A refreshParent step is queued on the parent's chain. */
  refreshing?: boolean;
}

/** Child files written at once when an array job is submitted. */
const CHILD_WRITES_AT_ONCE = 64;
/** The parent's statusReason when a child failed. */
export const ARRAY_CHILD_FAILED = 'Array Child Job failed';

function count(summary: Partial<Record<BatchJobStatus, number>>, status: BatchJobStatus, by: number): void {
  summary[status] = (summary[status] ?? 0) + by;
}

function parentStatus(array: ArrayParent, size: number): BatchJobStatus {
  const succeeded = array.summary.SUCCEEDED ?? 0;
  const failed = array.summary.FAILED ?? 0;
  if (array.children.length === size && succeeded + failed === size)
    return failed > 0 ? 'FAILED' : 'SUCCEEDED';
  const waiting = (array.summary.SUBMITTED ?? 0) + (array.summary.PENDING ?? 0);
  return waiting < array.children.length ? 'PENDING' : 'SUBMITTED';
}

/** A deep copy (JSON: job details are plain JSON data). */
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function cancelOf(job: Job): Job['cancel'] {
  return job.cancel;
}

function mergeRequirements(
  base: readonly ResourceRequirement[],
  overrides: { resourceRequirements?: ResourceRequirement[]; vcpus?: number; memory?: number },
): ResourceRequirement[] {
  const byType = new Map<string, ResourceRequirement>(base.map((r) => [r.type, { ...r }]));
  if (overrides.vcpus !== undefined) byType.set('VCPU', { type: 'VCPU', value: String(overrides.vcpus) });
  if (overrides.memory !== undefined)
    byType.set('MEMORY', { type: 'MEMORY', value: String(overrides.memory) });
  for (const r of overrides.resourceRequirements ?? []) byType.set(r.type, { ...r });
  return [...byType.values()];
}

function prefixOrExact(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const p = caseInsensitive ? pattern.toLowerCase() : pattern;
  const v = caseInsensitive ? value.toLowerCase() : value;
  return p.endsWith('*') ? v.startsWith(p.slice(0, -1)) : v === p;
}

function filterPredicate(filter: { name?: string; values?: string[] }): (d: BatchJobDetail) => boolean {
  const values = filter.values ?? [];
  if (values.length === 0) throw new BatchClientError('filters[0].values must have at least one value');
  switch (filter.name) {
    case 'JOB_NAME':
      return (d) => values.some((v) => prefixOrExact(v, d.jobName, true));
    case 'JOB_DEFINITION':
      return (d) =>
        values.some((v) => {
          if (v.startsWith('arn:')) return d.jobDefinition === v;
          const name = d.jobDefinition.split('/').pop()!.split(':')[0]!;
          return prefixOrExact(v, name, false);
        });
    case 'BEFORE_CREATED_AT':
    case 'AFTER_CREATED_AT': {
      const times = values.map(Number);
      if (times.some((t) => !Number.isFinite(t))) {
        throw new BatchClientError(`${filter.name} takes epoch milliseconds`);
      }
      return filter.name === 'BEFORE_CREATED_AT'
        ? (d) => times.some((t) => d.createdAt < t)
        : (d) => times.some((t) => d.createdAt > t);
    }
    case 'SHARE_IDENTIFIER':
      return (d) => values.includes(d.shareIdentifier ?? '');
    default:
      throw new BatchClientError(
        'filters[0].name must be one of JOB_NAME, JOB_DEFINITION, BEFORE_CREATED_AT, AFTER_CREATED_AT, SHARE_IDENTIFIER',
      );
  }
}

/** Newest first: createdAt descending, then submission order descending. */
function compareNewestFirst(
  a: { detail: { createdAt: number }; seq: number },
  b: { detail: { createdAt: number }; seq: number },
): number {
  return b.detail.createdAt - a.detail.createdAt || b.seq - a.seq;
}

function encodeToken(rec: { detail: { createdAt: number }; seq: number }): string {
  return Buffer.from(JSON.stringify({ c: rec.detail.createdAt, s: rec.seq }), 'utf8').toString('base64url');
}

function decodeToken(token: string): { detail: { createdAt: number }; seq: number } {
  try {
    const { c, s } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      c: unknown;
      s: unknown;
    };
    if (typeof c === 'number' && typeof s === 'number') return { detail: { createdAt: c }, seq: s };
  } catch {
    // fall through
  }
  throw new BatchClientError('nextToken is not valid');
}

function summaryOf(d: BatchJobDetail): BatchJobSummary {
  const container: { exitCode?: number; reason?: string } = {};
  if (d.container.exitCode !== undefined) container.exitCode = d.container.exitCode;
  if (d.container.reason !== undefined) container.reason = d.container.reason;
  return {
    jobArn: d.jobArn,
    jobId: d.jobId,
    jobName: d.jobName,
    createdAt: d.createdAt,
    status: d.status,
    ...(d.statusReason !== undefined ? { statusReason: d.statusReason } : {}),
    ...(d.startedAt !== undefined ? { startedAt: d.startedAt } : {}),
    ...(d.stoppedAt !== undefined ? { stoppedAt: d.stoppedAt } : {}),
    ...(Object.keys(container).length > 0 ? { container } : {}),
    jobDefinition: d.jobDefinition,
    ...(d.shareIdentifier !== undefined ? { shareIdentifier: d.shareIdentifier } : {}),
    ...(d.arrayProperties?.size !== undefined ? { arrayProperties: { size: d.arrayProperties.size } } : {}),
    ...(d.arrayProperties?.index !== undefined
      ? { arrayProperties: { index: d.arrayProperties.index } }
      : {}),
  };
}

export type { BatchJobDetail, BatchJobStatus, LocalJobDefinition };
