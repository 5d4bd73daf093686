/**
 * Slurm's job states as the platform's simulation statuses. A node failure
 * or a preemption is not the run's fault: retryable (RETRYING), like a spot
 * reclaim on AWS Batch. A state this map does not know is an error, never a
 * guess: a newer Slurm may add one, and the agent should say so.
 */
import type { SimulationStatus } from '#schemas/generated/types.js';
import type { SlurmJobRecord } from './parse.js';

export interface SlurmStatus {
  status: SimulationStatus;
  /** Why, in words for the simulation's history (Slurm's reason or exit code). */
  reason: string;
  /** The job may be submitted again (node failure, preemption). */
  retryable: boolean;
  exitCode?: number;
}

/** Slurm reported a state the agent does not know. */
export class UnknownSlurmStateError extends Error {
  constructor(readonly state: string) {
    super(`unknown Slurm job state ${JSON.stringify(state)}`);
    this.name = new.target.name;
  }
}

const WAITING = new Set([
  'PENDING',
  'REQUEUED',
  'REQUEUE_HOLD',
  'REQUEUE_FED',
  'RESV_DEL_HOLD',
  'SPECIAL_EXIT',
]);
const RUNNING = new Set([
  'RUNNING',
  'COMPLETING',
  'SUSPENDED',
  'STOPPED',
  'SIGNALING',
  'STAGE_OUT',
  'RESIZING',
]);
const FAILED = new Set(['FAILED', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE']);
const RETRYABLE = new Set(['NODE_FAIL', 'PREEMPTED']);

export function slurmStatus(record: SlurmJobRecord): SlurmStatus {
  const { state } = record;
  const because = record.reason ? ` (${record.reason})` : '';
  if (WAITING.has(state))
    return { status: 'RUNNABLE', reason: `queued at the site: ${state}${because}`, retryable: false };
  if (state === 'CONFIGURING')
    return { status: 'STARTING', reason: 'the site is configuring its nodes', retryable: false };
  if (RUNNING.has(state))
    return { status: 'RUNNING', reason: `running at the site: ${state}${because}`, retryable: false };
  if (state === 'COMPLETED')
    return { status: 'SUCCEEDED', reason: 'the job completed', retryable: false, exitCode: 0 };
  if (FAILED.has(state)) {
    const how =
      record.exitCode !== undefined
        ? `exit code ${record.exitCode}`
        : record.signal !== undefined
          ? `signal ${record.signal}`
          : 'no exit code';
    return {
      status: 'FAILED',
      reason: `the job ended ${state}${because}: ${how}`,
      retryable: false,
      ...(record.exitCode !== undefined ? { exitCode: record.exitCode } : {}),
    };
  }
  if (state === 'TIMEOUT')
    return { status: 'TIMED_OUT', reason: 'the job reached its Slurm time limit', retryable: false };
  if (state === 'CANCELLED')
    return { status: 'CANCELLED', reason: 'the job was cancelled at the site', retryable: false };
  if (RETRYABLE.has(state))
    return { status: 'RETRYING', reason: `the site ended the job: ${state}`, retryable: true };
  throw new UnknownSlurmStateError(state);
}
