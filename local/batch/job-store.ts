/**
 * Durable state of the local Batch emulator: one JSON file per job,
 * `<dir>/jobs/<jobId>.json`, replaced atomically (write a temporary file in
 * the same directory, fsync it, rename it over the old one). A crash at any
 * moment leaves either the previous or the new version of each job, never a
 * torn one; stray temporary files are removed at open.
 *
 * One file per job rather than a journal: a job changes state a handful of
 * times in its life, a job's file is small, and reading a job back needs no
 * replay. Writes of one job are serialized in call order (each write
 * snapshots the record when called), so a later state never loses to an
 * earlier write that finished late.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { BatchJobDetail } from './types.js';

/** Why the emulator stopped an attempt's process (persisted so a restart keeps the intent). */
export type StopKind = 'terminate' | 'timeout' | 'host-loss';

export interface StoredRun {
  /** 1-based attempt number. */
  attempt: number;
  /** Process id of the job's wrapper shell, also its process-group id. Set once RUNNING. */
  pid?: number;
  /** When the attempt became RUNNING (the job's clock). */
  startedAt?: number;
  /** Where the wrapper writes the command's exit status. */
  exitFile: string;
  /** Real-clock epoch ms at which the attempt times out (timeout.attemptDurationSeconds). */
  deadline?: number;
  /** A stop the emulator asked for: SIGTERM sent at `at` (real clock), SIGKILL after the grace period. */
  stop?: { kind: StopKind; reason: string; at: number };
}

export interface StoredJob {
  version: 1;
  /** Submission order: ListJobs' tie-break and cursor. */
  seq: number;
  detail: BatchJobDetail;
  /** What runs, resolved at submission. */
  spec: { command: string[]; environment: Record<string, string>; cwd: string };
  /** FIFO position while RUNNABLE (a retried attempt queues at the back). */
  queueSeq?: number;
  /** The current attempt while STARTING or RUNNING. */
  run?: StoredRun;
  /** An array parent: its children are `<jobId>:0` .. `<jobId>:<size - 1>`; it never runs itself. */
  arraySize?: number;
  /** An array child: its parent's job id and its AWS_BATCH_JOB_ARRAY_INDEX. */
  arrayChild?: { parentJobId: string; index: number };
}

export class JobStore {
  private readonly jobsDir: string;
  private readonly pending = new Map<string, Promise<void>>();
  private tmpCounter = 0;

  private constructor(dir: string) {
    this.jobsDir = path.join(dir, 'jobs');
  }

  /** Opens (creating) the store and reads every job back. Unreadable files are reported, not fatal. */
  static async open(
    dir: string,
    onCorrupt: (file: string, err: unknown) => void = () => undefined,
  ): Promise<{ store: JobStore; jobs: StoredJob[] }> {
    const store = new JobStore(dir);
    await fs.mkdir(store.jobsDir, { recursive: true });
    const jobs: StoredJob[] = [];
    for (const name of await fs.readdir(store.jobsDir)) {
      const file = path.join(store.jobsDir, name);
      if (name.includes('.tmp-')) {
        await fs.rm(file, { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      try {
        const job = JSON.parse(await fs.readFile(file, 'utf8')) as StoredJob;
        if (job.version !== 1 || !job.detail?.jobId) throw new Error('not a job record');
        jobs.push(job);
      } catch (err) {
        onCorrupt(file, err);
      }
    }
    return { store, jobs };
  }

  fileOf(jobId: string): string {
    return path.join(this.jobsDir, `${jobId}.json`);
  }

  /** Persists the record as it is now; resolves once it is durable. */
  write(job: StoredJob): Promise<void> {
    const id = job.detail.jobId;
    const text = `${JSON.stringify(job)}\n`;
    const previous = this.pending.get(id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.replace(id, text));
    this.pending.set(id, next);
    void next
      .finally(() => {
        if (this.pending.get(id) === next) this.pending.delete(id);
      })
      .catch(() => undefined);
    return next;
  }

  async remove(jobId: string): Promise<void> {
    await (this.pending.get(jobId) ?? Promise.resolve()).catch(() => undefined);
    await fs.rm(this.fileOf(jobId), { force: true });
  }

  /** Waits for every write in flight. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending.values()]);
  }

  private async replace(jobId: string, text: string): Promise<void> {
    const target = this.fileOf(jobId);
    const tmp = `${target}.tmp-${process.pid}-${++this.tmpCounter}`;
    const fh = await fs.open(tmp, 'w');
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, target);
  }
}
