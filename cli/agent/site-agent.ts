/**
 * The site agent's loop (docs/SLURM.md, "Agent protocol"): keep a session,
 * long-poll the site's work queue, act on each message (submit: prepare the
 * run directory and sbatch it, exactly once per job name; cancel: scancel by
 * name), follow every job with one squeue per poll, upload each attempt's
 * files as they become complete, and report changes, progress and heartbeats.
 * Every decision is here, over ports (site API, queue, Slurm, file transfer,
 * state store, clock), so it is tested without a cluster or a platform.
 *
 * Exactly once: before sbatch, the agent records the job in its state file
 * (atomically) and asks Slurm whether it already knows the job name; a
 * redelivered submit, or a restarted agent, finds the job in one of the two
 * and never submits it again. A message is deleted only once acted upon, so a
 * crashed agent loses nothing.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type {
  SiteArrayWork,
  SiteJobReport,
  SiteJobWork,
  SiteReportResponse,
  SiteSession,
  SiteWorkMessage,
  SimulationStatus,
} from '#schemas/generated/types.js';
import { validatorFor } from '#schemas/validator.js';
import { LogScanner } from '#shared/science/run/log-scanner.js';
import { isoSeconds } from '#shared/science/run/progress.js';
import { filesReadyToUpload, type FileState, type Snapshot } from '#shared/science/run/upload-readiness.js';
import type { FileTransfer } from './file-transfer.js';
import {
  ARRAY_SCRIPT,
  JOB_LOG,
  JOB_SCRIPT,
  localFileOf,
  memberSubmitMessage,
  PreparationError,
  snapshotUploadable,
  STATUS_FILE,
  STATUS_UPLOAD,
  type SubmitMessage,
} from './prepare.js';
import { SiteApiError, type SiteApi } from './site-api.js';
import { isFinishedState, slurmJobKey, type SlurmJobRecord } from './slurm/parse.js';
import type { SlurmJobDefaults, SlurmJobRequest } from './slurm/slurm-adapter.js';
import { SlurmCommandError } from './slurm/slurm-commands.js';
import { slurmStatus } from './slurm/states.js';
import type { AgentState, StateStore, TrackedArray, TrackedJob } from './state-store.js';
import type { QueueMessage, WorkQueue } from './work-queue.js';

/** What the agent needs of Slurm (SlurmAdapter). */
export interface SlurmPort {
  submit(request: SlurmJobRequest): Promise<string>;
  observe(wanted: readonly string[]): Promise<SlurmJobRecord[]>;
  findByName(jobName: string): Promise<SlurmJobRecord[]>;
  /** The jobs of any of these names, asking the controller once. */
  findByNames(jobNames: readonly string[]): Promise<SlurmJobRecord[]>;
  cancel(jobKey: string): Promise<void>;
}

export interface AgentPorts {
  api: SiteApi;
  openQueue(session: SiteSession): WorkQueue;
  slurm: SlurmPort;
  transfer: FileTransfer;
  state: StateStore;
  /** Prepares the attempt's run directory and batch script; returns the run directory (prepare.ts). */
  prepare(message: SubmitMessage): Promise<string>;
  /** Writes an array's task list and script over its members' run directories; returns the array's directory (prepare.ts). */
  prepareArray(message: SiteArrayWork, runDirectories: readonly string[]): Promise<string>;
  now(): Date;
  /** Waits `ms`, or less when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  log(line: string): void;
}

export interface AgentSettings {
  site: string;
  agentId: string;
  version: string;
  pollSeconds: number;
  receiveWaitSeconds: number;
  jobDefaults: SlurmJobDefaults;
}

/** Final passes that may fail to upload before the end is reported anyway (outputsUploaded: false). */
const FINAL_UPLOAD_ATTEMPTS = 5;
/** Receives of 10 messages one poll may make while they come full. */
const RECEIVES_PER_POLL = 10;
/** At most this many job reports per POST (site-report-request.schema.json). */
const REPORTS_PER_REQUEST = 100;
/** At most this many files per transfers request (site-transfer-request.schema.json). */
const UPLOADS_PER_REQUEST = 100;

const validateWorkMessage = validatorFor<SiteWorkMessage>(
  'https://gcr.dev/schemas/site/site-work-message.schema.json',
);

/** What the agent keeps in memory per followed job (rebuilt after a restart). */
interface JobWatch {
  previousSnapshot: Snapshot;
  log?: { scanner: LogScanner; offset: number };
  lastStatus?: SimulationStatus;
  lastModelTime?: string;
  failedFinalPasses: number;
}

export class SiteAgent {
  private state: AgentState = { schemaVersion: '1', jobs: {} };
  private session?: SiteSession;
  private queue?: WorkQueue;
  private readonly pending: SiteJobReport[] = [];
  private readonly watches = new Map<string, JobWatch>();
  private lastReportAt = 0;
  private readonly startedAt: string;

