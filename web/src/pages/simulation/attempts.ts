/**
 * The Batch attempts of a run as one list: the ended ones the poller kept
 * (job.attempts) and the current one, each said to be a spot reclaim when its
 * reason says the host went away.
 */
import type { Simulation } from '#schemas/generated/types.js';
import { instanceIdIn, isSpotReclaim, isTerminal } from './status.js';

export interface AttemptRow {
  number: number;
  startedAt?: string;
  stoppedAt?: string;
  instanceType?: string;
  /** The EC2 instance, when the reason names it. */
  host?: string;
  exitCode?: number;
  reason?: string;
  spotReclaim: boolean;
  /** Under way (the run has not ended). */
  current: boolean;
}

type RecordedAttempt = NonNullable<NonNullable<Simulation['job']>['attempts']>[number];

function attemptRow(attempt: RecordedAttempt, number: number, current: boolean): AttemptRow {
  const host = instanceIdIn(attempt.statusReason);
  return {
    number,
    ...(attempt.startedAt ? { startedAt: attempt.startedAt } : {}),
    ...(attempt.stoppedAt ? { stoppedAt: attempt.stoppedAt } : {}),
    ...(attempt.instanceType ? { instanceType: attempt.instanceType } : {}),
    ...(host ? { host } : {}),
    ...(attempt.exitCode !== undefined ? { exitCode: attempt.exitCode } : {}),
    ...(attempt.statusReason ? { reason: attempt.statusReason } : {}),
    spotReclaim: isSpotReclaim(attempt.statusReason),
    current,
  };
}

export function attemptRows(simulation: Simulation): AttemptRow[] {
  const job = simulation.job;
  if (!job) return [];
  const ended = (job.attempts ?? []).map((attempt, index) => attemptRow(attempt, index + 1, false));
  // The job itself describes the attempt under way, or the last one once the run ended.
  if (ended.length >= job.attempt) return ended;
  return [...ended, attemptRow(job, job.attempt, !isTerminal(simulation.status))];
}
