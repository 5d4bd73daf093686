/**
 * The pure rules of a Slurm site's jobs (docs/SLURM.md, "Agent protocol"):
 * how an agent's report moves a site job forward (idempotently, only forward,
 * in observedAt order, only for the current attempt), and how a site job reads
 * as the job description the execution poller reconciles, as if AWS Batch had
 * described it. No I/O.
 */
import type { SiteJobReport } from '#schemas/generated/types.js';
import type { SiteJob, SiteJobAttempt, SiteJobStatus } from '../repository/site-jobs.js';
import { siteJobName } from '../repository/site-jobs.js';
import type { JobAttempt, JobDescription, JobState } from './backend.js';

/** How a job's status reason begins while its site's agent is silent (slurm-backend.ts). */
export const WAITING_FOR_SITE = 'waiting for its site';

/** Where a status stands in an attempt's life: a report behind the known one changes nothing. */
const RANK: Record<SiteJobStatus, number> = {
  SUBMITTED: 0,
  RUNNABLE: 1,
  STARTING: 2,
  RUNNING: 3,
  SUCCEEDED: 4,
  FAILED: 4,
  TIMED_OUT: 4,
  CANCELLED: 4,
  RETRYING: 4,
};

export function isEndOfAttempt(status: SiteJobStatus): boolean {
  return RANK[status] === 4;
}

export type ReportOutcome = { applied: SiteJob } | { ignored: string };

/**
 * One job report applied to the site job it is about. Ignored (and why): a
 * report of another attempt or job name, one observed before what is known,
 * one behind the attempt's state, one for an attempt that already ended, and
 * a copy of what is known (a redelivered report).
 */
