import { describe, expect, it } from '@jest/globals';
import {
  ACTIVE_STATUSES,
  POLLED_STATUSES,
  SIMULATION_STATUSES,
  canTransition,
  isTerminal,
  type SimulationStatus,
} from '#shared/kernel/status.js';

/**
 * Written out by hand from the design's status model (not derived from the
 * implementation's table), so a change to either shows up here.
 */
const DESIGN_EDGES: [SimulationStatus, SimulationStatus][] = [
  ['WAITING', 'PENDING'],
  ['WAITING', 'CANCELLED'],
  ['PENDING', 'WAITING'],
  ['PENDING', 'SUBMITTED'],
  ['SUBMITTED', 'RUNNABLE'],
  ['RUNNABLE', 'STARTING'],
  ['STARTING', 'RUNNING'],
  ['RUNNING', 'SUCCEEDED'],
  ['RUNNING', 'FAILED'],
  ['PENDING', 'CANCELLING'],
  ['SUBMITTED', 'CANCELLING'],
  ['RUNNABLE', 'CANCELLING'],
  ['STARTING', 'CANCELLING'],
  ['RUNNING', 'CANCELLING'],
  ['RETRYING', 'CANCELLING'],
  ['CANCELLING', 'CANCELLED'],
  ['RUNNABLE', 'TIMED_OUT'],
  ['STARTING', 'TIMED_OUT'],
  ['RUNNING', 'TIMED_OUT'],
  ['RUNNING', 'RETRYING'],
  ['RETRYING', 'RUNNABLE'],
  // A user's pause of a simulation with a job (issue 17 items 3-4): PAUSING while the poller
  // stops the job (a running checkpointed one at its next restart), WAITING (paused) once it ended.
  ['SUBMITTED', 'PAUSING'],
  ['RUNNABLE', 'PAUSING'],
  ['STARTING', 'PAUSING'],
  ['RUNNING', 'PAUSING'],
  ['RETRYING', 'PAUSING'],
  ['PAUSING', 'WAITING'],
  ['PAUSING', 'CANCELLING'],
];

/** Forward skips a poller can observe between two polls, and outcomes that overtake a cancel. */
const OBSERVED_SKIPS: [SimulationStatus, SimulationStatus][] = [
  ['PENDING', 'FAILED'],
  ['SUBMITTED', 'STARTING'],
  ['SUBMITTED', 'RUNNING'],
  ['SUBMITTED', 'SUCCEEDED'],
  ['SUBMITTED', 'FAILED'],
  ['RUNNABLE', 'RUNNING'],
  ['RUNNABLE', 'SUCCEEDED'],
  ['RUNNABLE', 'FAILED'],
  ['STARTING', 'SUCCEEDED'],
  ['STARTING', 'FAILED'],
  ['RETRYING', 'STARTING'],
  ['RETRYING', 'RUNNING'],
  ['RETRYING', 'SUCCEEDED'],
  ['RETRYING', 'FAILED'],
  ['RETRYING', 'TIMED_OUT'],
  ['CANCELLING', 'SUCCEEDED'],
  ['CANCELLING', 'FAILED'],
  // The job may end on its own before a pause stops it.
  ['PAUSING', 'SUCCEEDED'],
  ['PAUSING', 'FAILED'],
  ['PAUSING', 'TIMED_OUT'],
];

const allowed = new Set([...DESIGN_EDGES, ...OBSERVED_SKIPS].map(([a, b]) => `${a}->${b}`));
const allPairs = SIMULATION_STATUSES.flatMap((from) => SIMULATION_STATUSES.map((to) => [from, to] as const));

describe('status machine', () => {
  it.each(allPairs.filter(([a, b]) => allowed.has(`${a}->${b}`)))('allows %s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each(allPairs.filter(([a, b]) => !allowed.has(`${a}->${b}`)))('forbids %s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('knows exactly four terminal statuses, which have no way out', () => {
    const terminal = SIMULATION_STATUSES.filter(isTerminal);
    expect(terminal).toEqual(['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);
    for (const from of terminal) {
      expect(SIMULATION_STATUSES.filter((to) => canTransition(from, to))).toEqual([]);
    }
  });

  it('never moves back to PENDING (only a WAITING stage is released to it) and never stays in place', () => {
    for (const from of SIMULATION_STATUSES) {
      expect(canTransition(from, 'PENDING')).toBe(from === 'WAITING');
      expect(canTransition(from, from)).toBe(false);
    }
  });
});

describe('WAITING (a campaign stage not yet released)', () => {
  it('is active but never polled: it has no job until its predecessor releases it', () => {
    expect(ACTIVE_STATUSES).toContain('WAITING');
    expect(POLLED_STATUSES).not.toContain('WAITING');
    expect(POLLED_STATUSES).toEqual(ACTIVE_STATUSES.filter((s) => s !== 'WAITING'));
    expect(isTerminal('WAITING')).toBe(false);
  });
});

describe('PAUSING (a pause stopping a job)', () => {
  it('is polled, and never goes back to a running status: a resume goes through WAITING -> PENDING', () => {
    expect(POLLED_STATUSES).toContain('PAUSING');
    for (const to of ['SUBMITTED', 'RUNNABLE', 'STARTING', 'RUNNING', 'RETRYING', 'PENDING'] as const) {
      expect(canTransition('PAUSING', to)).toBe(false);
    }
    expect(canTransition('WAITING', 'PENDING')).toBe(true);
  });
});
