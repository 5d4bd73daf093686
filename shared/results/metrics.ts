/**
 * Summary metrics of a GEOS-Chem NetCDF-4 file (output, restart or HEMCO
 * diagnostics; GC Classic lat-lon or GCHP cubed-sphere), for the results
 * processor and `gcr inspect`.
 *
 * For every data variable (coordinates, bounds, hybrid level coefficients,
 * grid geometry and the cell-area variable are left out): its dimensions,
 * units, the count of valid values (not `_FillValue`, not `missing_value`,
 * not NaN), their minimum, maximum and mean; and, when the file has a cell
 * area (`AREA`, or GCHP's `Met_AREAM2`, in m2) on the variable's horizontal
 * grid, the area-weighted mean of its surface level for each time step (for a
 * field without a vertical dimension, e.g. HEMCO 2-D emissions, of the field
 * itself).
 *
 * Data are read by hyperslabs (one horizontal field at a time, smaller
 * blocks when a field is very large) and accumulated in double precision, so
 * memory stays bounded whatever the file's size.
 */
import { Buffer } from 'node:buffer';
import { open, type FileHandle } from 'node:fs/promises';
import type { NetcdfFileMetrics, NetcdfVariableMetrics } from '../../schemas/generated/types.js';
import { NetcdfReader, type NcFileRead, type NcVariableRead } from '../netcdf/reader.js';
import { hyperslabs } from './hyperslab.js';

/** One variable's metrics (schemas/results/results-metrics.schema.json, VariableMetrics). */
export type VariableMetrics = NetcdfVariableMetrics;

export type GridKind = NetcdfFileMetrics['grid'];

/** One file's metrics; `path` is the local path here (the stored document replaces it with the key). */
export type FileMetrics = NetcdfFileMetrics & { format: NcFileRead['format'] };

export interface MetricsOptions {
  /** Largest number of values read in one hyperslab (default 1,048,576). */
  maxSlabElements?: number;
}

/** Thrown when the file cannot be opened as NetCDF-4/HDF5. */
export class NetcdfOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetcdfOpenError';
  }
}

export const NUMERIC_TYPES: ReadonlySet<string> = new Set(['byte', 'short', 'int', 'float', 'double']);
/** Hybrid sigma-pressure coefficients and their reference pressure. */
const HYBRID_COEFFICIENTS: ReadonlySet<string> = new Set(['hyam', 'hybm', 'hyai', 'hybi', 'P0', 'ap', 'bp']);
/** GCHP grid geometry variables. */
const GRID_GEOMETRY: ReadonlySet<string> = new Set([
  'lats',
  'lons',
  'corner_lats',
  'corner_lons',
  'contacts',
  'orientation',
  'anchor',
]);
/** Cell-area variables, in order of preference (GC Classic outputs, GCHP StateMet). */
export const AREA_NAMES = ['AREA', 'Met_AREAM2', 'area'];
export const VERTICAL_DIMS: ReadonlySet<string> = new Set(['lev', 'ilev']);
const TIME_DIM = 'time';
const DEFAULT_MAX_SLAB = 1 << 20;

export async function computeMetrics(path: string, options: MetricsOptions = {}): Promise<FileMetrics> {
  await checkSignature(path);
  let reader: NetcdfReader;
  try {
    reader = await NetcdfReader.open(path);
  } catch (error) {
    throw new NetcdfOpenError(`cannot open ${path} as NetCDF-4: ${errorMessage(error)}`, { cause: error });
  }
  try {
    return computeWithReader(reader, path, options.maxSlabElements ?? DEFAULT_MAX_SLAB);
  } finally {
    reader.close();
  }
}

