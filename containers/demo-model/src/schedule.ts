/**
 * When the demo model writes what: the diagnostic intervals of the spec's
 * frequency over its period and the files they go into, named the way
 * GEOS-Chem's HISTORY names them (GEOSChem.<Collection>.YYYYMMDD_hhmmz.nc4,
 * stamped with the time the file's first interval starts).
 *
 * - hourly, 3-hourly: one file per 24 simulated hours from the start (one per
 *   day for a run starting at 00z), holding that day's intervals;
 * - daily: one file per day, one interval each;
 * - monthly: intervals end at month boundaries (the first one runs from the
 *   start to the first boundary); one file each;
 * - end: one interval, the whole run, one file.
 *
 * Only whole intervals are written (as in GEOS-Chem, a run that stops inside
 * an interval does not write it). Each interval is stamped at its start in
 * "minutes since" the file's first interval.
 */
import type { DiagnosticFrequency } from '#schemas/generated/types.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface DiagnosticInterval {
  /** Position over the whole run, from 0. */
  index: number;
  start: Date;
  end: Date;
  /** Index of the file the interval is written to, and its position there. */
  file: number;
  record: number;
}

export interface DiagnosticFile {
  /** e.g. "GEOSChem.SpeciesConc.20190101_0000z.nc4". */
  name: string;
  /** Reference time of the file ("minutes since ..."): its first interval's start. */
  reference: Date;
  intervals: DiagnosticInterval[];
}

export interface DiagnosticPlan {
  intervals: DiagnosticInterval[];
  files: DiagnosticFile[];
}

/** "20190101_0000z" for 2019-01-01T00:00Z. */
export function fileStamp(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}_${iso.slice(11, 13)}${iso.slice(14, 16)}z`;
}

/** GEOS-Chem's file name for a collection at a time: GEOSChem.<collection>.YYYYMMDD_hhmmz.nc4. */
export function collectionFileName(collection: string, date: Date): string {
  return `GEOSChem.${collection}.${fileStamp(date)}.nc4`;
}

/** "2019-01-01 00:00:00" (the form of GEOS-Chem's "minutes since" units). */
export function unitsStamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** The intervals and files of a time-averaged collection over [start, end). */
export function planDiagnostics(
  collection: string,
  start: Date,
  end: Date,
  frequency: DiagnosticFrequency,
): DiagnosticPlan {
  const bounds: [number, number][] = [];
  const t0 = start.getTime();
  const t1 = end.getTime();
  if (frequency === 'end') {
    if (t1 > t0) bounds.push([t0, t1]);
  } else if (frequency === 'monthly') {
    let from = t0;
    for (;;) {
      const at = new Date(from);
      const to = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1);
      if (to > t1) break;
      bounds.push([from, to]);
      from = to;
    }
  } else {
    const step = { hourly: 1, '3-hourly': 3, daily: 24 }[frequency] * HOUR_MS;
    for (let from = t0; from + step <= t1; from += step) bounds.push([from, from + step]);
  }

  const files: DiagnosticFile[] = [];
  const intervals: DiagnosticInterval[] = [];
  const perDayFile = frequency === 'hourly' || frequency === '3-hourly';
  let currentKey: number | undefined;
  bounds.forEach(([from, to], index) => {
    const key = perDayFile ? Math.floor((from - t0) / DAY_MS) : index;
    if (key !== currentKey) {
      files.push({
        name: collectionFileName(collection, new Date(from)),
        reference: new Date(from),
        intervals: [],
      });
      currentKey = key;
    }
    const file = files.length - 1;
    const interval: DiagnosticInterval = {
      index,
      start: new Date(from),
      end: new Date(to),
      file,
      record: files[file]!.intervals.length,
    };
    files[file]!.intervals.push(interval);
    intervals.push(interval);
  });
  return { intervals, files };
}