export function applyJobReport(siteJob: SiteJob, report: SiteJobReport): ReportOutcome {
  if (report.attempt !== siteJob.attempt) {
    return { ignored: `attempt ${report.attempt} is not the current attempt (${siteJob.attempt})` };
  }
  const jobName = siteJobName(siteJob.jobId, siteJob.attempt);
  if (report.jobName !== jobName) return { ignored: `the job of attempt ${report.attempt} is ${jobName}` };
  const known = siteJob.attempts[String(report.attempt)];
  if (known && isEndOfAttempt(known.status)) {
    return { ignored: `attempt ${report.attempt} already ended (${known.status})` };
  }
  if (known && Date.parse(report.observedAt) < Date.parse(known.observedAt)) {
    return {
      ignored: `stale: observed at ${report.observedAt}, before the last report (${known.observedAt})`,
    };
  }
  if (known && RANK[report.status] < RANK[known.status]) {
    return { ignored: `behind: the attempt is ${known.status} already` };
  }
  const next: SiteJobAttempt = {
    jobName,
    status: report.status,
    reason: report.reason,
    observedAt: report.observedAt,
    ...optional('slurmJobId', report.slurmJobId ?? known?.slurmJobId),
    ...optional('slurmState', report.slurmState ?? known?.slurmState),
    ...optional('exitCode', report.exitCode ?? known?.exitCode),
    ...optional('startedAt', report.startedAt ?? known?.startedAt),
    ...optional('endedAt', report.endedAt ?? known?.endedAt),
    ...optional('progress', report.progress ?? known?.progress),
    ...optional('outputsUploaded', report.outputsUploaded ?? known?.outputsUploaded),
  };
  if (known && sameAttempt(known, next)) return { ignored: 'nothing new: already applied' };
  return { applied: { ...siteJob, attempts: { ...siteJob.attempts, [String(report.attempt)]: next } } };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function sameAttempt(a: SiteJobAttempt, b: SiteJobAttempt): boolean {
  const { observedAt: _a, ...restA } = a;
  const { observedAt: _b, ...restB } = b;
  return (
    JSON.stringify(restA, Object.keys(restA).sort()) === JSON.stringify(restB, Object.keys(restB).sort())
  );
}

/** The current attempt, or its submit not yet acknowledged by the agent. */
export function currentSiteAttempt(siteJob: SiteJob): SiteJobAttempt {
  return (
    siteJob.attempts[String(siteJob.attempt)] ?? {
      jobName: siteJobName(siteJob.jobId, siteJob.attempt),
      status: 'SUBMITTED',
      reason: `sent to site ${siteJob.site}`,
      observedAt: siteJob.submittedAt,
    }
  );
}

/** A retryable end (NODE_FAIL, PREEMPTED) with attempts left: the next attempt is to be sent. */
export function needsNextAttempt(siteJob: SiteJob): boolean {
  return currentSiteAttempt(siteJob).status === 'RETRYING' && siteJob.attempt < siteJob.maxAttempts;
}

const STATE_FOR_STATUS: Record<SiteJobStatus, JobState> = {
  SUBMITTED: 'SUBMITTED',
  RUNNABLE: 'RUNNABLE',
  STARTING: 'STARTING',
  RUNNING: 'RUNNING',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  TIMED_OUT: 'FAILED',
  CANCELLED: 'FAILED',
  RETRYING: 'FAILED',
};

function ms(iso: string | undefined): number | undefined {
  const value = iso === undefined ? NaN : Date.parse(iso);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Why an attempt ended, worded so the poller's reconcile reads it as it reads
 * Batch's: a Slurm TIMEOUT as an attempt timeout (TIMED_OUT), a retryable end
 * with no attempts left as an infrastructure failure.
 */
function endReason(siteJob: SiteJob, attempt: SiteJobAttempt): string {
  switch (attempt.status) {
    case 'TIMED_OUT':
      return `Slurm ended the job at its time limit (attempt duration exceeded timeout): ${attempt.reason}`;
    case 'CANCELLED':
      return `cancelled on site ${siteJob.site}: ${attempt.reason}`;
    case 'RETRYING':
      return `infrastructure failure on site ${siteJob.site} (${attempt.slurmState ?? 'node failure'}) on the last of ${siteJob.maxAttempts} attempt(s), no retries left: ${attempt.reason}`;
    default:
      return attempt.reason;
  }
}

function endedAttempt(siteJob: SiteJob, attempt: SiteJobAttempt): JobAttempt {
  return {
    statusReason: endReason(siteJob, attempt),
    ...optional('exitCode', attempt.exitCode),
    ...optional('startedAt', ms(attempt.startedAt)),
    ...optional('stoppedAt', ms(attempt.endedAt)),
  };
}

/**
 * A site job as the poller's job description: one job per simulation (its id
 * gcr-<simulationId>), earlier attempts in `attempts` as Batch lists them, so
 * a new attempt reads as Batch's retry does. `waitingFor`, when the site's
 * agent is silent, says so (the job's status reason, and no time limit runs).
 */
export function describeSiteJob(siteJob: SiteJob, waitingFor?: string): JobDescription {
  const current = currentSiteAttempt(siteJob);
  const state = STATE_FOR_STATUS[current.status];
  const finished = state === 'SUCCEEDED' || state === 'FAILED';
  const earlier: JobAttempt[] = [];
  for (let n = 1; n < siteJob.attempt; n++) {
    const attempt = siteJob.attempts[String(n)];
    earlier.push(
      attempt ? endedAttempt(siteJob, attempt) : { statusReason: 'ended before its agent reported it' },
    );
  }
  const reason = finished ? endReason(siteJob, current) : current.reason;
  return {
    jobId: siteJob.jobId,
    jobName: siteJob.jobId,
    jobQueue: `site/${siteJob.site}`,
    state,
    statusReason: waitingFor && !finished ? waitingFor : reason,
    ...optional('exitCode', current.exitCode),
    ...optional('createdAt', ms(siteJob.submittedAt)),
    ...optional('startedAt', ms(current.startedAt)),
    ...optional('stoppedAt', ms(current.endedAt)),
    attempts: finished ? [...earlier, endedAttempt(siteJob, current)] : earlier,
    ...(waitingFor && !finished ? { waitingFor } : {}),
  };
}