  constructor(
    private readonly ports: AgentPorts,
    private readonly settings: AgentSettings,
  ) {
    this.startedAt = isoSeconds(ports.now());
  }

  /** Loads the state file and re-attaches to the jobs it names (a restart). */
  async start(): Promise<void> {
    this.state = await this.ports.state.load();
    for (const [arrayName, array] of Object.entries(this.state.arrays ?? {})) {
      if (array.slurmJobId !== undefined) continue;
      // Killed between recording the array and sbatch's answer: Slurm says whether it was submitted.
      const known = await this.ports.slurm.findByName(arrayName);
      if (known[0]) this.arraySubmitted(array, known[0].arrayJobId ?? known[0].jobId);
      else this.forgetArray(arrayName);
    }
    const followed = Object.values(this.state.jobs).filter((job) => !job.finished);
    for (const job of followed.filter((candidate) => candidate.slurmJobId === undefined)) {
      // Killed between recording the job and sbatch's answer: Slurm says whether it was submitted.
      const known = await this.ports.slurm.findByName(job.jobName);
      if (known[0]) job.slurmJobId = known[0].jobId;
      else delete this.state.jobs[job.jobName];
    }
    await this.ports.state.save(this.state);
    const count = Object.values(this.state.jobs).filter((job) => !job.finished).length;
    this.ports.log(`re-attached to ${count} job(s) from the state file and Slurm`);
  }

  /** Runs cycles until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    await this.start();
    while (!signal.aborted) {
      const began = this.ports.now().getTime();
      await this.cycle();
      const rest = this.settings.pollSeconds * 1000 - (this.ports.now().getTime() - began);
      if (rest > 0 && !signal.aborted) await this.ports.sleep(rest, signal);
    }
  }

  /** One round: session, work, jobs, reports. A failure of one step is logged; the next cycle tries again. */
  async cycle(): Promise<void> {
    if (await this.step('session', () => this.ensureSession())) {
      await this.step('work queue', () => this.receiveWork());
    }
    await this.step('following jobs', () => this.followJobs());
    await this.step('reporting', () => this.flushReports());
  }

  private async step(what: string, action: () => Promise<void>): Promise<boolean> {
    try {
      await action();
      return true;
    } catch (error) {
      if (error instanceof SiteApiError && error.refused) throw error;
      this.ports.log(`${what} failed, trying again next poll: ${(error as Error).message}`);
      return false;
    }
  }

  private async ensureSession(): Promise<void> {
    if (this.session) {
      const expires = Date.parse(this.session.expiresAt);
      const issued = this.sessionIssuedAt ?? expires;
      // Renew once a fifth of its lifetime (at most 5 minutes) is left.
      const margin = Math.min(300_000, Math.max(0, (expires - issued) / 5));
      if (this.ports.now().getTime() < expires - margin) return;
    }
    this.session = await this.ports.api.session();
    this.sessionIssuedAt = this.ports.now().getTime();
    this.queue = this.ports.openQueue(this.session);
    this.ports.log(`session: queue ${this.session.queueUrl}, valid until ${this.session.expiresAt}`);
  }

  private sessionIssuedAt?: number;

