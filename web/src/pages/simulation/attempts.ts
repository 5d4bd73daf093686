/**
 * The Batch attempts of a run as one list: the ended ones the poller kept
 * (job.attempts) and the current one, each said to be a spot reclaim when its
 * reason says the host went away.
 */
import type { Simulation } from '#schemas/generated/types.js';
import { instanceIdIn, isSpotReclaim } from './status.js';

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
  current: boolean;
}

export function attemptRows(simulation: Simulation): AttemptRow[] {
  const job = simulation.job;
  if (!job) return [];
  const ended = (job.attempts ?? []).map((attempt, index): AttemptRow => ({
    number: index + 1,
    ...(attempt.startedAt ? { startedAt: attempt.startedAt } : {}),
    ...(attempt.stoppedAt ? { stoppedAt: attempt.stoppedAt } : {}),
    ...(attempt.instanceType ? { instanceType: attempt.instanceType } : {}),
    ...(instanceIdIn(attempt.statusReason) ? { host: instanceIdIn(attempt.statusReason) } : {}),
    ...(attempt.exitCode !== undefined ? { exitCode: attempt.exitCode } : {}),
    ...(attempt.statusReason ? { reason: attempt.statusReason } : {}),
    spotReclaim: isSpotReclaim(attempt.statusReason),
    current: false,
  }));
  if (ended.length >= job.attempt) return ended;
  const current: AttemptRow = {
    number: job.attempt,
    ...(job.startedAt ? { startedAt: job.startedAt } : {}),
    ...(job.stoppedAt ? { stoppedAt: job.stoppedAt } : {}),
    ...(job.instanceType ? { instanceType: job.instanceType } : {}),
    ...(instanceIdIn(job.statusReason) ? { host: instanceIdIn(job.statusReason) } : {}),
    ...(job.exitCode !== undefined ? { exitCode: job.exitCode } : {}),
    ...(job.statusReason ? { reason: job.statusReason } : {}),
    spotReclaim: isSpotReclaim(job.statusReason),
    current: true,
  };
  return [...ended, current];
}
