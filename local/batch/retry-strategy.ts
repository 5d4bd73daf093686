/**
 * Batch's retry decision for a failed attempt (RetryStrategy in the Batch API):
 * - `attempts` (1..10, default 1) is the number of times the job may be moved
 *   to RUNNABLE; a failed attempt is retried while attempts remain;
 * - `evaluateOnExit` (up to 5 entries) is checked in order; the first entry
 *   whose given conditions all match decides (RETRY or EXIT, case-insensitive);
 *   if no entry matches, the job is retried;
 * - conditions are glob patterns: `onStatusReason` against the attempt's
 *   statusReason, `onReason` against the container's reason, `onExitCode`
 *   against the exit code in decimal. Batch documents an optional trailing `*`;
 *   here `*` matches any run of characters wherever it stands. A value the
 *   attempt does not have (e.g. no exit code after a host loss) is matched as
 *   the empty string, so only `*` matches it.
 *
 * Jobs stopped by TerminateJob or by their attempt timeout are never retried
 * (Batch's documented behaviour); the runner does not ask this module then.
 */
import type { EvaluateOnExit, RetryStrategy } from './types.js';

export interface AttemptOutcome {
  statusReason?: string;
  reason?: string;
  exitCode?: number;
}

export function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(value);
}

function entryMatches(entry: EvaluateOnExit, outcome: AttemptOutcome): boolean {
  if (entry.onStatusReason !== undefined && !globMatches(entry.onStatusReason, outcome.statusReason ?? '')) {
    return false;
  }
  if (entry.onReason !== undefined && !globMatches(entry.onReason, outcome.reason ?? '')) return false;
  if (
    entry.onExitCode !== undefined &&
    !globMatches(entry.onExitCode, outcome.exitCode === undefined ? '' : String(outcome.exitCode))
  ) {
    return false;
  }
  return true;
}

/**
 * Whether a failed attempt (1-based `attempt`) is retried under `strategy`.
 */
export function shouldRetry(
  strategy: RetryStrategy | undefined,
  attempt: number,
  outcome: AttemptOutcome,
): boolean {
  const attempts = strategy?.attempts ?? 1;
  if (attempt >= attempts) return false;
  for (const entry of strategy?.evaluateOnExit ?? []) {
    if (entryMatches(entry, outcome)) return entry.action.toUpperCase() === 'RETRY';
  }
  return true;
}