  /** Receives and acts on work: another receive at once while batches come full (a burst), up to 10 a poll. */
  private async receiveWork(): Promise<void> {
    for (let batch = 0; batch < RECEIVES_PER_POLL; batch++) {
      const received = await this.queue!.receive(10, batch === 0 ? this.settings.receiveWaitSeconds : 0);
      await this.actOn(received);
      if (received.length < 10) return;
    }
  }

  private async actOn(received: QueueMessage[]): Promise<void> {
    if (received.length === 0) return;
    const work = received.map((message) => ({ message, body: this.readWork(message) }));
    // One question to Slurm for every submit (and array) of the batch the state file does not know.
    const unknownNames = work.flatMap(({ body }) => {
      if (body?.kind === 'submit') return this.alreadySubmitted(body.jobName) ? [] : [body.jobName];
      if (body?.kind === 'submitArray')
        return this.state.arrays?.[body.arrayJobName]?.slurmJobId ? [] : [body.arrayJobName];
      return [];
    });
    const known = await this.ports.slurm.findByNames(unknownNames);
    const named = (name: string) => known.filter((record) => record.name === name);
    // In order; consecutive cancels together, so every member of an array cancelled is one scancel of the array.
    let cancels: typeof work = [];
    const cancelTogether = async () => {
      if (cancels.length === 0) return;
      await this.cancel(cancels.map(({ body }) => body as SiteJobWork));
      for (const { message } of cancels) await this.queue!.delete(message.receiptHandle);
      cancels = [];
    };
    for (const item of work) {
      const { message, body } = item;
      if (!body) continue;
      if (body.kind === 'cancel') {
        cancels.push(item);
        continue;
      }
      await cancelTogether();
      const acted =
        body.kind === 'submitArray'
          ? await this.submitArrayOnce(body, message, named(body.arrayJobName))
          : await this.submitOnce(body as SubmitMessage, message, named(body.jobName));
      if (acted) await this.queue!.delete(message.receiptHandle);
    }
    await cancelTogether();
  }

  /** The message's work, or undefined for one it cannot act on (left to the dead-letter queue). */
  private readWork(message: QueueMessage): SiteWorkMessage | undefined {
    let body: unknown;
    try {
      body = JSON.parse(message.body);
    } catch {
      body = undefined;
    }
    if (validateWorkMessage(body) && body.site === this.settings.site) return body;
    const why = validateWorkMessage.errors?.map((e) => `${e.instancePath} ${e.message}`).join('; ');
    this.ports.log(
      `left a message it cannot act on to the dead-letter queue (receive ${message.receiveCount}): ${why ?? 'another site'}`,
    );
    return undefined;
  }

  private alreadySubmitted(jobName: string): boolean {
    const tracked = this.state.jobs[jobName];
    return tracked?.slurmJobId !== undefined || tracked?.finished === true;
  }

  /**
   * sbatch unless the state file or Slurm (`known`: its jobs of this name,
   * asked for the whole batch) already knows the job name; true once the
   * message is done with.
   */
  private async submitOnce(
    message: SubmitMessage,
    received: QueueMessage,
    known: SlurmJobRecord[],
  ): Promise<boolean> {
    const tracked = this.state.jobs[message.jobName];
    if (this.alreadySubmitted(message.jobName)) {
      this.ports.log(`${message.jobName}: already submitted (job ${tracked?.slurmJobId}); a redelivery`);
      return true;
    }
    if (known[0]) {
      this.ports.log(`${message.jobName}: Slurm already knows it (job ${known[0].jobId}); a redelivery`);
      this.state.jobs[message.jobName] = {
        ...this.newTrackedJob(message, tracked?.runDirectory ?? ''),
        slurmJobId: known[0].jobId,
      };
      await this.ports.state.save(this.state);
      return true;
    }
    const stopExtending = this.extendVisibilityWhileWorking(received);
    try {
      this.ports.log(`${message.jobName}: preparing the run directory`);
      const runDirectory = await this.ports.prepare(message);
      const job = this.newTrackedJob(message, runDirectory);
      job.initialFiles = Object.fromEntries(await snapshotUploadable(runDirectory));
      this.state.jobs[message.jobName] = job;
      await this.ports.state.save(this.state);
      const slurmJobId = await this.ports.slurm.submit(this.jobRequest(message, runDirectory));
      job.slurmJobId = slurmJobId;
      await this.ports.state.save(this.state);
      this.ports.log(`${message.jobName}: submitted as Slurm job ${slurmJobId}`);
      this.queueReport(job, { status: 'SUBMITTED', reason: `submitted to Slurm as job ${slurmJobId}` });
      return true;
    } catch (error) {
      if (this.state.jobs[message.jobName]?.slurmJobId === undefined) delete this.state.jobs[message.jobName];
      await this.ports.state.save(this.state);
      if (error instanceof SlurmCommandError && controllerUnreachable(error)) {
        this.ports.log(
          `${message.jobName}: the Slurm controller is unreachable; the message comes back later`,
        );
        return false;
      }
      if (error instanceof SiteApiError && error.status === 0) throw error;
      await this.failBeforeRunning(message, error);
      return true;
    } finally {
      stopExtending();
    }
  }

