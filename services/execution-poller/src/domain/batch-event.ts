import { parseArrayChildJobId, parseArrayJobName } from '#shared/kernel/compute/array-members.js';
import { DESCRIBE_JOBS_MAX_IDS } from '#shared/kernel/compute/batch-backend.js';
import type { JobDescription } from '#shared/kernel/compute/backend.js';
import { withBackoff } from './backoff.js';
import { observeJob, type Observation } from './observe.js';
import type { PollerPorts } from './ports.js';

/** The backend whose jobs AWS Batch's events describe (on the local platform, the same adapter as `local`). */
export const BATCH_EVENTS_BACKEND = 'aws-batch';

/** What became of one `Batch Job State Change` event. */
export type BatchEventOutcome =
  | Observation
  /** Not a job name of ours (`gcr-<simulation id>`). */
  | 'not-ours'
  /** A job queue of another stage (or a forgery). */
  | 'foreign-queue'
  /** DescribeJobs does not know the job (yet): polling reconciles it later. */
  | 'unconfirmed'
  /** An ensemble array job's parent: its children's own events move the members. */
  | 'array-parent';

const JOB_NAME = /^gcr-(sim_[0-9a-z]{26})$/;

interface Waiting {
  jobId: string;
  resolve: (job: JobDescription | undefined) => void;
  reject: (err: unknown) => void;
}

/**
 * Confirmations waiting for the next DescribeJobs, per ports (one per bundle).
 * The messages of one SQS batch are handled concurrently, so the jobs their
 * events name are described together: one call for up to 100 of them.
 */
const waitingByPorts = new WeakMap<PollerPorts, Waiting[]>();

function describeTogether(ports: PollerPorts, jobId: string): Promise<JobDescription | undefined> {
  const first = !waitingByPorts.has(ports);
  if (first) waitingByPorts.set(ports, []);
  const waiting = waitingByPorts.get(ports)!;
  const promise = new Promise<JobDescription | undefined>((resolve, reject) =>
    waiting.push({ jobId, resolve, reject }),
  );
  // Once every message of the batch has asked (they ask before their first I/O).
  if (first) setImmediate(() => void describeWaiting(ports));
  return promise;
}

async function describeWaiting(ports: PollerPorts): Promise<void> {
  const waiting = waitingByPorts.get(ports) ?? [];
  waitingByPorts.delete(ports);
  const backend = ports.backendFor(BATCH_EVENTS_BACKEND);
  for (let start = 0; start < waiting.length; start += DESCRIBE_JOBS_MAX_IDS) {
    const chunk = waiting.slice(start, start + DESCRIBE_JOBS_MAX_IDS);
    try {
      if (!backend) {
        for (const w of chunk) w.resolve(undefined);
        continue;
      }
      await ports.rateLimiter.acquire(1);
      const jobs = await withBackoff(() => backend.describe([...new Set(chunk.map((w) => w.jobId))]), ports);
      const byId = new Map(jobs.map((job) => [job.jobId, job]));
      for (const w of chunk) w.resolve(byId.get(w.jobId));
    } catch (err) {
      for (const w of chunk) w.reject(err);
    }
  }
}

/**
 * The member an array child's event is about, from the array's index (which
 * the poller wrote before the SubmitJob); 'parent' for the parent's own.
 */
async function arrayMemberOf(
  ports: PollerPorts,
  ensembleId: string,
  hint: JobDescription,
): Promise<string | 'parent' | undefined> {
  const child = parseArrayChildJobId(hint.jobId);
  if (!child) return 'parent';
  const index = await ports.arrays?.readIndex(ensembleId, hint.jobName);
  return index?.simulationIds[child.index];
}

/**
 * A `Batch Job State Change` event is a hint, never the truth: anyone who can
 * put events on the default bus can send one, and Batch's own may arrive late,
 * twice or out of order. A job of another stage's queue, or not named for one
 * of our simulations, is ignored unread; any other is described (DescribeJobs,
 * batched) and what Batch says now is applied, to the simulation that tracks
 * that very job only.
 */
export async function observeBatchEvent(
  ports: PollerPorts,
  hint: JobDescription,
): Promise<BatchEventOutcome> {
  const array = parseArrayJobName(hint.jobName);
  if (!array && !JOB_NAME.test(hint.jobName)) return 'not-ours';
  if (hint.jobQueue === undefined || !ports.ownsJobQueue(hint.jobQueue)) return 'foreign-queue';
  const simulationId = array
    ? await arrayMemberOf(ports, array.ensembleId, hint)
    : JOB_NAME.exec(hint.jobName)![1]!;
  if (simulationId === 'parent') return 'array-parent';
  if (!simulationId) return 'not-ours';
  const job = await describeTogether(ports, hint.jobId);
  if (!job) return 'unconfirmed';
  if (job.jobQueue !== undefined && !ports.ownsJobQueue(job.jobQueue)) return 'foreign-queue';
  if (job.jobName !== hint.jobName) return 'not-ours';
  return observeJob(ports, simulationId, job, { trackedOnly: true });
}
