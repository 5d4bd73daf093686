/**
 * Time-mean surface fields of a collection (e.g. all GEOSChem.SpeciesConc.*
 * files of a run) in one small NetCDF-4 file: for every data variable on the
 * horizontal grid, the mean over all time steps of all files of its surface
 * level (see ./surface-field.ts), as float with `_FillValue` where no step had
 * a value; plus the grid coordinates (lat/lon, or nf/Ydim/Xdim with lats/lons)
 * and the cell area when the sources have one. The results processor writes it
 * to `results/surface/<Collection>.nc4`; previews and comparisons read it.
 *
 * Memory: one horizontal field per variable read at a time, plus a double sum
 * and a count per cell for the variables being averaged. Variables are
 * averaged in batches sized to `maxAccumulatorBytes`; each batch reads every
 * source file once.
 */
import {
  NetcdfReader,
  type NcAttributeRead,
  type NcFileRead,
  type NcVariableRead,
} from '../netcdf/reader.js';
import {
  NetcdfWriter,
  type NcAttributeValue,
  type NcType,
  type NcVariableDefinition,
} from '../netcdf/writer.js';
import { checkNetcdfFile, type NetcdfLimits, type TimeBudget } from './file-limits.js';
import { AREA_NAMES, gridVariables, horizontalGrid, NUMERIC_TYPES } from './metrics.js';
import {
  accumulate,
  describe,
  hasSurface,
  meanOf,
  readSurfaceGrid,
  readSurfaceSlab,
  surfaceLayout,
  SurfaceFieldError,
  type SurfaceGrid,
} from './surface-field.js';

/** netCDF's default fill value for float (NC_FILL_FLOAT). */
export const SURFACE_FILL_VALUE = 9.969209968386869e36;
const DEFAULT_ACCUMULATOR_BYTES = 256 * 1024 * 1024;
/** Bytes per cell of the accumulators: a Float64 sum and a Uint32 count. */
const ACCUMULATOR_BYTES_PER_CELL = 12;

export interface SurfaceMeansOptions {
  /** Memory for the per-cell sums and counts of one batch of variables (default 256 MiB). */
  maxAccumulatorBytes?: number;
  /** What each file's header may declare (./file-limits.ts), checked before any allocation. */
  limits?: NetcdfLimits;
  /** Checked between the fields read: stops the work once its time is up. */
  budget?: TimeBudget;
}

export interface SurfaceMeansSummary {
  variables: string[];
  timeSteps: number;
  grid: SurfaceGrid['kind'];
}

export interface SurfaceMeanVariable {
  data: Float32Array;
  units: string | null;
  longName: string | null;
}

export interface SurfaceMeans {
  grid: SurfaceGrid;
  variables: Map<string, SurfaceMeanVariable>;
  /** Cell area (m2) on the same grid, when the file has one. */
  area?: Float64Array;
}

export async function writeSurfaceMeans(
  sourcePaths: string[],
  outPath: string,
  options: SurfaceMeansOptions = {},
): Promise<SurfaceMeansSummary> {
  if (sourcePaths.length === 0)
    throw new SurfaceFieldError('writeSurfaceMeans needs at least one source file');
  const first = await NetcdfReader.open(sourcePaths[0]!);
  let header: NcFileRead;
  let grid: SurfaceGrid;
  let area: NcVariableRead | undefined;
  let copied: GridVariable[];
  try {
    header = await checkNetcdfFile(sourcePaths[0]!, first.header(), options.limits);
    grid = readSurfaceGrid(first, header);
    area = findArea(header);
    copied = gridVariablesToCopy(first, header, horizontalGrid(header).hDims, area);
  } finally {
    first.close();
  }
  const { hDims } = horizontalGrid(header);
  const excluded = gridVariables(header, area?.name);
  const variables = header.variables.filter(
    (v) => !excluded.has(v.name) && NUMERIC_TYPES.has(v.type) && hasSurface(header, v.name),
  );
  const cells = hDims.reduce((n, d) => n * header.dimensions.find((x) => x.name === d)!.length, 1);
  const hShape = hDims.map((d) => header.dimensions.find((x) => x.name === d)!.length);

  const writer = await NetcdfWriter.create(outPath, { classicModel: false });
  try {
    for (const dim of hDims) writer.addDimension(dim, header.dimensions.find((d) => d.name === dim)!.length);
    for (const { name, definition } of copied) writer.addVariable(name, definition);
    for (const variable of variables) {
      const { units, longName } = describe(variable);
      const attributes: Record<string, NcAttributeValue> = {};
      if (longName !== null) attributes['long_name'] = longName;
      if (units !== null) attributes['units'] = units;
      attributes['cell_methods'] = 'time: mean';
      writer.addVariable(variable.name, {
        type: 'float',
        dims: hDims,
        fillValue: SURFACE_FILL_VALUE,
        attributes,
      });
    }
    writer.setAttribute('title', `GEOS-Chem time-mean surface fields (level index 0)`);
    const sourceTitle = header.attributes['title'];
    if (typeof sourceTitle === 'string') writer.setAttribute('source_title', sourceTitle);
    writer.setAttribute('source_file_count', { type: 'int', value: sourcePaths.length });
    writer.endDefine();
    for (const { name, values } of copied) writer.write(name, values);

    const budget = options.maxAccumulatorBytes ?? DEFAULT_ACCUMULATOR_BYTES;
    const batchSize = Math.max(1, Math.floor(budget / (cells * ACCUMULATOR_BYTES_PER_CELL)));
    let timeSteps = 0;
    for (let b = 0; b < variables.length || (b === 0 && timeSteps === 0); b += batchSize) {
      const batch = variables.slice(b, b + batchSize);
      const sums = batch.map(() => new Float64Array(cells));
      const counts = batch.map(() => new Uint32Array(cells));
      let steps = 0;
      for (const path of sourcePaths) {
        const reader = await NetcdfReader.open(path);
        try {
          const fileHeader = await checkNetcdfFile(path, reader.header(), options.limits);
          checkSameGrid(fileHeader, hDims, hShape, path);
          steps += fileHeader.dimensions.find((d) => d.name === 'time')?.length ?? 1;
          batch.forEach((variable, k) => {
            if (!hasSurface(fileHeader, variable.name)) return;
            const layout = surfaceLayout(fileHeader, variable.name);
            for (let t = 0; t < layout.steps; t++) {
              options.budget?.check();
              accumulate(readSurfaceSlab(reader, layout, t), sums[k]!, counts[k]!);
            }
          });
        } finally {
          reader.close();
        }
      }
      timeSteps = steps;
      batch.forEach((variable, k) => {
        const mean = meanOf(sums[k]!, counts[k]!);
        for (let i = 0; i < mean.length; i++) if (Number.isNaN(mean[i]!)) mean[i] = SURFACE_FILL_VALUE;
        writer.write(variable.name, mean);
      });
      if (variables.length === 0) break;
    }
    writer.close();
    return { variables: variables.map((v) => v.name), timeSteps, grid: grid.kind };
  } catch (error) {
    writer.abort();
    throw error;
  }
}

