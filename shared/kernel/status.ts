/**
 * The simulation status machine. A status only moves forward; every move is
 * checked here before the repository writes it (conditionally, on a version).
 */
import type { SimulationStatus } from '#schemas/generated/types.js';
import { simulationStatusSchema } from '#schemas/generated/schemas.js';

export type { SimulationStatus };

/** The statuses, in lifecycle order, from the contract in schemas/common/simulation-status.schema.json. */
export const SIMULATION_STATUSES: readonly SimulationStatus[] = simulationStatusSchema.enum;

export const TERMINAL_STATUSES: ReadonlySet<SimulationStatus> = new Set([
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'TIMED_OUT',
]);

/**
 * Allowed moves. Besides the brief's edges, a poller may observe a later state of
 * the same attempt directly (a job can go SUBMITTED -> RUNNING between two polls, or
 * fail before it starts), so forward skips within an attempt are allowed; nothing
 * ever moves back except RETRYING -> RUNNABLE, which starts a new attempt.
 */
const TRANSITIONS: Record<SimulationStatus, readonly SimulationStatus[]> = {
  // A campaign's later stage, a held ensemble member or a paused simulation: released (its
  // predecessor ended, its ensemble resumed, a resume) or cancelled (its campaign stopped, a cancel).
  WAITING: ['PENDING', 'CANCELLED'],
  // WAITING: held before a job was submitted (it has none): an ensemble member by its
  // ensemble's pause, or a simulation by its own.
  PENDING: ['SUBMITTED', 'FAILED', 'CANCELLING', 'WAITING'],
  // PAUSING, from any status with a job: the poller stops the job (a running checkpointed one at its next restart).
  SUBMITTED: ['RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLING', 'PAUSING'],
  RUNNABLE: ['STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLING', 'PAUSING'],
  STARTING: ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLING', 'PAUSING'],
  RUNNING: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'RETRYING', 'CANCELLING', 'PAUSING'],
  RETRYING: ['RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLING', 'PAUSING'],
  // WAITING once the job it stopped has ended (paused); the job may finish or fail on its own
  // first, and a cancel overrides the pause.
  PAUSING: ['WAITING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLING'],
  // A job may finish on its own before the terminate request reaches it: report what happened.
  CANCELLING: ['CANCELLED', 'SUCCEEDED', 'FAILED'],
  SUCCEEDED: [],
  FAILED: [],
  CANCELLED: [],
  TIMED_OUT: [],
};

export function isTerminal(status: SimulationStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

export function isSimulationStatus(value: unknown): value is SimulationStatus {
  return typeof value === 'string' && (SIMULATION_STATUSES as readonly string[]).includes(value);
}

export function canTransition(from: SimulationStatus, to: SimulationStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Statuses of simulations that have not ended: everything not terminal, WAITING included. */
export const ACTIVE_STATUSES: readonly SimulationStatus[] = SIMULATION_STATUSES.filter((s) => !isTerminal(s));

/**
 * Statuses the execution poller has to look at: the active ones but WAITING,
 * which has no job and moves on only when its predecessor's end releases it
 * (docs/CAMPAIGNS.md).
 */
export const POLLED_STATUSES: readonly SimulationStatus[] = ACTIVE_STATUSES.filter((s) => s !== 'WAITING');
