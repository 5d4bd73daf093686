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
 * The header is first checked against ./file-limits.ts (a file declaring
 * sizes no GEOS-Chem run writes is refused before anything is allocated).
 * Data are read by hyperslabs of at most `maxSlabElements` values (as many
 * trailing dimensions whole as fit, in whole chunks where the limit allows;
 * see ./hyperslab.ts) and accumulated in double precision, in the file's C
 * order, so memory stays bounded whatever the file's size and the numbers do
 * not depend on the slab size. The surface means are taken from the same
 * slabs (no second read). Between variables and between slabs the event loop
 * gets a turn, so a process that also serves requests stays responsive.
 */
import { Buffer } from 'node:buffer';
import { open, type FileHandle } from 'node:fs/promises';
import type { NetcdfFileMetrics, NetcdfVariableMetrics } from '#schemas/generated/types.js';
import { NetcdfReader, type NcFileRead, type NcVariableRead } from '../netcdf/reader.js';
import { checkNetcdfFile, type NetcdfLimits, type TimeBudget } from './file-limits.js';
import { hyperslabs } from './hyperslab.js';

/** One variable's metrics (schemas/results/results-metrics.schema.json, VariableMetrics). */
export type VariableMetrics = NetcdfVariableMetrics;

export type GridKind = NetcdfFileMetrics['grid'];

/** One file's metrics; `path` is the local path here (the stored document replaces it with the key). */
export type FileMetrics = NetcdfFileMetrics & { format: NcFileRead['format'] };

export interface MetricsOptions {
  /**
   * Largest number of values read in one hyperslab (default 1,048,576: about
   * 4 MB of float32 at a time, and at most some tens of ms between two turns
   * of the event loop).
   */
  maxSlabElements?: number;
  /** What the header may declare (./file-limits.ts); default DEFAULT_NETCDF_LIMITS. */
  limits?: NetcdfLimits;
  /** Checked between slabs: stops the work once its time is up. */
  budget?: TimeBudget;
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
    return await computeWithReader(reader, path, options);
  } finally {
    reader.close();
  }
}

