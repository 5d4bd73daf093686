/**
 * Restart files in run directories: their names and times, mid-run
 * checkpoints in HISTORY.rc, and the edits that make a run directory start
 * from a restart (a retried attempt resuming from its predecessor's latest
 * checkpoint, or a campaign stage from the stage before it).
 *
 * GEOS-Chem names restarts by the model time they hold:
 * `GEOSChem.Restart.YYYYMMDD_hhmmz.nc4` (GCHP adds the cube size,
 * `...z.c24.nc4`). GC Classic reads its initial restart through HEMCO's
 * GC_RESTART entry, `./Restarts/GEOSChem.Restart.$YYYY$MM$DD_$HH$MNz.nc4`
 * at the start date, so a run starts from a restart when the file is in
 * Restarts/ under the start time's name and geoschem_config.yml's start_date
 * is that time. GCHP reads its start from cap_restart.
 */
import { substitute } from './text-edits.js';

/** A restart file's name: collection, stamp, optional cube size. */
const RESTART_NAME = /^GEOSChem\.Restart\.(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})z(?:\.c\d+)?\.nc4$/;

/** The directory GEOS-Chem reads its initial restart from and writes restarts to. */
export const RESTARTS_DIRECTORY = 'Restarts';

/** The model time a restart file holds, from its name; undefined for any other name. */
export function restartTimeOf(fileName: string): Date | undefined {
  const match = RESTART_NAME.exec(fileName);
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match.map(Number) as number[];
  const time = Date.UTC(y!, mo! - 1, d!, h!, mi!);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/** "GEOSChem.Restart.20190701_0000z.nc4" for 2019-07-01T00:00Z. */
export function restartFileName(time: Date): string {
  const iso = time.toISOString();
  return `GEOSChem.Restart.${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}_${iso.slice(11, 13)}${iso.slice(14, 16)}z.nc4`;
}

/** "2019-07-01T06:00Z": how history entries name a model time. */
export function modelTimeText(time: Date): string {
  return `${time.toISOString().slice(0, 16)}Z`;
}

/**
 * How a history entry and a job's status say where a retried attempt starts:
 * "resumed from model time 2019-07-01T06:00Z (restart of attempt 1)", or from
 * the beginning when no earlier attempt left a restart.
 */
export function resumeNote(point: { name: string; time: Date; attempt?: number } | undefined): string {
  if (!point) return 'no restart written yet: the attempt starts from the beginning';
  const writer =
    point.attempt !== undefined ? `restart of attempt ${point.attempt}` : `restart ${point.name}`;
  return `resumed from model time ${modelTimeText(point.time)} (${writer})`;
}

/**
 * The latest restart strictly inside (start, end): the one a resumed run
 * starts from. A restart at the start is the run's own initial restart and
 * one at the end means the run had finished; neither is a place to resume.
 */
export function latestRestart<T extends { name: string }>(
  files: readonly T[],
  period: { start: Date; end: Date },
): (T & { time: Date }) | undefined {
  let best: (T & { time: Date }) | undefined;
  for (const file of files) {
    const time = restartTimeOf(file.name);
    if (!time || time <= period.start || time >= period.end) continue;
    if (!best || time > best.time) best = { ...file, time };
  }
  return best;
}

/** HISTORY.rc with the Restart collection written every `interval` ("YYYYMMDD hhmmss") instead of at the end. */
export function setRestartInterval(history: string, interval: string): string {
  let text = substitute(history, /^(\s*Restart\.frequency:\s*)'[^']*'/, `$1'${interval}'`);
  text = substitute(text, /^(\s*Restart\.duration:\s*)'[^']*'/, `$1'${interval}'`);
  return text;
}

/** What makes a run directory start from a restart file. */
export interface RunDirectoryStart {
  /** The run directory's files with the start moved (only those that changed). */
  files: Record<string, string>;
  /** Where the restart file goes, relative to the run directory. */
  initialRestartPath: string;
}

function stamp(time: Date): [string, string] {
  const iso = time.toISOString();
  return [
    `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`,
    `${iso.slice(11, 13)}${iso.slice(14, 16)}00`,
  ];
}

/**
 * The edits that start a run directory at `time` from a restart file:
 * geoschem_config.yml's start_date (and GCHP's cap_restart) moved to the
 * restart's time, the restart placed where GEOS-Chem reads the initial one.
 * The end stays. Throws when the files hold no start to move or the time is
 * not before the end.
 */
export function startFromRestart(
  files: Readonly<Record<string, string>>,
  restart: { name: string; time: Date },
  model: 'gcclassic' | 'gchp' = 'gcclassic',
): RunDirectoryStart {
  const config = files['geoschem_config.yml'];
  if (config === undefined) throw new Error('the run directory has no geoschem_config.yml');
  const [date, time] = stamp(restart.time);
  const startLine = /^(\s*start_date:\s*)\[\s*\d{8},\s*\d{6}\s*\]/m;
  if (!startLine.test(config)) throw new Error('geoschem_config.yml has no start_date to move');
  const end = /^\s*end_date:\s*\[\s*(\d{8}),\s*(\d{6})\s*\]/m.exec(config);
  if (end && `${end[1]}${end[2]}` <= `${date}${time}`) {
    throw new Error(`the restart's time ${modelTimeText(restart.time)} is not before the run's end`);
  }
  const changed: Record<string, string> = {
    'geoschem_config.yml': config.replace(startLine, `$1[${date}, ${time}]`),
  };
  if (model === 'gchp' || files['cap_restart'] !== undefined) changed['cap_restart'] = `${date} ${time}\n`;
  // GC Classic finds the restart by the start's stamp; GCHP's name keeps its cube size.
  const name = model === 'gchp' ? restart.name : restartFileName(restart.time);
  return { files: changed, initialRestartPath: `${RESTARTS_DIRECTORY}/${name}` };
}