  /**
   * One sbatch --array for the members of a submitArray, unless the state
   * file or Slurm (`known`: its jobs of the array's name) already knows the
   * array: a redelivery. Members the agent already submitted (the poller sent
   * them again under a new array name after a crash) are left out; a member
   * whose preparation fails is reported FAILED and left out. True once the
   * message is done with.
   */
  private async submitArrayOnce(
    message: SiteArrayWork,
    received: QueueMessage,
    known: SlurmJobRecord[],
  ): Promise<boolean> {
    const name = message.arrayJobName;
    const tracked = this.state.arrays?.[name];
    if (tracked?.slurmJobId) {
      this.ports.log(`${name}: already submitted (array ${tracked.slurmJobId}); a redelivery`);
      return true;
    }
    if (known[0]) {
      const arrayId = known[0].arrayJobId ?? known[0].jobId;
      this.ports.log(`${name}: Slurm already knows it (array ${arrayId}); a redelivery`);
      const members = message.members.map((_, i) => memberSubmitMessage(message, i));
      this.recordArray(name, members, (jobName) => this.state.jobs[jobName]?.runDirectory ?? '');
      this.arraySubmitted(this.state.arrays![name]!, arrayId);
      await this.ports.state.save(this.state);
      return true;
    }
    const pending = message.members
      .map((_, i) => memberSubmitMessage(message, i))
      .filter((member) => {
        if (!this.alreadySubmitted(member.jobName)) return true;
        this.ports.log(`${member.jobName}: already submitted; left out of ${name}`);
        return false;
      });
    if (pending.length === 0) return true;
    const stopExtending = this.extendVisibilityWhileWorking(received);
    try {
      this.ports.log(`${name}: preparing ${pending.length} run directories`);
      const prepared: { member: SubmitMessage; runDirectory: string }[] = [];
      for (const member of pending) {
        try {
          prepared.push({ member, runDirectory: await this.ports.prepare(member) });
        } catch (error) {
          if (error instanceof SiteApiError && error.status === 0) throw error;
          await this.failBeforeRunning(member, error);
        }
      }
      if (prepared.length === 0) return true;
      const directory = await this.ports.prepareArray(
        message,
        prepared.map(({ runDirectory }) => runDirectory),
      );
      const runDirectories = new Map(
        prepared.map(({ member, runDirectory }) => [member.jobName, runDirectory]),
      );
      this.recordArray(
        name,
        prepared.map(({ member }) => member),
        (jobName) => runDirectories.get(jobName)!,
      );
      for (const { runDirectory, member } of prepared) {
        this.state.jobs[member.jobName]!.initialFiles = Object.fromEntries(
          await snapshotUploadable(runDirectory),
        );
      }
      await this.ports.state.save(this.state);
      const throttle = message.maxRunning !== undefined ? `%${message.maxRunning}` : '';
      const arrayId = await this.ports.slurm.submit({
        ...this.jobRequest(message, directory),
        jobName: name,
        scriptPath: path.join(directory, ARRAY_SCRIPT),
        outputPath: path.join(directory, 'slurm-%A_%a.out'),
        array: {
          indices: `0-${prepared.length - 1}`,
          ...(message.maxRunning !== undefined ? { maxRunning: message.maxRunning } : {}),
        },
      });
      this.arraySubmitted(this.state.arrays![name]!, arrayId);
      await this.ports.state.save(this.state);
      this.ports.log(
        `${name}: submitted ${prepared.length} members as Slurm array ${arrayId} (--array=0-${prepared.length - 1}${throttle})`,
      );
      for (const { member } of prepared) {
        const job = this.state.jobs[member.jobName]!;
        this.queueReport(job, {
          status: 'SUBMITTED',
          reason: `submitted to Slurm as task ${job.array!.task} of array ${arrayId}`,
        });
      }
      return true;
    } catch (error) {
      if (this.state.arrays?.[name]?.slurmJobId === undefined) this.forgetArray(name);
      await this.ports.state.save(this.state);
      if (error instanceof SlurmCommandError && controllerUnreachable(error)) {
        this.ports.log(`${name}: the Slurm controller is unreachable; the message comes back later`);
        return false;
      }
      if (error instanceof SiteApiError && error.status === 0) throw error;
      for (const member of pending.filter((m) => !this.alreadySubmitted(m.jobName))) {
        await this.failBeforeRunning(member, error);
      }
      return true;
    } finally {
      stopExtending();
    }
  }

