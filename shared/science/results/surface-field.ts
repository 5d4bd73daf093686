/**
 * The surface field of one variable of a GEOS-Chem NetCDF-4 file: level index
 * 0 of `lev`/`ilev` (GEOS-Chem Classic and GCHP both store the surface first;
 * a field without a vertical dimension is taken as it is), at one time step or
 * averaged over all of them, with fill values and NaN as NaN.
 *
 * Reads one horizontal slab per time step (never the whole variable), so
 * memory is one 2-D (lat-lon) or 3-D (nf, Ydim, Xdim) field plus the
 * accumulators. Grid detection and fill handling are those of ./metrics.ts.
 */
import { NetcdfReader, type NcFileRead, type NcVariableRead } from '../netcdf/reader.js';
import { checkNetcdfFile, type NetcdfLimits, type TimeBudget } from './file-limits.js';
import { horizontalGrid, horizontalStart, missingValues, VERTICAL_DIMS } from './metrics.js';

export type SurfaceGrid =
  | { kind: 'lat-lon'; lat: Float64Array; lon: Float64Array }
  | {
      kind: 'cubed-sphere';
      faces: 6;
      /** Cells along a face edge (C24: 24). */
      n: number;
      /** Cell-centre latitudes and longitudes (nf, Ydim, Xdim), when the file has them. */
      lats?: Float32Array;
      lons?: Float32Array;
    };

export interface SurfaceField {
  variable: string;
  /** The horizontal field in C order ((lat, lon) or (nf, Ydim, Xdim)); NaN where missing. */
  data: Float32Array;
  grid: SurfaceGrid;
  units: string | null;
  longName: string | null;
  /** Which time: 'mean' over `steps` steps, or the index read. */
  time: { kind: 'mean'; steps: number } | { kind: 'step'; index: number };
}

/** How a variable's surface is laid out in its file. */
export interface SurfaceLayout {
  variable: NcVariableRead;
  timeAxis: number;
  levAxis: number;
  /** Number of time steps (1 when there is no time dimension). */
  steps: number;
  /** Values in one horizontal field. */
  cells: number;
  missing: number[];
}

/** Thrown when a variable has no surface field (unknown grid, extra dimensions, absent). */
export class SurfaceFieldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SurfaceFieldError';
  }
}

export interface ReadSurfaceOptions {
  /** A time index, or 'mean' (the default) for the mean over all time steps. */
  time?: number | 'mean';
  /** What the header may declare (./file-limits.ts), checked before any allocation. */
  limits?: NetcdfLimits;
  /** Checked between the time steps read: stops the work once its time is up. */
  budget?: TimeBudget;
}

export async function readSurfaceField(
  path: string,
  variable: string,
  options: ReadSurfaceOptions = {},
): Promise<SurfaceField> {
  const reader = await NetcdfReader.open(path);
  try {
    const header = await checkNetcdfFile(path, reader.header(), options.limits);
    const grid = readSurfaceGrid(reader, header);
    const layout = surfaceLayout(header, variable);
    const time = options.time ?? 'mean';
    let data: Float32Array;
    if (time === 'mean') {
      const sum = new Float64Array(layout.cells);
      const count = new Uint32Array(layout.cells);
      for (let t = 0; t < layout.steps; t++) {
        options.budget?.check();
        accumulate(readSurfaceSlab(reader, layout, t), sum, count);
      }
      data = meanOf(sum, count);
    } else {
      if (!Number.isInteger(time) || time < 0 || time >= layout.steps) {
        throw new SurfaceFieldError(`${variable}: time index ${time} is outside 0..${layout.steps - 1}`);
      }
      data = readSurfaceSlab(reader, layout, time);
    }
    const { units, longName } = describe(layout.variable);
    return {
      variable,
      data,
      grid,
      units,
      longName,
      time: time === 'mean' ? { kind: 'mean', steps: layout.steps } : { kind: 'step', index: time },
    };
  } finally {
    reader.close();
  }
}