export async function readSurfaceMeans(
  path: string,
  options: Pick<SurfaceMeansOptions, 'limits'> = {},
): Promise<SurfaceMeans> {
  const reader = await NetcdfReader.open(path);
  try {
    const header = await checkNetcdfFile(path, reader.header(), options.limits);
    const grid = readSurfaceGrid(reader, header);
    const areaVariable = findArea(header);
    const excluded = gridVariables(header, areaVariable?.name);
    const variables = new Map<string, SurfaceMeanVariable>();
    for (const variable of header.variables) {
      if (excluded.has(variable.name) || !NUMERIC_TYPES.has(variable.type)) continue;
      if (!hasSurface(header, variable.name)) continue;
      const layout = surfaceLayout(header, variable.name);
      variables.set(variable.name, { data: readSurfaceSlab(reader, layout, 0), ...describe(variable) });
    }
    const result: SurfaceMeans = { grid, variables };
    if (areaVariable) result.area = Float64Array.from(reader.read(areaVariable.name));
    return result;
  } finally {
    reader.close();
  }
}

/** The cell-area variable on exactly the horizontal grid (no time dimension), if any. */
function findArea(header: NcFileRead): NcVariableRead | undefined {
  const { hDims } = horizontalGrid(header);
  for (const name of AREA_NAMES) {
    const variable = header.variables.find((v) => v.name === name);
    if (variable && NUMERIC_TYPES.has(variable.type) && variable.dims.join(',') === hDims.join(',')) {
      return variable;
    }
  }
  return undefined;
}

function checkSameGrid(header: NcFileRead, hDims: string[], hShape: number[], path: string): void {
  const shape = hDims.map((d) => header.dimensions.find((x) => x.name === d)?.length);
  if (shape.some((n, i) => n !== hShape[i])) {
    throw new SurfaceFieldError(
      `${path}: horizontal grid ${hDims.map((d, i) => `${d}=${shape[i] ?? 'missing'}`).join(', ')} ` +
        `differs from the first file's ${hDims.map((d, i) => `${d}=${hShape[i]}`).join(', ')}`,
    );
  }
}

function copyAttributes(attributes: Record<string, NcAttributeRead>): Record<string, NcAttributeValue> {
  const out: Record<string, NcAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (['_FillValue', 'missing_value', 'valid_range', 'bounds'].includes(name)) continue;
    out[name] = value;
  }
  return out;
}

interface GridVariable {
  name: string;
  definition: NcVariableDefinition;
  values: ArrayLike<number>;
}

/**
 * The grid variables to copy from the first source: coordinate variables of
 * the horizontal dimensions, GCHP's lats/lons, and the cell area.
 */
function gridVariablesToCopy(
  reader: NetcdfReader,
  header: NcFileRead,
  hDims: string[],
  area: NcVariableRead | undefined,
): GridVariable[] {
  const out: GridVariable[] = [];
  const copy = (variable: NcVariableRead | undefined, type: NcType): void => {
    if (!variable || !NUMERIC_TYPES.has(variable.type)) return;
    out.push({
      name: variable.name,
      definition: { type, dims: variable.dims, attributes: copyAttributes(variable.attributes) },
      values: reader.read(variable.name),
    });
  };
  const find = (name: string): NcVariableRead | undefined => header.variables.find((v) => v.name === name);
  for (const dim of hDims) {
    const variable = find(dim);
    if (variable?.dims.join(',') === dim) copy(variable, dim === 'nf' ? 'int' : 'double');
  }
  if (hDims.length === 3) {
    for (const name of ['lats', 'lons']) {
      const variable = find(name);
      if (variable?.dims.join(',') === hDims.join(',')) copy(variable, 'float');
    }
  }
  if (area) copy(area, area.type === 'float' ? 'float' : 'double');
  return out;
}
