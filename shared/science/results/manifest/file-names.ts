/**
 * What a GEOS-Chem output is, from its file name alone: GC Classic and GCHP
 * HISTORY collections (GEOSChem.<Collection>.YYYYMMDD_hhmmz.nc4, GCHP also as
 * GCHP.<Collection>...), restarts (GEOSChem.Restart..., GCHP's
 * gcchem_internal_checkpoint...) and HEMCO diagnostics
 * (HEMCO_diagnostics.YYYYMMDDhhmm.nc).
 */

export type OutputKind = 'diagnostic' | 'restart' | 'hemco-diagnostic' | 'other';

export interface ParsedOutputName {
  kind: OutputKind;
  collection?: string;
  /** The time stamp in the name, ISO 8601 UTC ("2019-01-01T00:00:00Z"). */
  timeStep?: string;
}

export const HEMCO_COLLECTION = 'HEMCO_diagnostics';
export const RESTART_COLLECTION = 'Restart';

const HISTORY_FILE = /^(?:GEOSChem|GCHP)\.([A-Za-z][A-Za-z0-9_]*)\.(\d{8})_(\d{4})z\.nc4?$/;
const GCHP_CHECKPOINT = /^gcchem_internal_checkpoint\.(\d{8})_(\d{4})z\.nc4?$/;
const HEMCO_FILE = /^HEMCO_diagnostics\.(\d{8})(\d{4})\.nc4?$/;

/** "20190101", "0030" -> "2019-01-01T00:30:00Z"; undefined when not a real date. */
export function stampToIso(day: string, time: string): string | undefined {
  const iso = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T${time.slice(0, 2)}:${time.slice(2, 4)}:00Z`;
  const parsed = new Date(iso);
  // Date accepts "2019-02-30"; round-tripping refuses it.
  return Number.isNaN(parsed.getTime()) || parsed.toISOString() !== iso.replace('Z', '.000Z')
    ? undefined
    : iso;
}

/** "2019-01-01T00:00:00Z" -> "20190101_0000z", the stamp of HISTORY file names. */
export function historyStamp(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}_${iso.slice(11, 13)}${iso.slice(14, 16)}z`;
}

/** GEOS-Chem's name for a collection file: GEOSChem.<collection>.YYYYMMDD_hhmmz.nc4. */
export function historyFileName(collection: string, date: Date): string {
  return `GEOSChem.${collection}.${historyStamp(date)}.nc4`;
}

/** Parses the base name of an output (directories in `name` are ignored). */
export function parseOutputName(name: string): ParsedOutputName {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const history = HISTORY_FILE.exec(base);
  if (history) {
    const timeStep = stampToIso(history[2]!, history[3]!);
    if (timeStep) {
      const collection = history[1]!;
      return { kind: collection === RESTART_COLLECTION ? 'restart' : 'diagnostic', collection, timeStep };
    }
  }
  const checkpoint = GCHP_CHECKPOINT.exec(base);
  if (checkpoint) {
    const timeStep = stampToIso(checkpoint[1]!, checkpoint[2]!);
    if (timeStep) return { kind: 'restart', collection: RESTART_COLLECTION, timeStep };
  }
  const hemco = HEMCO_FILE.exec(base);
  if (hemco) {
    const timeStep = stampToIso(hemco[1]!, hemco[2]!);
    if (timeStep) return { kind: 'hemco-diagnostic', collection: HEMCO_COLLECTION, timeStep };
  }
  return { kind: 'other' };
}

/** Whether a file is NetCDF by its name (.nc, .nc4). */
export function isNetcdfName(name: string): boolean {
  return /\.nc4?$/i.test(name);
}

const CONTENT_TYPES: [RegExp, string][] = [
  [/\.nc4?$/i, 'application/x-netcdf'],
  [/\.json$/i, 'application/json'],
  [/\.(ya?ml)$/i, 'application/yaml'],
  [/\.(log|txt|rc|out|err)$/i, 'text/plain'],
  [/\.png$/i, 'image/png'],
  [/\.csv$/i, 'text/csv'],
];

/** Content type of an output by its extension; application/octet-stream when unknown. */
export function contentTypeFor(name: string): string {
  return CONTENT_TYPES.find(([pattern]) => pattern.test(name))?.[1] ?? 'application/octet-stream';
}
