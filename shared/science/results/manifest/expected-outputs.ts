/**
 * The output files a run should have written, from its HISTORY.rc (or, when
 * the run directory is not stored, from the spec's diagnostics) and period;
 * and which of them are missing from what was actually stored.
 *
 * Time-averaged collections: a new file every `duration` from the start,
 * stamped at the file's start, written only when at least one whole averaging
 * interval (`frequency`) fits before the end. Instantaneous collections: one
 * record every `frequency` after the start, up to and including the end, a
 * new file every `duration`, stamped at its first record; 'End' means one
 * record at the end. A months-only span follows calendar month boundaries.
 */
import type { DiagnosticFrequency } from '#schemas/generated/types.js';
import type { CollectionSchedule } from './history-rc.js';
import { HEMCO_COLLECTION, RESTART_COLLECTION, historyFileName } from './file-names.js';
import { addSpan, hours, type Span } from './schedule.js';

export interface ExpectedOutput {
  collection: string;
  /** ISO 8601 UTC, as parsed from stored names. */
  timeStep: string;
  /** Key relative to the simulation's prefix, e.g. "outputs/GEOSChem.SpeciesConc.20190101_0000z.nc4". */
  expectedKey: string;
}

export interface Period {
  start: string;
  end: string;
}

/** The next boundary after `at`: months-only spans snap to the first of a month. */
function next(at: number, span: Exclude<Span, 'end'>): number {
  if (span.months > 0 && span.ms === 0) {
    const date = new Date(at);
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + span.months, 1);
  }
  return addSpan(at, span);
}

/** File stamps (ms) of one collection over [start, end). */
export function collectionFileTimes(schedule: CollectionSchedule, start: number, end: number): number[] {
  if (!(end > start)) return [];
  const { frequency, duration } = schedule;
  if (schedule.mode === 'instantaneous') {
    if (frequency === 'end') return [end];
    const stamps: number[] = [];
    let windowEnd = -Infinity;
    for (let t = next(start, frequency); t <= end; t = next(t, frequency)) {
      if (t >= windowEnd) {
        stamps.push(t);
        windowEnd = duration === 'end' ? Infinity : next(t, duration);
      }
    }
    return stamps;
  }
  if (frequency === 'end') return [start];
  if (duration === 'end') return next(start, frequency) <= end ? [start] : [];
  const stamps: number[] = [];
  for (let fileStart = start; fileStart < end; fileStart = next(fileStart, duration)) {
    if (next(fileStart, frequency) <= end) stamps.push(fileStart);
  }
  return stamps;
}

export function expectedOutputs(schedules: CollectionSchedule[], period: Period): ExpectedOutput[] {
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  return schedules.flatMap((schedule) =>
    collectionFileTimes(schedule, start, end).map((stamp) => {
      const date = new Date(stamp);
      return {
        collection: schedule.name,
        timeStep: `${date.toISOString().slice(0, 19)}Z`,
        expectedKey: `outputs/${historyFileName(schedule.name, date)}`,
      };
    }),
  );
}

const SPEC_SPANS: Record<DiagnosticFrequency, Span> = {
  hourly: hours(1),
  '3-hourly': hours(3),
  daily: hours(24),
  monthly: { months: 1, ms: 0 },
  end: 'end',
};

const AT_END: CollectionSchedule = {
  name: RESTART_COLLECTION,
  frequency: 'end',
  duration: 'end',
  mode: 'instantaneous',
};

/** What GEOS-Chem writes for the spec's diagnostics when the run's HISTORY.rc is not available. */
export function schedulesFromSpec(diagnostics: {
  collections: string[];
  frequency: DiagnosticFrequency;
}): CollectionSchedule[] {
  const span = SPEC_SPANS[diagnostics.frequency];
  return diagnostics.collections
    .filter((name) => name !== HEMCO_COLLECTION)
    .map((name) =>
      name === RESTART_COLLECTION ? AT_END : { name, frequency: span, duration: span, mode: 'time-averaged' },
    );
}

/**
 * What the demo model writes (containers/demo-model/src/schedule.ts): SpeciesConc,
 * hourly and 3-hourly records gathered in one file per 24 hours, and one
 * Restart at the end; it simulates no other collection.
 */
export function demoModelSchedules(diagnostics: {
  collections: string[];
  frequency: DiagnosticFrequency;
}): CollectionSchedule[] {
  const span = SPEC_SPANS[diagnostics.frequency];
  const perDay = diagnostics.frequency === 'hourly' || diagnostics.frequency === '3-hourly';
  const schedules: CollectionSchedule[] = [];
  if (diagnostics.collections.includes('SpeciesConc')) {
    schedules.push({
      name: 'SpeciesConc',
      frequency: span,
      duration: perDay ? hours(24) : span,
      mode: 'time-averaged',
    });
  }
  if (diagnostics.collections.includes(RESTART_COLLECTION)) schedules.push(AT_END);
  return schedules;
}

/** Expected outputs with no stored file of the same collection and time step. */
export function missingOutputs(
  expected: ExpectedOutput[],
  stored: { collection?: string; timeStep?: string }[],
): ExpectedOutput[] {
  const present = new Set(stored.map((file) => `${file.collection}|${file.timeStep}`));
  return expected.filter((output) => !present.has(`${output.collection}|${output.timeStep}`));
}