function computeWithReader(reader: NetcdfReader, path: string, maxSlab: number): FileMetrics {
  let header: NcFileRead;
  try {
    header = reader.header();
  } catch (error) {
    throw new NetcdfOpenError(`cannot read the NetCDF header of ${path}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  const { grid, hDims } = horizontalGrid(header);
  const area = findArea(reader, header, hDims);
  const excluded = gridVariables(header, area?.name);

  const variables: VariableMetrics[] = [];
  for (const variable of header.variables) {
    if (excluded.has(variable.name) || !NUMERIC_TYPES.has(variable.type)) continue;
    variables.push(variableMetrics(reader, header, variable, hDims, area, maxSlab));
  }
  const title = header.attributes['title'];
  return {
    path,
    format: header.format,
    grid,
    dimensions: header.dimensions.map(({ name, length, unlimited }) => ({ name, length, unlimited })),
    title: typeof title === 'string' ? title : null,
    areaVariable: area?.name ?? null,
    variables,
  };
}

/** The file's horizontal grid and its dimension names (also used by ./surface-field.ts). */
export function horizontalGrid(header: NcFileRead): { grid: GridKind; hDims: string[] } {
  const dimNames = new Set(header.dimensions.map((d) => d.name));
  const grid: GridKind = ['nf', 'Ydim', 'Xdim'].every((d) => dimNames.has(d))
    ? 'cubed-sphere'
    : dimNames.has('lat') && dimNames.has('lon')
      ? 'lat-lon'
      : 'unknown';
  const hDims = grid === 'cubed-sphere' ? ['nf', 'Ydim', 'Xdim'] : grid === 'lat-lon' ? ['lat', 'lon'] : [];
  return { grid, hDims };
}

interface CellArea {
  name: string;
  /** True when the area has a leading time dimension (GCHP StateMet). */
  perTime: boolean;
  /** The area of the first (or only) time step, on the horizontal grid, C order. */
  values: Float64Array;
  reader: NetcdfReader;
}

function findArea(reader: NetcdfReader, header: NcFileRead, hDims: string[]): CellArea | undefined {
  if (hDims.length === 0) return undefined;
  for (const name of AREA_NAMES) {
    const variable = header.variables.find((v) => v.name === name);
    if (!variable || !NUMERIC_TYPES.has(variable.type)) continue;
    const units = typeof variable.attributes['units'] === 'string' ? variable.attributes['units'].trim() : '';
    if (!['', 'm2', 'm^2', 'm**2'].includes(units)) continue;
    const perTime = variable.dims.length === hDims.length + 1 && variable.dims[0] === TIME_DIM;
    if (!sameDims(variable.dims.slice(perTime ? 1 : 0), hDims)) continue;
    const area: CellArea = { name, perTime, values: new Float64Array(0), reader };
    area.values = readArea(area, variable, 0);
    return area;
  }
  return undefined;
}

function readArea(area: CellArea, variable: NcVariableRead, step: number): Float64Array {
  const shape = variable.shape;
  const raw = area.perTime
    ? area.reader.readSlab(variable.name, [step, ...shape.slice(1).map(() => 0)], [1, ...shape.slice(1)])
    : area.reader.read(variable.name);
  return Float64Array.from(raw);
}

/** Names of coordinates, bounds, hybrid coefficients, grid geometry and the area variable. */
export function gridVariables(header: NcFileRead, areaName: string | undefined): Set<string> {
  const out = new Set<string>([...HYBRID_COEFFICIENTS, ...GRID_GEOMETRY]);
  if (areaName) out.add(areaName);
  for (const dim of header.dimensions) out.add(dim.name);
  for (const variable of header.variables) {
    if (/_(bnds|bounds)$/.test(variable.name)) out.add(variable.name);
    for (const key of ['bounds', 'coordinates', 'grid_mapping']) {
      const value = variable.attributes[key];
      if (typeof value === 'string') for (const name of value.split(/\s+/)) if (name) out.add(name);
    }
  }
  const extra = header.attributes['additional_vars'];
  if (typeof extra === 'string') for (const name of extra.split(',')) out.add(name.trim());
  return out;
}

function variableMetrics(
  reader: NetcdfReader,
  header: NcFileRead,
  variable: NcVariableRead,
  hDims: string[],
  area: CellArea | undefined,
  maxSlab: number,
): VariableMetrics {
  const { name, dims, shape, attributes } = variable;
  const missing = missingValues(variable);
  const isValid = (x: number): boolean => !Number.isNaN(x) && !missing.includes(x);

  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  const accumulate = (values: ArrayLike<number>): void => {
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      if (!isValid(x)) continue;
      count++;
      sum += x;
      if (x < min) min = x;
      if (x > max) max = x;
    }
  };
  const size = shape.reduce((a, b) => a * b, 1);
  if (shape.length === 0) accumulate(reader.read(name));
  else if (size > 0) {
    const hStart = horizontalStart(dims, hDims);
    const innermost = hStart === -1 ? Math.max(0, dims.length - 2) : hStart;
    for (const slab of hyperslabs(shape, innermost, maxSlab)) {
      accumulate(reader.readSlab(name, slab.start, slab.count));
    }
  }

  const metrics: VariableMetrics = {
    name,
    dims,
    shape,
    units: typeof attributes['units'] === 'string' ? attributes['units'] : null,
    longName: typeof attributes['long_name'] === 'string' ? attributes['long_name'] : null,
    size,
    count,
    min: count ? min : null,
    max: count ? max : null,
    mean: count ? sum / count : null,
  };
  if (area && size > 0) {
    const surface = surfaceMeans(reader, header, variable, hDims, area, isValid);
    if (surface) Object.assign(metrics, surface);
  }
  return metrics;
}

/**
 * Area-weighted means of the surface field per time step: sum(x * A) / sum(A)
 * over the cells where x is valid (and A finite).
 */
function surfaceMeans(
  reader: NetcdfReader,
  header: NcFileRead,
  variable: NcVariableRead,
  hDims: string[],
  area: CellArea,
  isValid: (x: number) => boolean,
): Pick<VariableMetrics, 'surfaceAreaWeightedMean' | 'surfaceLevelIndex'> | undefined {
  const { dims, shape } = variable;
  const hStart = horizontalStart(dims, hDims);
  if (hStart === -1) return undefined;
  // Allowed leading dimensions: time and one vertical dimension, nothing else.
  const leading = dims.slice(0, hStart);
  const timeAxis = leading.indexOf(TIME_DIM);
  const levAxis = leading.findIndex((d) => VERTICAL_DIMS.has(d));
  if (leading.some((d, i) => i !== timeAxis && i !== levAxis)) return undefined;

  // GEOS-Chem Classic and GCHP both store the surface at lev index 0; GCHP's
  // pre-14 files say positive="down" all the same, so the attribute is ignored.
  const surfaceLevelIndex = levAxis === -1 ? undefined : 0;
  const steps = timeAxis === -1 ? 1 : shape[timeAxis]!;
  const areaVariable = header.variables.find((v) => v.name === area.name)!;
  const means: (number | null)[] = [];
  for (let t = 0; t < steps; t++) {
    const start = shape.map(() => 0);
    const count = [...shape];
    if (timeAxis !== -1) {
      start[timeAxis] = t;
      count[timeAxis] = 1;
    }
    if (levAxis !== -1) {
      start[levAxis] = surfaceLevelIndex!;
      count[levAxis] = 1;
    }
    const field = reader.readSlab(variable.name, start, count);
    const weights = area.perTime && t > 0 ? readArea(area, areaVariable, t) : area.values;
    let weighted = 0;
    let total = 0;
    for (let i = 0; i < field.length; i++) {
      const x = field[i]!;
      const a = weights[i]!;
      if (!isValid(x) || !Number.isFinite(a)) continue;
      weighted += x * a;
      total += a;
    }
    means.push(total > 0 ? weighted / total : null);
  }
  return surfaceLevelIndex === undefined
    ? { surfaceAreaWeightedMean: means }
    : { surfaceAreaWeightedMean: means, surfaceLevelIndex };
}

/** `_FillValue` and `missing_value`, in the precision the data are read in. */
export function missingValues(variable: NcVariableRead): number[] {
  const out: number[] = [];
  for (const key of ['_FillValue', 'missing_value']) {
    const value = variable.attributes[key];
    const values = typeof value === 'number' ? [value] : Array.isArray(value) ? value : [];
    for (const v of values) out.push(variable.type === 'float' ? Math.fround(v) : v);
  }
  return out.filter((v) => !Number.isNaN(v));
}

/** Index where the horizontal dims start, when they are the variable's trailing dims; else -1. */
export function horizontalStart(dims: string[], hDims: string[]): number {
  if (hDims.length === 0 || dims.length < hDims.length) return -1;
  const start = dims.length - hDims.length;
  return sameDims(dims.slice(start), hDims) ? start : -1;
}

function sameDims(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Refuses, with a clear message, a path that is missing, not a file, a
 * netCDF-3 file or not HDF5 at all (HDF5 puts its signature at byte 0 or,
 * after a user block, at 512, 1024, 2048 …).
 */
async function checkSignature(path: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : errorMessage(error);
    throw new NetcdfOpenError(`cannot open ${path}: ${reason}`, { cause: error });
  }
  try {
    const stats = await handle.stat();
    const size = stats.size;
    if (!stats.isFile()) throw new NetcdfOpenError(`cannot open ${path}: not a regular file`);
    const head = Buffer.alloc(8);
    await handle.read(head, 0, 8, 0);
    if (head.subarray(0, 3).toString('latin1') === 'CDF') {
      throw new NetcdfOpenError(
        `${path} is a netCDF-3 (classic) file; only NetCDF-4 (HDF5) files are supported`,
      );
    }
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      await handle.read(head, 0, 8, offset);
      if (head.equals(HDF5_SIGNATURE)) return;
    }
    throw new NetcdfOpenError(`${path} is not a NetCDF-4 file (no HDF5 signature)`);
  } finally {
    await handle.close();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