  /** Records the array and its members (no Slurm id yet) in the state, task i the i-th member. */
  private recordArray(
    name: string,
    members: readonly SubmitMessage[],
    runDirectoryOf: (jobName: string) => string,
  ): void {
    this.state.arrays ??= {};
    this.state.arrays[name] = {
      members: members.map((member) => member.jobName),
      submittedAt: this.ports.now().toISOString(),
    };
    for (const [task, member] of members.entries()) {
      this.state.jobs[member.jobName] = {
        ...this.newTrackedJob(member, runDirectoryOf(member.jobName)),
        array: { jobName: name, task },
      };
    }
  }

  /** The array has Slurm id `arrayId`: each member is its task `<arrayId>_<task>`. */
  private arraySubmitted(array: TrackedArray, arrayId: string): void {
    array.slurmJobId = arrayId;
    for (const [task, jobName] of array.members.entries()) {
      const job = this.state.jobs[jobName];
      if (job) job.slurmJobId = `${arrayId}_${task}`;
    }
  }

  /** Drops an array Slurm never got, and its members (their messages come back, or were reported FAILED). */
  private forgetArray(name: string): void {
    for (const jobName of this.state.arrays?.[name]?.members ?? []) delete this.state.jobs[jobName];
    delete this.state.arrays?.[name];
  }

  /** Reports a member or a job FAILED before it ran (preparation or sbatch refused it): never silence. */
  private async failBeforeRunning(message: SubmitMessage, error: unknown): Promise<void> {
    const reason =
      error instanceof PreparationError || error instanceof SlurmCommandError
        ? (error as Error).message
        : `the agent could not prepare the run: ${(error as Error).message}`;
    this.ports.log(`${message.jobName}: FAILED before it ran: ${reason}`);
    // Reported now, before the message is deleted.
    this.pending.push(this.report(this.newTrackedJob(message, ''), { status: 'FAILED', reason }));
    await this.flushReports(true);
  }

  /** Keeps the message invisible while the agent prepares it (half the visibility timeout at a time). */
  private extendVisibilityWhileWorking(received: QueueMessage): () => void {
    const seconds = this.session!.visibilityTimeoutSeconds;
    const timer = setInterval(
      () => {
        this.queue!.extendVisibility(received.receiptHandle, seconds).catch((error: Error) =>
          this.ports.log(`could not extend a message's visibility: ${error.message}`),
        );
      },
      (seconds * 1000) / 2,
    );
    return () => clearInterval(timer);
  }

