/**
 * When an output file is ready to upload. Pure: decides from two scans of the
 * output directories, taken some seconds apart, and what was already sent.
 *
 * GEOS-Chem writes one NetCDF file per collection and interval, appending time
 * slices to it, so a file is taken as finished when it stopped changing between
 * two scans, or when a newer file of the same collection appeared (the model
 * moved on). A file that changes again after it was uploaded is uploaded again;
 * the final pass, after the model exits, uploads everything not yet sent as it is.
 */

export interface FileState {
  size: number;
  mtimeMs: number;
}

/** Relative path -> state. */
export type Snapshot = ReadonlyMap<string, FileState>;

const TIME_STAMP = /\d{8}_\d{4}z/;

/** "GEOSChem.SpeciesConc.20190101_0000z.nc4" -> "GEOSChem.SpeciesConc.*.nc4"; names without a time stamp are their own collection. */
export function collectionOf(name: string): string {
  return name.replace(TIME_STAMP, '*');
}

function same(a: FileState | undefined, b: FileState | undefined): boolean {
  return a !== undefined && b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** The files to upload now, in name order. */
export function filesReadyToUpload(
  previous: Snapshot,
  current: Snapshot,
  uploaded: Snapshot,
  options: { final?: boolean; ignore?: Snapshot } = {},
): string[] {
  const newestOfCollection = new Map<string, string>();
  for (const name of current.keys()) {
    if (!TIME_STAMP.test(name)) continue;
    const collection = collectionOf(name);
    const newest = newestOfCollection.get(collection);
    // Time stamps sort as text, so the greatest name is the newest file.
    if (newest === undefined || name > newest) newestOfCollection.set(collection, name);
  }
  const ready: string[] = [];
  for (const [name, state] of current) {
    if (same(uploaded.get(name), state)) continue;
    // Files present before the model started and untouched since (the initial restart) are inputs.
    if (same(options.ignore?.get(name), state)) continue;
    const stable = same(previous.get(name), state);
    const superseded = TIME_STAMP.test(name) && newestOfCollection.get(collectionOf(name)) !== name;
    if (options.final || stable || superseded) ready.push(name);
  }
  return ready.sort();
}
