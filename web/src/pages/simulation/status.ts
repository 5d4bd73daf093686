/**
 * How a simulation's status reads on its page: colour (never alone: the text
 * goes with it), whether it can still change, and what a spot reclaim looks
 * like in the reasons the execution poller records.
 */
import type { SimulationStatus } from '#schemas/generated/types.js';

export { isTerminal, statusLabel, TERMINAL_STATUSES } from '../../components/status.js';

/** The statuses a run can be retried from (SUCCEEDED needs no retry). */
export const RETRYABLE_STATUSES: readonly SimulationStatus[] = ['FAILED', 'CANCELLED', 'TIMED_OUT'];

const COLOR: Record<SimulationStatus, string> = {
  WAITING: 'grape',
  PENDING: 'gray',
  SUBMITTED: 'gray',
  RUNNABLE: 'yellow',
  STARTING: 'cyan',
  RUNNING: 'blue',
  RETRYING: 'orange',
  PAUSING: 'orange',
  CANCELLING: 'orange',
  SUCCEEDED: 'green',
  FAILED: 'red',
  CANCELLED: 'dark',
  TIMED_OUT: 'red',
};

export function statusColor(status: SimulationStatus): string {
  return COLOR[status];
}

/**
 * True when an attempt's reason says its host went away under it: AWS Batch
 * reports a spot reclaim as "Host EC2 (instance i-...) terminated." and the
 * poller's retry reason names spot interruptions or host loss.
 */
export function isSpotReclaim(reason: string | undefined): boolean {
  if (!reason) return false;
  return /spot|reclaim|interrupt|host ec2 .*terminated|host (was )?lost|host loss/i.test(reason);
}

/** The EC2 instance a Batch reason names, e.g. "Host EC2 (instance i-0abc) terminated." -> "i-0abc". */
export function instanceIdIn(reason: string | undefined): string | undefined {
  return reason?.match(/\b(i-[0-9a-f]{8,17})\b/)?.[1];
}
