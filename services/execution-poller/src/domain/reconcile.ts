import type { JobDescription, JobState } from '#shared/kernel/compute/backend.js';
import { describeExitCode, isJobExitCode } from '#shared/kernel/compute/exit-codes.js';
import { canTransition, isTerminal, type SimulationStatus } from '#shared/kernel/status.js';
import type { Simulation } from '#schemas/generated/types.js';
import { storedSpec } from '#shared/science/spec/validate-spec.js';
import { countedQueueMinutes } from './queue-time.js';
import { pausedTransition } from './pause.js';

export type SimulationJob = NonNullable<Simulation['job']>;

/** What to do about one simulation, given what its job looks like now. Pure: no I/O. */
export interface Plan {
  /** Terminate the job first (timeouts); nothing is written if that fails. */
  terminate?: { reason: string };
  /** Applied in order, each a conditional write and a published event. */
  transitions: { to: SimulationStatus; reason: string }[];
  /** Job details to store with the (last) write; with no transition, a write only if set. */
  job?: SimulationJob;
}

export interface Limits {
  maxQueueMinutes: number;
  maxRuntimeMinutes: number;
}

const ATTEMPT_TIMEOUT_REASON = /attempt duration exceeded timeout/i;
const HOST_LOSS_REASON = /^Host EC2/i;

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** Batch keeps an attempt in attempts[] once it stopped; a finished job's last attempt is in there too. */
export function currentAttempt(job: JobDescription): number {
  const finished = job.state === 'SUCCEEDED' || job.state === 'FAILED';
  return Math.max(1, finished ? job.attempts.length : job.attempts.length + 1);
}

const STATUS_FOR_STATE: Record<JobState, SimulationStatus> = {
  SUBMITTED: 'SUBMITTED',
  PENDING: 'SUBMITTED',
  RUNNABLE: 'RUNNABLE',
  STARTING: 'STARTING',
  RUNNING: 'RUNNING',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
};

/** Why a job that FAILED failed, in words a researcher can act on, and which status that is. */
function failure(simulation: Simulation, job: JobDescription): { to: SimulationStatus; reason: string } {
  const reason = job.statusReason ?? 'no reason given';
  if (simulation.status === 'CANCELLING') return { to: 'CANCELLED', reason: `cancelled: ${reason}` };
  const paused = pausedTransition(simulation);
  if (paused) return paused;
  if (ATTEMPT_TIMEOUT_REASON.test(reason)) {
    return {
      to: 'TIMED_OUT',
      reason: `ran longer than its ${storedSpec(simulation).compute.maxRuntimeMinutes} min limit: ${reason}`,
    };
  }
  if (HOST_LOSS_REASON.test(reason)) {
    return {
      to: 'FAILED',
      reason: `infrastructure failure: spot reclaim or host loss on the last of ${job.attempts.length} attempt(s), no retries left (${reason})`,
    };
  }
  if (job.exitCode !== undefined && job.exitCode !== 0) {
    // The job contract's codes say what went wrong (schemas/job/job-exit-code.schema.json).
    if (isJobExitCode(job.exitCode)) {
      return {
        to: 'FAILED',
        reason: `${describeExitCode(job.exitCode)} (exit code ${job.exitCode}; ${reason})`,
      };
    }
    return { to: 'FAILED', reason: `model failure: the model exited with code ${job.exitCode} (${reason})` };
  }
  return { to: 'FAILED', reason: `the job failed: ${reason}` };
}

/** What the simulation records of its job, from a description of it. */
export function jobRecord(simulation: Simulation, job: JobDescription, now: number): SimulationJob {
  const previous = simulation.job;
  const attempt = currentAttempt(job);
  const enteredRunnable =
    job.state === 'RUNNABLE' && (previous?.state !== 'RUNNABLE' || (previous?.attempt ?? 0) < attempt);
  const record: SimulationJob = {
    jobId: job.jobId,
    jobName: job.jobName,
    attempt,
    ...(previous?.attemptsBefore ? { attemptsBefore: previous.attemptsBefore } : {}),
    state: job.state,
    ...(job.statusReason !== undefined ? { statusReason: job.statusReason } : {}),
    ...(job.exitCode !== undefined ? { exitCode: job.exitCode } : {}),
    ...(previous?.submittedAt
      ? { submittedAt: previous.submittedAt }
      : { submittedAt: iso(job.createdAt ?? now) }),
    ...(enteredRunnable
      ? { runnableSince: new Date(now).toISOString() }
      : previous?.runnableSince
        ? { runnableSince: previous.runnableSince }
        : {}),
    ...(job.startedAt !== undefined ? { startedAt: iso(job.startedAt) } : {}),
    ...(job.stoppedAt !== undefined ? { stoppedAt: iso(job.stoppedAt) } : {}),
    ...(job.logStreamName !== undefined ? { logStreamName: job.logStreamName } : {}),
    attempts: job.attempts.map((a) => ({
      ...(a.exitCode !== undefined ? { exitCode: a.exitCode } : {}),
      ...(a.statusReason !== undefined ? { statusReason: a.statusReason } : {}),
      ...(a.startedAt !== undefined ? { startedAt: iso(a.startedAt) } : {}),
      ...(a.stoppedAt !== undefined ? { stoppedAt: iso(a.stoppedAt) } : {}),
      ...(a.logStreamName !== undefined ? { logStreamName: a.logStreamName } : {}),
      ...(a.instanceType !== undefined ? { instanceType: a.instanceType } : {}),
    })),
  };
  return record;
}