  /**
   * scancel of each message's job: by its recorded id (`<array id>_<task>` for
   * an array's member), else every job Slurm knows by its name; a whole
   * array's id when every member still running of it is among them.
   */
  private async cancel(messages: readonly SiteJobWork[]): Promise<void> {
    const keys = new Set<string>();
    const byArray = new Map<string, string[]>();
    for (const message of messages) {
      const tracked = this.state.jobs[message.jobName];
      if (tracked?.array && tracked.slurmJobId) {
        byArray.set(tracked.array.jobName, [...(byArray.get(tracked.array.jobName) ?? []), message.jobName]);
        continue;
      }
      const found = tracked?.slurmJobId
        ? [tracked.slurmJobId]
        : (await this.ports.slurm.findByName(message.jobName)).map((record) => record.jobId);
      for (const key of found) keys.add(key);
      this.ports.log(
        `${message.jobName}: ${found.length > 0 ? `scancel ${found.join(' ')}` : 'no such job at the site'}${message.reason ? ` (${message.reason})` : ''}`,
      );
    }
    for (const [arrayName, cancelled] of byArray) {
      const array = this.state.arrays?.[arrayName];
      const live = (array?.members ?? []).filter((name) => !this.state.jobs[name]?.finished);
      if (array?.slurmJobId && live.every((name) => cancelled.includes(name))) {
        keys.add(array.slurmJobId);
        this.ports.log(`${arrayName}: every member cancelled: scancel ${array.slurmJobId} (the array)`);
      } else {
        for (const name of cancelled) keys.add(this.state.jobs[name]!.slurmJobId!);
        this.ports.log(
          `${arrayName}: scancel ${cancelled.map((name) => this.state.jobs[name]!.slurmJobId).join(' ')}`,
        );
      }
    }
    for (const key of keys) await this.ports.slurm.cancel(key);
  }

  private newTrackedJob(message: SiteJobWork, runDirectory: string): TrackedJob {
    return {
      simulationId: message.simulationId,
      attempt: message.attempt,
      jobName: message.jobName,
      runDirectory,
      submittedAt: this.ports.now().toISOString(),
      uploaded: {},
      initialFiles: {},
    };
  }

  private jobRequest(
    message: Pick<SubmitMessage, 'job'> & { jobName?: string },
    runDirectory: string,
  ): SlurmJobRequest {
    const { job } = message;
    return {
      ...this.settings.jobDefaults,
      jobName: message.jobName ?? '',
      scriptPath: path.join(runDirectory, JOB_SCRIPT),
      workDir: runDirectory,
      outputPath: path.join(runDirectory, JOB_LOG),
      partition: job.partition,
      ...(job.account ? { account: job.account } : {}),
      ...(job.qos ? { qos: job.qos } : {}),
      timeLimitMinutes: job.timeMinutes,
      memoryMiB: job.memoryMiB,
      cpus: job.cpus,
    };
  }

  /** One squeue for every followed job; uploads what is complete; queues what changed. */
  async followJobs(): Promise<void> {
    const followed = Object.values(this.state.jobs).filter((job) => !job.finished && job.slurmJobId);
    if (followed.length === 0) return;
    const records = await this.ports.slurm.observe(followed.map((job) => job.slurmJobId!));
    let changed = false;
    for (const job of followed) {
      // Absent: neither squeue nor the accounting record knows it yet (sacct is eventually consistent).
      const record =
        records.find((candidate) => slurmJobKey(candidate) === job.slurmJobId) ??
        records.find((candidate) => candidate.jobId === job.slurmJobId);
      if (record) changed = (await this.followJob(job, record)) || changed;
    }
    if (changed) await this.ports.state.save(this.state);
  }