/** The horizontal grid of an open file, with its coordinates. */
export function readSurfaceGrid(reader: NetcdfReader, header: NcFileRead): SurfaceGrid {
  const { grid } = horizontalGrid(header);
  const has = (name: string): boolean => header.variables.some((v) => v.name === name);
  if (grid === 'lat-lon') {
    const length = (name: string): number => header.dimensions.find((d) => d.name === name)!.length;
    const coordinate = (name: string): Float64Array =>
      has(name)
        ? Float64Array.from(reader.read(name))
        : Float64Array.from({ length: length(name) }, (_, i) => i);
    return { kind: 'lat-lon', lat: coordinate('lat'), lon: coordinate('lon') };
  }
  if (grid === 'cubed-sphere') {
    const length = (name: string): number => header.dimensions.find((d) => d.name === name)!.length;
    const n = length('Xdim');
    if (length('nf') !== 6 || length('Ydim') !== n) {
      throw new SurfaceFieldError(
        `cubed-sphere grid must be nf=6, Ydim=Xdim; got nf=${length('nf')}, Ydim=${length('Ydim')}, Xdim=${n}`,
      );
    }
    const geometry = (name: string): Float32Array | undefined => {
      const v = header.variables.find((x) => x.name === name);
      return v && v.dims.join(',') === 'nf,Ydim,Xdim' ? Float32Array.from(reader.read(name)) : undefined;
    };
    const lats = geometry('lats');
    const lons = geometry('lons');
    return { kind: 'cubed-sphere', faces: 6, n, ...(lats && lons ? { lats, lons } : {}) };
  }
  throw new SurfaceFieldError('the file has neither a lat/lon nor a cubed-sphere (nf, Ydim, Xdim) grid');
}

/**
 * Where the surface of `name` is: the variable must end with the horizontal
 * dimensions and may lead with time and one vertical dimension only.
 */
export function surfaceLayout(header: NcFileRead, name: string): SurfaceLayout {
  const variable = header.variables.find((v) => v.name === name);
  if (!variable) throw new SurfaceFieldError(`the file has no variable ${name}`);
  const { hDims } = horizontalGrid(header);
  const hStart = horizontalStart(variable.dims, hDims);
  if (hStart === -1) {
    throw new SurfaceFieldError(`${name} (${variable.dims.join(', ')}) is not on the horizontal grid`);
  }
  const leading = variable.dims.slice(0, hStart);
  const timeAxis = leading.indexOf('time');
  const levAxis = leading.findIndex((d) => VERTICAL_DIMS.has(d));
  if (leading.some((_, i) => i !== timeAxis && i !== levAxis)) {
    throw new SurfaceFieldError(
      `${name} (${variable.dims.join(', ')}) has dimensions besides time and level`,
    );
  }
  const cells = variable.shape.slice(hStart).reduce((a, b) => a * b, 1);
  return {
    variable,
    timeAxis,
    levAxis,
    steps: timeAxis === -1 ? 1 : variable.shape[timeAxis]!,
    cells,
    missing: missingValues(variable),
  };
}

/** Whether `name` has a surface field (see surfaceLayout). */
export function hasSurface(header: NcFileRead, name: string): boolean {
  try {
    surfaceLayout(header, name);
    return true;
  } catch (error) {
    if (error instanceof SurfaceFieldError) return false;
    throw error;
  }
}

/** The surface field at time step `t`: one hyperslab read, missing values as NaN. */
export function readSurfaceSlab(reader: NetcdfReader, layout: SurfaceLayout, t: number): Float32Array {
  const { variable, timeAxis, levAxis, missing } = layout;
  const start = variable.shape.map(() => 0);
  const count = [...variable.shape];
  if (timeAxis !== -1) {
    start[timeAxis] = t;
    count[timeAxis] = 1;
  }
  if (levAxis !== -1) count[levAxis] = 1;
  const raw = reader.readSlab(variable.name, start, count);
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const x = raw[i]!;
    out[i] = Number.isNaN(x) || missing.includes(x) || !Number.isFinite(x) ? NaN : x;
  }
  return out;
}

/** Adds the valid values of `field` into per-cell sums and counts. */
export function accumulate(field: ArrayLike<number>, sum: Float64Array, count: Uint32Array): void {
  for (let i = 0; i < field.length; i++) {
    const x = field[i]!;
    if (Number.isNaN(x)) continue;
    sum[i]! += x;
    count[i]! += 1;
  }
}

/** Per-cell means (NaN where no step had a value). */
export function meanOf(sum: Float64Array, count: Uint32Array): Float32Array {
  const out = new Float32Array(sum.length);
  for (let i = 0; i < sum.length; i++) out[i] = count[i]! > 0 ? sum[i]! / count[i]! : NaN;
  return out;
}

export function describe(variable: NcVariableRead): { units: string | null; longName: string | null } {
  const { units, long_name: longName } = variable.attributes;
  return {
    units: typeof units === 'string' ? units : null,
    longName: typeof longName === 'string' ? longName : null,
  };
}
