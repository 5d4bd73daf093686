/**
 * Estimated sizes of GEOS-Chem input files, computed from what HEMCO reads
 * from them (variables, 2-D or 3-D) and their grid and time slices, with the
 * figures of size-model.json (float32, deflate ratio, levels). Approximate by
 * design: docs/INPUTS-AND-ESTIMATES.md states the basis.
 */
import sizeModel from './size-model.json' with { type: 'json' };
import { parseTimeAttribute } from './hemco-dates.js';

interface CollectionInfo {
  stepsPerDay: number;
  basis: string;
  edges?: boolean;
}

const COLLECTIONS = sizeModel.metCollections as Record<string, CollectionInfo>;
const GRID_CELLS = sizeModel.gridCells as Record<string, number[]>;
const BYTES = sizeModel.bytesPerValue * sizeModel.compressionRatio;
const INVENTORY_BYTES = sizeModel.bytesPerValue * sizeModel.inventoryCompressionRatio;

/** GEOS-Chem's short grid codes in file names ("2x25") -> the grid ("2x2.5"). */
const GRID_CODES: Record<string, string> = {
  '4x5': '4x5',
  '2x25': '2x2.5',
  '05x0625': '0.5x0.625',
  '025x03125': '0.25x0.3125',
  '0125x015625': '0.125x0.15625',
  '01x01': '0.1x0.1',
  '025x025': '0.25x0.25',
  '05x05': '0.5x0.5',
  '1x1': '1x1',
  '2x2': '2x2',
};

export const SIZE_MODEL_BASIS =
  `sizes are computed as variables x levels x time slices x grid cells x ${sizeModel.bytesPerValue} bytes x ` +
  `compression: met ${sizeModel.compressionRatio} (${sizeModel.compressionBasis}), inventories ` +
  `${sizeModel.inventoryCompressionRatio} (${sizeModel.inventoryCompressionBasis}); met files have ${sizeModel.metLevels} levels ` +
  `(${sizeModel.metLevelsBasis}); ${sizeModel.defaultInventoryGridBasis}`;

/** Cells of a grid name ("2x2.5", "0.1x0.1", GEOS-Chem codes like "05x0625"), or undefined. */
export function gridCells(grid: string): number | undefined {
  const named = GRID_CELLS[GRID_CODES[grid] ?? grid];
  if (named) return named[0]! * named[1]!;
  const match = /^(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)$/.exec(grid);
  if (!match) return undefined;
  const [dlat, dlon] = [Number(match[1]), Number(match[2])];
  if (!(dlat > 0 && dlon > 0)) return undefined;
  return Math.round(180 / dlat) * Math.round(360 / dlon);
}

/** The met collection a file belongs to ("A1", "A3dyn", "CN", "A1dyn" ...), from its name. */
export function metCollectionOf(fileName: string): string | undefined {
  return fileName.split('.').find((part) => part in COLLECTIONS);
}

export function metCollectionInfo(collection: string): CollectionInfo | undefined {
  return COLLECTIONS[collection];
}

export interface VariableRead {
  /** "xy" for 2-D, "xyz" for 3-D. */
  dims: string;
}

/** Bytes of one daily (or constant) met file from the variables HEMCO reads from it. */
export function metFileBytes(key: string, variables: readonly VariableRead[]): number | undefined {
  const fileName = key.split('/').pop() ?? key;
  const collection = metCollectionOf(fileName);
  const info = collection ? COLLECTIONS[collection] : undefined;
  const grid = /GEOS_([0-9.x]+)\//.exec(key)?.[1] ?? fileName.split('.').find((part) => part in GRID_CODES);
  const cells = grid ? gridCells(grid) : undefined;
  if (!info || !cells) return undefined;
  const levels = info.edges ? sizeModel.metEdgeLevels : sizeModel.metLevels;
  const values = variables.reduce((sum, v) => sum + (v.dims.startsWith('xyz') ? levels : 1), 0);
  return Math.round(values * info.stepsPerDay * cells * BYTES);
}

/** The grid a HEMCO file's path states ("0.1x0.1", "0pt1degree", "2x25" ...), or the default. */
export function inventoryGrid(path: string): string {
  if (/0pt1deg/i.test(path)) return '0.1x0.1';
  const name = path.split('/').pop() ?? path;
  for (const text of [name, path]) {
    for (const match of text.matchAll(/(?<![0-9])(\d+(?:\.\d+)?x\d+(?:\.\d+)?)(?![0-9])/g)) {
      const grid = match[1]!;
      if (gridCells(grid) !== undefined) return grid;
    }
  }
  return sizeModel.defaultInventoryGrid;
}

/**
 * Time slices in one file: the attribute's year, month and hour ranges for
 * the date parts the path does not fix (a file without $YYYY holds every
 * year of the range, one without $MM the months). A day range counts as one
 * slice (HEMCO's "1-31" means "whichever days the file has", often 8-day or
 * monthly data); hours are divided by the flag's step ("RFY3": 3-hourly).
 */
export function timeSlices(path: string, time: string, flag = ''): number {
  const attribute = parseTimeAttribute(time);
  const span = (range: [number, number] | undefined): number => (range ? range[1] - range[0] + 1 : 1);
  const hourStep = Number(/(\d+)$/.exec(flag)?.[1] ?? 1) || 1;
  let slices = 1;
  if (!path.includes('$YYYY')) slices *= Math.min(span(attribute.years), 50);
  if (!path.includes('$MM')) slices *= span(attribute.months);
  if (!path.includes('$HH')) slices *= Math.max(1, Math.round(span(attribute.hours) / hourStep));
  return slices;
}

/** Bytes of one HEMCO input file (emissions, scale factors, non-emissions data). */
export function inventoryFileBytes(
  path: string,
  reads: readonly { dims: string; time: string; flag: string; sourceVar: string }[],
): number {
  if (/\.(rc|dat|txt|csv|yml)$/.test(path)) return 100_000; // small text tables
  const cells = gridCells(inventoryGrid(path)) ?? 64_800;
  const seen = new Set<string>();
  let values = 0;
  for (const read of reads) {
    if (seen.has(read.sourceVar)) continue;
    seen.add(read.sourceVar);
    const levels = read.dims.startsWith('xyz') ? sizeModel.inventoryLevels : 1;
    values += levels * timeSlices(path, read.time, read.flag);
  }
  return Math.round(Math.max(values, 1) * cells * INVENTORY_BYTES);
}

export const CHEMISTRY_DIRECTORIES = sizeModel.chemistryDirectories as Record<
  string,
  { bytes: number; basis: string }
>;
export const RESTART_BYTES = sizeModel.restartBytes as Record<string, number | string>;

const CHEMISTRY_FILES = sizeModel.chemistryFiles as unknown as Record<
  string,
  { bytes: number; basis: string }
>;

/** Bytes of one chemistry table or extension look-up table, by the directory in its key (size-model.json chemistryFiles). */
export function chemistryFileBytes(key: string): { bytes: number; basis: string } {
  const directory = key.split('/').find((segment) => segment !== '_about' && segment in CHEMISTRY_FILES);
  return CHEMISTRY_FILES[directory ?? 'default']!;
}