  private async followJob(job: TrackedJob, record: SlurmJobRecord): Promise<boolean> {
    const watch = this.watchOf(job);
    const seen = slurmStatus(record);
    const ended = isFinishedState(record.state);
    const modelTime = seen.status === 'RUNNING' || ended ? await this.modelTime(job, watch) : undefined;
    let uploaded = await this.uploadReady(job, watch, ended);
    if (ended && !uploaded) {
      watch.failedFinalPasses += 1;
      if (watch.failedFinalPasses < FINAL_UPLOAD_ATTEMPTS) return true;
      this.ports.log(`${job.jobName}: reporting its end with files still not uploaded`);
      uploaded = false;
    }
    const statusChanged = seen.status !== watch.lastStatus;
    const progressed = modelTime !== undefined && modelTime !== watch.lastModelTime;
    if (!statusChanged && !progressed) return true;
    watch.lastStatus = seen.status;
    if (modelTime !== undefined) watch.lastModelTime = modelTime;
    this.queueReport(job, {
      // slurmStatus answers only statuses a site may report (states.ts).
      status: seen.status as SiteJobReport['status'],
      reason: seen.reason,
      slurmState: record.state,
      ...(seen.exitCode !== undefined ? { exitCode: seen.exitCode } : {}),
      ...(modelTime !== undefined ? { progress: { modelTime } } : {}),
      ...(ended ? { outputsUploaded: uploaded } : {}),
    });
    return true;
  }

  private watchOf(job: TrackedJob): JobWatch {
    let watch = this.watches.get(job.jobName);
    if (!watch) {
      watch = {
        previousSnapshot: new Map(),
        failedFinalPasses: 0,
        ...(job.reportedStatus ? { lastStatus: job.reportedStatus } : {}),
        ...(job.reportedModelTime ? { lastModelTime: job.reportedModelTime } : {}),
      };
      this.watches.set(job.jobName, watch);
    }
    return watch;
  }

  /** The model time the run reached: the demo model's status file, else GEOS-Chem's log. */
  private async modelTime(job: TrackedJob, watch: JobWatch): Promise<string | undefined> {
    const status = await readFile(path.join(job.runDirectory, STATUS_FILE), 'utf8').catch(() => undefined);
    if (status !== undefined) {
      try {
        const simulated = (JSON.parse(status) as { simulatedTime?: unknown }).simulatedTime;
        if (typeof simulated === 'string') return isoSeconds(new Date(simulated));
      } catch {
        // Rewritten atomically, so never half written; a foreign file is ignored.
      }
    }
    watch.log ??= { scanner: new LogScanner(), offset: 0 };
    const log = await readFile(path.join(job.runDirectory, JOB_LOG)).catch(() => undefined);
    if (log && log.length > watch.log.offset) {
      watch.log.scanner.feed(log.subarray(watch.log.offset).toString('utf8'));
      watch.log.offset = log.length;
    }
    const reached = watch.log.scanner.result.simulatedTime;
    return reached ? isoSeconds(reached) : undefined;
  }

  /**
   * Uploads the files that are complete (the job runner's rules); once the job
   * ended, everything not yet sent, its log included. True when nothing is left.
   */
  private async uploadReady(job: TrackedJob, watch: JobWatch, ended: boolean): Promise<boolean> {
    if (!job.runDirectory) return true;
    const current = await snapshotUploadable(job.runDirectory);
    if (ended) {
      // The job's log and the run's status file (the results processor reads status.json) go up last.
      for (const [uploadPath, name] of [
        [`logs/${JOB_LOG}`, JOB_LOG],
        [STATUS_UPLOAD, STATUS_FILE],
      ] as const) {
        const info = await stat(path.join(job.runDirectory, name)).catch(() => undefined);
        if (info?.isFile()) current.set(uploadPath, { size: info.size, mtimeMs: info.mtimeMs });
      }
    }
    const uploaded = new Map(Object.entries(job.uploaded));
    const ready = filesReadyToUpload(watch.previousSnapshot, current, uploaded, {
      final: ended,
      ignore: new Map(Object.entries(job.initialFiles)),
    });
    watch.previousSnapshot = current;
    try {
      for (let start = 0; start < ready.length; start += UPLOADS_PER_REQUEST) {
        const batch = ready.slice(start, start + UPLOADS_PER_REQUEST);
        const granted = await this.ports.api.transfers({
          simulationId: job.simulationId,
          attempt: job.attempt,
          uploads: batch,
        });
        for (const upload of granted.uploads) {
          await this.ports.transfer.upload(
            upload.url,
            upload.headers,
            localFileOf(job.runDirectory, upload.path),
          );
          job.uploaded[upload.path] = current.get(upload.path) as FileState;
        }
      }
      if (ready.length > 0) this.ports.log(`${job.jobName}: uploaded ${ready.length} file(s)`);
      return true;
    } catch (error) {
      this.ports.log(`${job.jobName}: upload failed, trying again next poll: ${(error as Error).message}`);
      return false;
    }
  }

