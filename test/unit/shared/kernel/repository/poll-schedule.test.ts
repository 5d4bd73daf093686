import { describe, expect, it } from '@jest/globals';
import {
  initialSchedule,
  MAX_POLL_INTERVAL_MS,
  overdueMs,
  POLL_BANDS,
  sameSchedule,
  scheduleAt,
  tickBetween,
  type PollSchedule,
} from '#shared/kernel/repository/poll-schedule.js';
import type { SimulationStatus } from '#shared/kernel/status.js';

const MIN = 60_000;
const since = Date.parse('2026-03-01T00:00:00Z');

/** Every tick of a simulation's schedule in its first `hours`, as minutes since it entered its status. */
function ticks(hours: number, status: SimulationStatus = 'RUNNING'): number[] {
  const found: number[] = [];
  for (let t = since; t <= since + hours * 60 * MIN; t += MIN) {
    if (tickBetween(scheduleAt(since, t, status), t - MIN, t)) found.push((t - since) / MIN);
  }
  return found;
}

describe('poll schedule', () => {
  it('backs off with the time in a status: 1, 2, 4 ... 10, 15 ... 30, 40 ... 120, then every 15 min', () => {
    expect(ticks(3)).toEqual([
      1, 2, 4, 6, 8, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 135, 150, 165, 180,
    ]);
  });

  it('polls a CANCELLING simulation at once, so a cancel whose event was lost still stops its job', () => {
    expect(initialSchedule(since, 'CANCELLING')).toEqual({ nextPollAt: since, pollIntervalMs: MIN });
    expect(ticks(0.5, 'CANCELLING')).toEqual([0, 1, 3, 5, 7, 9, 14, 19, 24, 29]);
  });

  it('starts a status with its first band, a minute on', () => {
    expect(initialSchedule(since, 'RUNNABLE')).toEqual({ nextPollAt: since + MIN, pollIntervalMs: MIN });
    expect(scheduleAt(since, since, 'RUNNABLE')).toEqual(initialSchedule(since, 'RUNNABLE'));
    expect(scheduleAt(since, since + 59_999, 'RUNNABLE')).toEqual(initialSchedule(since, 'RUNNABLE'));
  });

  it('changes band at 2, 10 and 30 min and 2 h, then renews the last band every 2 h', () => {
    const changes: number[] = [];
    let previous = scheduleAt(since, since, 'RUNNING');
    for (let t = since; t <= since + 8 * 60 * MIN; t += MIN) {
      const current = scheduleAt(since, t, 'RUNNING');
      if (!sameSchedule(previous, current)) changes.push((t - since) / MIN);
      previous = current;
    }
    expect(changes).toEqual([2, 10, 30, 120, 240, 360, 480]);
    expect(MAX_POLL_INTERVAL_MS).toBe(15 * MIN);
  });

  it('ends each band on one of its own ticks, so the poll that sees it end writes the next', () => {
    for (const band of POLL_BANDS) expect(band.lengthMs % band.intervalMs).toBe(0);
  });

  it('is due for a tick anywhere in the window since the previous run, whatever the runs missed', () => {
    const schedule: PollSchedule = { nextPollAt: since, pollIntervalMs: 10 * MIN };
    expect(tickBetween(schedule, since - 1, since)).toBe(true);
    expect(tickBetween(schedule, since, since + 9 * MIN)).toBe(false);
    expect(tickBetween(schedule, since + 9 * MIN, since + 10 * MIN)).toBe(true);
    // Three runs missed: the next run's window still holds the tick.
    expect(tickBetween(schedule, since + 7 * MIN, since + 11 * MIN)).toBe(true);
    expect(tickBetween(schedule, since - 10 * MIN, since - 1)).toBe(false);
  });

  it('polls an item written before bands existed at every run', () => {
    expect(tickBetween({ nextPollAt: since }, since + MIN, since + 2 * MIN)).toBe(true);
    expect(tickBetween({ nextPollAt: since + 3 * MIN }, since + MIN, since + 2 * MIN)).toBe(false);
  });

  it('counts a simulation overdue only once its band ended without a poll moving it on', () => {
    const first = initialSchedule(since, 'RUNNING');
    expect(overdueMs(first, since + 2 * MIN)).toBe(0);
    expect(overdueMs(first, since + 7 * MIN)).toBe(5 * MIN);
    const last = scheduleAt(since, since + 3 * 60 * MIN, 'RUNNING');
    expect(overdueMs(last, since + 4 * 60 * MIN - 1)).toBe(0);
    expect(overdueMs(last, since + 4 * 60 * MIN + 6 * MIN)).toBe(6 * MIN);
    // Without a band: how long ago its poll was due.
    expect(overdueMs({ nextPollAt: since }, since + 90_000)).toBe(90_000);
    // An interval no band has any more: nothing to measure until a poll rewrites it.
    expect(overdueMs({ nextPollAt: since, pollIntervalMs: 7 * MIN }, since + 600 * MIN)).toBe(0);
  });
});
