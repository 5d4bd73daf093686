import type { SimulationStatus } from '../status.js';

/**
 * When the execution finder asks the poller to look at an active simulation.
 *
 * Polls back off with the time a simulation has spent in its status: ticks
 * at 1 min (at once for CANCELLING), then every 2 min to 10 min, every 5 min to 30 min, every 10 min to
 * 2 h, then every 15 min; PAUSING at every finder run (PAUSING_BANDS). AWS Batch's state-change events are the fast path;
 * polls only reconcile what an event missed, so a long run needs few of them.
 *
 * The schedule is stored as its current band: `nextPollAt` (the StatusIndex
 * sort key, the band's first tick) and `pollIntervalMs` (the band's interval).
 * The finder computes the ticks from those two and publishes a simulation when
 * one fell since its previous run. So a poll that changes nothing writes
 * nothing; only moving to the next band is a write (at 2, 10 and 30 min and 2 h
 * in a status, then once every 2 h, which renews the last band). That write is
 * also the finder's evidence that polls happen: a band that ended without
 * being moved on is an overdue poll (`overdueMs`).
 */

export interface PollSchedule {
  /** Epoch ms: the first tick of the current band. */
  nextPollAt: number;
  /** The band's interval; absent on items written before schedules had bands (polled every run). */
  pollIntervalMs?: number;
}

interface Band {
  intervalMs: number;
  lengthMs: number;
}

const MINUTE = 60_000;

/**
 * The first poll comes this long after a simulation enters a status; at once
 * (the finder's next run) for CANCELLING, so a cancel whose event was lost
 * still stops its job, and its bill, within the finder's period; and for
 * PAUSING, whose queued job is stopped at once.
 */
export function firstPollAfterMs(status: SimulationStatus): number {
  return status === 'CANCELLING' || status === 'PAUSING' ? 0 : MINUTE;
}

/**
 * The bands, in order, from the first poll on. Each length is a multiple
 * of its interval, so the end of a band is a tick: the poll that sees the
 * band end is the one that writes the next. The last band repeats.
 */
export const POLL_BANDS: readonly Band[] = [
  { intervalMs: MINUTE, lengthMs: MINUTE },
  { intervalMs: 2 * MINUTE, lengthMs: 8 * MINUTE },
  { intervalMs: 5 * MINUTE, lengthMs: 20 * MINUTE },
  { intervalMs: 10 * MINUTE, lengthMs: 90 * MINUTE },
  { intervalMs: 15 * MINUTE, lengthMs: 120 * MINUTE },
];

/**
 * PAUSING: a tick every second, so every finder run polls it. Only a poll sees
 * the restart file that stops a paused run (nothing announces it), and the job
 * runs on, paid for, until then; a pause lasts one checkpoint interval at most.
 */
export const PAUSING_BANDS: readonly Band[] = [{ intervalMs: 1_000, lengthMs: 120 * MINUTE }];

function bandsFor(status: SimulationStatus): readonly Band[] {
  return status === 'PAUSING' ? PAUSING_BANDS : POLL_BANDS;
}

/** The longest time between two ticks: a finder that was down longer polls everything once. */
export const MAX_POLL_INTERVAL_MS = POLL_BANDS[POLL_BANDS.length - 1]!.intervalMs;

/** The schedule a simulation gets when it enters `status` at `statusSince`. */
export function initialSchedule(statusSince: number, status: SimulationStatus): Required<PollSchedule> {
  return {
    nextPollAt: statusSince + firstPollAfterMs(status),
    pollIntervalMs: bandsFor(status)[0]!.intervalMs,
  };
}

/** The band `now` falls in, for a simulation in `status` since `statusSince`. */
export function scheduleAt(
  statusSince: number,
  now: number,
  status: SimulationStatus,
): Required<PollSchedule> {
  let start = statusSince + firstPollAfterMs(status);
  const bands = bandsFor(status);
  for (const [i, band] of bands.entries()) {
    const last = i === bands.length - 1;
    if (last && now >= start + band.lengthMs) {
      start += Math.floor((now - start) / band.lengthMs) * band.lengthMs;
    }
    if (last || now < start + band.lengthMs) return { nextPollAt: start, pollIntervalMs: band.intervalMs };
    start += band.lengthMs;
  }
  throw new Error('unreachable: the last band always matches');
}

function bandOf(schedule: PollSchedule): Band | undefined {
  return [...POLL_BANDS, ...PAUSING_BANDS].find((band) => band.intervalMs === schedule.pollIntervalMs);
}

/** Whether a tick of `schedule` falls in (from, to]: the finder's window since its previous run. */
export function tickBetween(schedule: PollSchedule, from: number, to: number): boolean {
  if (schedule.nextPollAt > to) return false;
  // Written before bands existed: due at every run until a poll writes a band.
  if (!schedule.pollIntervalMs || schedule.pollIntervalMs <= 0) return true;
  const elapsed = to - schedule.nextPollAt;
  const lastTick = to - (elapsed % schedule.pollIntervalMs);
  return lastTick > from;
}

/**
 * How late the poller is with this simulation: the time since its band ended
 * without a poll moving it on (0 while the band runs). Without a band, the
 * time since `nextPollAt` (a PENDING simulation not yet submitted, an item from
 * before bands existed).
 */
export function overdueMs(schedule: PollSchedule, now: number): number {
  if (!schedule.pollIntervalMs) return Math.max(0, now - schedule.nextPollAt);
  const band = bandOf(schedule);
  // An interval no band has (the bands changed since it was written): the next poll rewrites it.
  if (!band) return 0;
  return Math.max(0, now - (schedule.nextPollAt + band.lengthMs));
}

/** Whether two schedules are the same band (so nothing needs writing). */
export function sameSchedule(a: PollSchedule, b: PollSchedule): boolean {
  return a.nextPollAt === b.nextPollAt && (a.pollIntervalMs ?? 0) === (b.pollIntervalMs ?? 0);
}