async function computeWithReader(
  reader: NetcdfReader,
  path: string,
  options: MetricsOptions,
): Promise<FileMetrics> {
  let header: NcFileRead;
  try {
    header = reader.header();
  } catch (error) {
    throw new NetcdfOpenError(`cannot read the NetCDF header of ${path}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  // Before anything is allocated or read by the sizes the header declares.
  await checkNetcdfFile(path, header, options.limits);
  const maxSlab = options.maxSlabElements ?? DEFAULT_MAX_SLAB;
  const budget = options.budget;
  const { grid, hDims } = horizontalGrid(header);
  const area = findArea(reader, header, hDims);
  const excluded = gridVariables(header, area?.name);

  const variables: VariableMetrics[] = [];
  for (const variable of header.variables) {
    if (excluded.has(variable.name) || !NUMERIC_TYPES.has(variable.type)) continue;
    // Between variables and between the slabs of one, the event loop gets a
    // turn: a process that also serves requests is not blocked for the whole file.
    await yieldToEventLoop();
    budget?.check();
    variables.push(await variableMetrics(reader, header, variable, hDims, area, maxSlab, budget));
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

async function variableMetrics(
  reader: NetcdfReader,
  header: NcFileRead,
  variable: NcVariableRead,
  hDims: string[],
  area: CellArea | undefined,
  maxSlab: number,
  budget: TimeBudget | undefined,
): Promise<VariableMetrics> {
  const { name, dims, shape, attributes } = variable;
  const missing = missingValues(variable);
  // The validity test, inlined in the loops below: `x !== x` is NaN; a fill
  // value absent is NaN, which no value equals. More than two missing values
  // (an array-valued attribute) take the general path.
  const fill0 = missing.length > 0 ? missing[0]! : NaN;
  const fill1 = missing.length > 1 ? missing[1]! : NaN;
  const moreMissing = missing.length > 2 ? missing : null;

  // count, sum, min, max: kept in an array rather than in variables a closure
  // updates, which V8 would box (a heap number per addition) in the hot loop.
  const stats = Float64Array.of(0, 0, Infinity, -Infinity);
  const accumulate = (values: ArrayLike<number>): void =>
    moreMissing ? accumulateSlow(stats, values, moreMissing) : accumulateFast(stats, values, fill0, fill1);
  const size = shape.reduce((a, b) => a * b, 1);
  const surface =
    area && size > 0 ? surfacePlan(header, variable, hDims, area, fill0, fill1, moreMissing) : undefined;
  if (shape.length === 0) accumulate(reader.read(name));
  else if (size > 0) {
    // Strides of the flattened variable, to place each slab (a contiguous
    // range, see ./hyperslab.ts) in it.
    const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
    let first = true;
    for (const slab of hyperslabs(shape, 0, maxSlab, variable.chunks)) {
      if (!first) await yieldToEventLoop();
      first = false;
      budget?.check();
      let offset = 0;
      for (let i = 0; i < slab.start.length; i++) offset += slab.start[i]! * strides[i]!;
      surface?.prepare(
        offset,
        slab.count.reduce((a, b) => a * b, 1),
      );
      // `values` lives in h5wasm's memory until the callback returns: no other read inside.
      reader.withSlab(name, slab.start, slab.count, (values) => {
        accumulate(values);
        surface?.add(values, offset);
      });
    }
  }

  const metrics: VariableMetrics = {
    name,
    dims,
    shape,
    units: typeof attributes['units'] === 'string' ? attributes['units'] : null,
    longName: typeof attributes['long_name'] === 'string' ? attributes['long_name'] : null,
    size,
    count: stats[0]!,
    min: stats[0] ? stats[2]! : null,
    max: stats[0] ? stats[3]! : null,
    mean: stats[0] ? stats[1]! / stats[0] : null,
  };
  if (surface) Object.assign(metrics, surface.result());
  return metrics;
}

/**
 * Adds the valid values (not NaN, not `fill0` or `fill1`; NaN there matches
 * nothing) to `stats` = [count, sum, min, max], in order.
 */
function accumulateFast(stats: Float64Array, values: ArrayLike<number>, fill0: number, fill1: number): void {
  let count = stats[0]!;
  let sum = stats[1]!;
  let min = stats[2]!;
  let max = stats[3]!;
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (x !== x || x === fill0 || x === fill1) continue;
    count++;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  stats[0] = count;
  stats[1] = sum;
  stats[2] = min;
  stats[3] = max;
}

/** accumulateFast for any number of missing values. */
function accumulateSlow(stats: Float64Array, values: ArrayLike<number>, missing: number[]): void {
  let count = stats[0]!;
  let sum = stats[1]!;
  let min = stats[2]!;
  let max = stats[3]!;
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (x !== x || missing.includes(x)) continue;
    count++;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  stats[0] = count;
  stats[1] = sum;
  stats[2] = min;
  stats[3] = max;
}

/** Lets other work queued on the event loop (I/O callbacks, timers, requests) run. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface SurfacePlan {
  /** Reads what `add` will need for the `length` values from flat index `offset` (before that slab is read). */
  prepare(offset: number, length: number): void;
  /** Adds the part of the surface fields held by `values`, which start at flat index `offset`. */
  add(values: ArrayLike<number>, offset: number): void;
  result(): Pick<VariableMetrics, 'surfaceAreaWeightedMean' | 'surfaceLevelIndex'>;
}

/**
 * Area-weighted means of the surface field per time step: sum(x * A) / sum(A)
 * over the cells where x is valid (and A finite), accumulated from the slabs
 * read for the other metrics (no second read). Each surface field (time step
 * t, surface level, the whole horizontal grid) is a contiguous range of the
 * flattened variable, since the horizontal dimensions are its trailing ones;
 * slabs arrive in C order, so each field's sums see its cells in C order,
 * exactly as a single pass over the field would. Undefined when the variable
 * has no such surface field.
 */
function surfacePlan(
  header: NcFileRead,
  variable: NcVariableRead,
  hDims: string[],
  area: CellArea,
  fill0: number,
  fill1: number,
  moreMissing: number[] | null,
): SurfacePlan | undefined {
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
  const fieldSize = shape.slice(hStart).reduce((a, b) => a * b, 1);
  // Where each step's surface field starts in the flattened variable.
  const fieldStarts: number[] = [];
  for (let t = 0; t < steps; t++) {
    let leadingFlat = 0;
    for (let i = 0; i < hStart; i++) {
      const index = i === timeAxis ? t : i === levAxis ? surfaceLevelIndex! : 0;
      leadingFlat = leadingFlat * shape[i]! + index;
    }
    fieldStarts.push(leadingFlat * fieldSize);
  }
  const areaVariable = header.variables.find((v) => v.name === area.name)!;
  const weighted = new Float64Array(steps);
  const total = new Float64Array(steps);
  // Per-time areas (GCHP StateMet) of the steps the current slab holds, read
  // by `prepare` before the slab is (reads must not happen while a slab is used).
  const stepWeights = new Map<number, Float64Array>();
  const weightsOf = (t: number): Float64Array =>
    !area.perTime || t === 0 ? area.values : stepWeights.get(t)!;
  const stepsIn = (offset: number, length: number): number[] => {
    const out: number[] = [];
    for (let t = 0; t < steps; t++) {
      const fieldStart = fieldStarts[t]!;
      if (Math.max(offset, fieldStart) < Math.min(offset + length, fieldStart + fieldSize)) out.push(t);
    }
    return out;
  };

  return {
    prepare(offset, length) {
      if (!area.perTime) return;
      const wanted = stepsIn(offset, length).filter((t) => t > 0);
      for (const t of stepWeights.keys()) if (!wanted.includes(t)) stepWeights.delete(t);
      for (const t of wanted) if (!stepWeights.has(t)) stepWeights.set(t, readArea(area, areaVariable, t));
    },
    add(values, offset) {
      for (const t of stepsIn(offset, values.length)) {
        const fieldStart = fieldStarts[t]!;
        const from = Math.max(offset, fieldStart);
        const to = Math.min(offset + values.length, fieldStart + fieldSize);
        const w = weightsOf(t);
        let sumXA = weighted[t]!;
        let sumA = total[t]!;
        for (let k = from; k < to; k++) {
          const x = values[k - offset]!;
          const a = w[k - fieldStart]!;
          if (x !== x || x === fill0 || x === fill1 || (moreMissing && moreMissing.includes(x))) continue;
          if (!Number.isFinite(a)) continue;
          sumXA += x * a;
          sumA += a;
        }
        weighted[t] = sumXA;
        total[t] = sumA;
      }
    },
    result() {
      const means: (number | null)[] = [];
      for (let t = 0; t < steps; t++) means.push(total[t]! > 0 ? weighted[t]! / total[t]! : null);
      return surfaceLevelIndex === undefined
        ? { surfaceAreaWeightedMean: means }
        : { surfaceAreaWeightedMean: means, surfaceLevelIndex };
    },
  };
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