/** Fields whose change is worth a write even without a status change. */
function materiallyDifferent(a: SimulationJob | undefined, b: SimulationJob): boolean {
  if (!a) return true;
  return (
    a.jobId !== b.jobId ||
    a.attempt !== b.attempt ||
    a.state !== b.state ||
    a.statusReason !== b.statusReason ||
    a.exitCode !== b.exitCode ||
    a.logStreamName !== b.logStreamName ||
    a.startedAt !== b.startedAt ||
    (a.attempts?.length ?? 0) !== (b.attempts?.length ?? 0)
  );
}

/**
 * Decides how a simulation follows its job. Observations may be stale,
 * duplicated or out of order (events, polls): an observation of an earlier
 * attempt, or of a state behind the simulation's, changes nothing.
 */
export function planFromJob(
  simulation: Simulation,
  job: JobDescription,
  now: number,
  limits: Limits,
  /** What a new attempt resumes from (resume.ts), appended to the RETRYING entry. */
  resumeNote?: string,
): Plan {
  // WAITING: a paused simulation's stopped job, seen late.
  if (isTerminal(simulation.status) || simulation.status === 'PENDING' || simulation.status === 'WAITING') {
    return { transitions: [] };
  }
  const knownAttempt = simulation.job?.attempt ?? 1;
  const attempt = currentAttempt(job);
  if (simulation.job && simulation.job.jobId !== job.jobId) return { transitions: [] };
  if (attempt < knownAttempt) return { transitions: [] };

  const record = jobRecord(simulation, job, now);
  const transitions: Plan['transitions'] = [];
  let status: SimulationStatus = simulation.status;
  const move = (to: SimulationStatus, reason: string) => {
    if (canTransition(status, to)) {
      transitions.push({ to, reason });
      status = to;
    }
  };

  if (attempt > knownAttempt && !isTerminal(STATUS_FOR_STATE[job.state])) {
    const lost = job.attempts[job.attempts.length - 1];
    move(
      'RETRYING',
      `infrastructure failure: spot reclaim or host loss (${lost?.statusReason ?? 'instance lost'}); starting attempt ${attempt} of ${storedSpec(simulation).compute.spotRetries + 1}${resumeNote ? `, ${resumeNote}` : ''}`,
    );
  }

  if (job.state === 'FAILED') {
    const { to, reason } = failure(simulation, job);
    move(to, reason);
  } else if (job.state === 'SUCCEEDED') {
    move('SUCCEEDED', 'the model finished with exit code 0');
  } else {
    const to = STATUS_FOR_STATE[job.state];
    if (to !== status) move(to, describeState(job));
    // Behind the simulation (an old event arriving late): nothing to learn from it.
    if (transitions.length === 0 && to !== simulation.status) return { transitions: [] };
  }

  // Limits, checked against the state we end in; none while the job waits for its
  // site (a silent Slurm agent): the run is not at fault, and may be running still.
  const plan: Plan = { transitions, job: record };
  if (job.waitingFor !== undefined) {
    // no limit
  } else if (status === 'RUNNABLE' && record.runnableSince) {
    const waited = countedQueueMinutes(Date.parse(record.runnableSince), now, job.unobserved);
    if (waited > limits.maxQueueMinutes) {
      const blocking = job.statusReason ? `: ${job.statusReason}` : '';
      const reason = `waited ${Math.floor(waited)} min for capacity, over its ${limits.maxQueueMinutes} min queue limit${blocking}`;
      plan.terminate = { reason };
      move('TIMED_OUT', reason);
    }
  } else if (status === 'RUNNING' && job.startedAt !== undefined) {
    const ran = (now - job.startedAt) / 60_000;
    if (ran > limits.maxRuntimeMinutes) {
      const reason = `ran ${Math.floor(ran)} min, over its ${limits.maxRuntimeMinutes} min runtime limit`;
      plan.terminate = { reason };
      move('TIMED_OUT', reason);
    }
  }

  if (transitions.length === 0 && !materiallyDifferent(simulation.job, record)) return { transitions: [] };
  return plan;
}

function describeState(job: JobDescription): string {
  switch (job.state) {
    case 'SUBMITTED':
    case 'PENDING':
      return 'job accepted by the backend';
    case 'RUNNABLE':
      return job.statusReason ? `waiting for capacity: ${job.statusReason}` : 'waiting for capacity';
    case 'STARTING':
      return 'instance found; container starting';
    case 'RUNNING':
      return 'the model is running';
    default:
      return job.state.toLowerCase();
  }
}