  private report(
    job: TrackedJob,
    fields: Omit<SiteJobReport, 'simulationId' | 'attempt' | 'jobName' | 'observedAt'>,
  ): SiteJobReport {
    return {
      simulationId: job.simulationId,
      attempt: job.attempt,
      jobName: job.jobName,
      ...(job.slurmJobId ? { slurmJobId: job.slurmJobId } : {}),
      observedAt: this.ports.now().toISOString(),
      ...fields,
    };
  }

  /** Queues a job's report; a newer report of the same status replaces a pending one (progress), others keep their order. */
  private queueReport(job: TrackedJob, fields: Parameters<SiteAgent['report']>[1]): void {
    const report = this.report(job, fields);
    const last = this.pending.findLastIndex((pending) => pending.jobName === job.jobName);
    if (last >= 0 && this.pending[last]!.status === report.status) this.pending.splice(last, 1);
    this.pending.push(report);
  }

  /** Sends the pending reports (a heartbeat when none is due and the interval passed), in order. */
  async flushReports(force = false): Promise<void> {
    const interval = (this.session?.heartbeatIntervalSeconds ?? 60) * 1000;
    const heartbeatDue = this.ports.now().getTime() - this.lastReportAt >= interval;
    if (this.pending.length === 0 && !heartbeatDue && !force) return;
    do {
      const batch = this.pending.slice(0, REPORTS_PER_REQUEST);
      const answer = await this.ports.api.report({
        agent: { agentId: this.settings.agentId, version: this.settings.version, startedAt: this.startedAt },
        sentAt: this.ports.now().toISOString(),
        jobs: batch,
      });
      this.pending.splice(0, batch.length);
      this.lastReportAt = this.ports.now().getTime();
      await this.acknowledged(batch, answer);
    } while (this.pending.length > 0);
  }

  private async acknowledged(batch: SiteJobReport[], answer: SiteReportResponse): Promise<void> {
    for (const ignored of answer.ignored)
      this.ports.log(`${ignored.jobName}: report ignored: ${ignored.reason}`);
    for (const report of batch) {
      const job = this.state.jobs[report.jobName];
      if (!job) continue;
      job.reportedStatus = report.status;
      if (report.progress) job.reportedModelTime = report.progress.modelTime;
      if (report.outputsUploaded !== undefined) {
        // The platform knows the end: keep the name (never submitted again), forget the rest.
        job.finished = true;
        job.uploaded = {};
        job.initialFiles = {};
        this.watches.delete(job.jobName);
      }
    }
    const cancelled = (answer.cancel ?? []).flatMap((jobName) => {
      const job = this.state.jobs[jobName];
      return job?.slurmJobId && !job.finished ? [job] : [];
    });
    if (cancelled.length > 0) {
      this.ports.log(`the platform says ${cancelled.length} simulation(s) were cancelled`);
      await this.cancel(
        cancelled.map((job) => ({
          schemaVersion: '1',
          kind: 'cancel',
          site: this.settings.site,
          simulationId: job.simulationId,
          attempt: job.attempt,
          jobName: job.jobName,
          sentAt: this.ports.now().toISOString(),
        })),
      );
    }
    if (batch.length > 0) await this.ports.state.save(this.state);
  }
}

/** sbatch could not reach the controller (restarting, overloaded): try again, do not fail the run. */
function controllerUnreachable(error: SlurmCommandError): boolean {
  return /Unable to contact slurm controller|Socket timed out|Connection refused|connect failure|ETIMEDOUT/i.test(
    error.stderr,
  );
}
