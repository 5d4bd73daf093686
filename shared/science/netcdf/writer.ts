/**
 * A small NetCDF-4 writer over h5wasm (HDF5 in WebAssembly).
 *
 * NetCDF-4 files are HDF5 files with a few conventions, which this writer
 * follows the way the netCDF C library lays them out (checked against real
 * GEOS-Chem output and with `ncdump`):
 *
 * - every dimension is an HDF5 dimension scale (attributes CLASS =
 *   "DIMENSION_SCALE" and NAME) carrying `_Netcdf4Dimid` (its dimension id);
 *   a coordinate variable (`lat(lat)`) is itself the scale, a dimension without
 *   one is an empty float dataset whose NAME is netCDF's "This is a netCDF
 *   dimension but not a netCDF variable." marker;
 * - variables have the scales of their dimensions attached (DIMENSION_LIST on
 *   the variable, REFERENCE_LIST on the scale) and `_Netcdf4Coordinates` (their
 *   dimension ids);
 * - an unlimited dimension is an HDF5 maximum extent of H5S_UNLIMITED;
 * - text attributes are fixed-length ASCII strings in a scalar dataspace
 *   (netCDF's NC_CHAR), numeric attributes 1-D arrays of the matching type;
 * - link and attribute creation order is tracked, so ncdump lists variables and
 *   attributes in the order they were defined;
 * - with `classicModel` (the default, as GEOS-Chem Classic writes) the root
 *   carries `_nc3_strict`, which makes the file "netCDF-4 classic model".
 *
 * Use: create, define dimensions, variables and attributes, then write data
 * (whole variables or hyperslabs; writing past the end of an unlimited
 * dimension grows it), then close. Variables with dimensions are chunked and
 * deflate-compressed; data are never held whole in memory by the writer.
 *
 * Limits: one root group (no sub-groups), numeric variables of the classic
 * types (byte, short, int, float, double), attributes of those types or text.
 * The HDF5 fill value of a dataset is HDF5's default (0); `_FillValue` is
 * written as the netCDF attribute, which is what netCDF readers use.
 */
import { Buffer } from 'node:buffer';
import { h5Module, loadH5wasm, type H5Dataset, type H5File, type H5Wasm } from './h5.js';

/** NetCDF classic numeric types. */
export type NcType = 'byte' | 'short' | 'int' | 'float' | 'double';

export type NcNumericArray = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/**
 * An attribute value. A string is text (NC_CHAR); a number or number[] is
 * double unless given with an explicit type; a typed array keeps its type
 * (Int8Array byte, Int16Array short, Int32Array int, Float32Array float,
 * Float64Array double).
 */
export type NcAttributeValue =
  string | number | readonly number[] | NcNumericArray | { type: NcType; value: number | readonly number[] };

export interface NcDimensionInfo {
  name: string;
  /** Current length (for an unlimited dimension: the records written so far). */
  length: number;
  unlimited: boolean;
}

export interface NcVariableDefinition {
  type: NcType;
  /** Dimension names, slowest-varying first (C order), e.g. ['time', 'lev', 'lat', 'lon']. */
  dims: readonly string[];
  /** Attributes in the order they should appear. `_FillValue` is converted to the variable's type. */
  attributes?: Record<string, NcAttributeValue>;
  /** Shorthand for the `_FillValue` attribute, in the variable's type. */
  fillValue?: number;
  /** Chunk shape; default: whole fixed dimensions, 1 along unlimited ones, shrunk to at most 4 MiB. */
  chunks?: readonly number[];
  /** Deflate level 0 (off) to 9; default the writer's `deflateLevel`. Scalars are never compressed. */
  deflateLevel?: number;
  /**
   * Initial data (the whole variable, C order). Needed for scalar variables,
   * which cannot be written later; optional otherwise (use write/writeSlab).
   */
  data?: ArrayLike<number>;
}

export interface NetcdfWriterOptions {
  /** Write `_nc3_strict` so readers see "netCDF-4 classic model" (GEOS-Chem Classic's format). Default true. */
  classicModel?: boolean;
  /** Default deflate level for variables with dimensions, 0 to 9. Default 1 (as GEOS-Chem writes). */
  deflateLevel?: number;
  /** Replace an existing file (default true); with false an existing file is an error. */
  overwrite?: boolean;
}

/** netCDF's NAME for a dimension scale that is not also a variable ("%s%10d" of the marker and the length). */
export const DIM_WITHOUT_VARIABLE = 'This is a netCDF dimension but not a netCDF variable.';

/** What `_NCProperties` says made the file (netCDF readers only display it). */
export const NC_PROPERTIES = 'version=2,gcr-netcdf=1.0.0';

/** HDF5 attributes that belong to the netCDF-4 layout, never set by callers. */
export const RESERVED_ATTRIBUTES: ReadonlySet<string> = new Set([
  'CLASS',
  'NAME',
  'REFERENCE_LIST',
  'DIMENSION_LIST',
  '_Netcdf4Dimid',
  '_Netcdf4Coordinates',
  '_NCProperties',
  '_nc3_strict',
  '_IsNetcdf4',
  '_SuperblockVersion',
  '_Format',
]);

const DTYPE: Record<NcType, string> = { byte: '<b', short: '<h', int: '<i', float: '<f', double: '<d' };
const TYPE_BYTES: Record<NcType, number> = { byte: 1, short: 2, int: 4, float: 4, double: 8 };
const TYPE_RANGE: Partial<Record<NcType, [number, number]>> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  int: [-2147483648, 2147483647],
};
/** Largest chunk the default chunking makes. */
const MAX_CHUNK_BYTES = 4 * 1024 * 1024;
/** Chunk length of a 1-D variable along an unlimited dimension (e.g. time). */
const UNLIMITED_1D_CHUNK = 512;
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.@+-]*$/;

interface DimensionState {
  name: string;
  id: number;
  unlimited: boolean;
  /** Fixed length, or the current record count of an unlimited dimension. */
  length: number;
  /** Dataset acting as the scale: the coordinate variable's, or a hidden one named after the dimension. */
  coordinate: boolean;
}

interface VariableState {
  name: string;
  type: NcType;
  dims: DimensionState[];
  attributes: [string, NcAttributeValue][];
  chunks?: number[];
  deflateLevel: number;
  data?: ArrayLike<number>;
  /** Current extent of the dataset along each dimension. */
  extent: number[];
  dataset?: H5Dataset;
}

/** Thrown for misuse of the writer (bad names, shapes, types) and for HDF5 write failures. */
export class NetcdfWriteError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetcdfWriteError';
  }
}

export class NetcdfWriter {
  private readonly dimensions = new Map<string, DimensionState>();
  private readonly variables = new Map<string, VariableState>();
  private readonly globalAttributes: [string, NcAttributeValue][] = [];
  private defined = false;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly h5: H5Wasm,
    private readonly file: H5File,
    private readonly options: Required<Omit<NetcdfWriterOptions, 'overwrite'>>,
  ) {}

  /** Creates (or replaces) the file at `path` and returns a writer in define mode. */
  static async create(path: string, options: NetcdfWriterOptions = {}): Promise<NetcdfWriter> {
    const h5 = await loadH5wasm();
    const deflateLevel = options.deflateLevel ?? 1;
    checkDeflate(deflateLevel, 'deflateLevel');
    const file = guarded(h5, `cannot create ${path}`, () => {
      // Oldest file-format objects HDF5 can write (superblock 0, as netCDF
      // writes), capped at 1.10 so that HDF5 1.10 readers open the file.
      const created = new h5.File(path, options.overwrite === false ? 'x' : 'w', {
        track_order: true,
        libver: ['earliest', 'v110'],
      });
      if (typeof created.file_id !== 'bigint' || created.file_id < 0n) {
        throw new Error('H5Fcreate failed');
      }
      return created;
    });
    return new NetcdfWriter(path, h5, file, { classicModel: options.classicModel ?? true, deflateLevel });
  }

  /** Defines a dimension of a fixed length (≥ 1), or 'unlimited' (at most one in the classic model). */
  addDimension(name: string, length: number | 'unlimited'): this {
    this.assertDefineMode('addDimension');
    checkName(name, 'dimension');
    if (this.dimensions.has(name)) throw new NetcdfWriteError(`dimension ${name} is already defined`);
    const unlimited = length === 'unlimited';
    if (!unlimited && !(Number.isInteger(length) && length >= 1)) {
      throw new NetcdfWriteError(`dimension ${name}: length must be a whole number ≥ 1 or 'unlimited'`);
    }
    if (unlimited && this.options.classicModel && [...this.dimensions.values()].some((d) => d.unlimited)) {
      throw new NetcdfWriteError(`dimension ${name}: the classic model allows one unlimited dimension`);
    }
    this.dimensions.set(name, {
      name,
      id: this.dimensions.size,
      unlimited,
      length: unlimited ? 0 : length,
      coordinate: false,
    });
    return this;
  }

  /**
   * Defines a variable over defined dimensions. A 1-D variable named like its
   * dimension is that dimension's coordinate variable (and its scale).
   */
  addVariable(name: string, definition: NcVariableDefinition): this {
    this.assertDefineMode('addVariable');
    checkName(name, 'variable');
    if (this.variables.has(name)) throw new NetcdfWriteError(`variable ${name} is already defined`);
    if (!(definition.type in DTYPE)) {
      throw new NetcdfWriteError(`variable ${name}: unsupported type ${String(definition.type)}`);
    }
    const dims = definition.dims.map((dimName) => {
      const dim = this.dimensions.get(dimName);
      if (!dim) throw new NetcdfWriteError(`variable ${name}: dimension ${dimName} is not defined`);
      return dim;
    });
    if (new Set(definition.dims).size !== dims.length) {
      throw new NetcdfWriteError(`variable ${name}: a dimension appears twice`);
    }
    if (this.options.classicModel && dims.slice(1).some((d) => d.unlimited)) {
      throw new NetcdfWriteError(`variable ${name}: the unlimited dimension must come first`);
    }
    const dimNamed = this.dimensions.get(name);
    if (dimNamed) {
      if (dims.length !== 1 || dims[0] !== dimNamed) {
        throw new NetcdfWriteError(
          `variable ${name} has the name of a dimension but is not its coordinate variable ${name}(${name})`,
        );
      }
    }
    const deflateLevel = definition.deflateLevel ?? this.options.deflateLevel;
    checkDeflate(deflateLevel, `variable ${name}: deflateLevel`);
    if (definition.chunks) {
      if (
        definition.chunks.length !== dims.length ||
        definition.chunks.some(
          (c, i) => !Number.isInteger(c) || c < 1 || (!dims[i]!.unlimited && c > dims[i]!.length),
        )
      ) {
        throw new NetcdfWriteError(`variable ${name}: chunks must give 1..length for each dimension`);
      }
    }
    const attributes: [string, NcAttributeValue][] = [];
    if (definition.fillValue !== undefined) {
      attributes.push(['_FillValue', { type: definition.type, value: definition.fillValue }]);
    }
    for (const [attrName, value] of Object.entries(definition.attributes ?? {})) {
      checkAttributeName(attrName);
      if (attrName === '_FillValue') {
        if (definition.fillValue !== undefined) {
          throw new NetcdfWriteError(`variable ${name}: _FillValue given twice`);
        }
        attributes.push([attrName, asTyped(value, definition.type, `${name}:_FillValue`)]);
      } else {
        attributes.push([attrName, value]);
      }
    }
    const state: VariableState = {
      name,
      type: definition.type,
      dims,
      attributes,
      deflateLevel,
      extent: [],
      ...(definition.chunks ? { chunks: [...definition.chunks] } : {}),
      ...(definition.data ? { data: definition.data } : {}),
    };
    if (definition.data && definition.data.length !== this.elementCount(dims)) {
      if (!dims.some((d) => d.unlimited)) {
        throw new NetcdfWriteError(
          `variable ${name}: data has ${definition.data.length} values, the shape needs ${this.elementCount(dims)}`,
        );
      }
    }
    if (dimNamed) dimNamed.coordinate = true;
    this.variables.set(name, state);
    return this;
  }

  /** Sets a global attribute (in define mode or later). */
  setAttribute(name: string, value: NcAttributeValue): this {
    checkAttributeName(name);
    if (!this.defined) {
      upsert(this.globalAttributes, name, value);
    } else {
      this.assertOpen('setAttribute');
      guarded(this.h5, `cannot write global attribute ${name}`, () => {
        writeAttribute(this.file, name, value, true);
      });
    }
    return this;
  }

  /** Sets an attribute of a variable (in define mode or later). */
  setVariableAttribute(variable: string, name: string, value: NcAttributeValue): this {
    checkAttributeName(name);
    const state = this.variable(variable);
    const typed = name === '_FillValue' ? asTyped(value, state.type, `${variable}:_FillValue`) : value;
    if (!this.defined) {
      upsert(state.attributes, name, typed);
    } else {
      this.assertOpen('setVariableAttribute');
      guarded(this.h5, `cannot write attribute ${variable}:${name}`, () => {
        writeAttribute(state.dataset!, name, typed, true);
      });
    }
    return this;
  }

  /** Creates every dimension and variable in the file. Called by the first write, or explicitly. */
  endDefine(): void {
    this.assertOpen('endDefine');
    if (this.defined) return;
    try {
      guarded(this.h5, `cannot lay out ${this.path}`, () => this.layOut());
    } catch (error) {
      // A half-made layout cannot be finished: close the file so nothing else is written to it.
      this.abort();
      throw error;
    }
    this.defined = true;
  }

  /** Writes a whole variable (C order). Along an unlimited dimension, the data decide the record count. */
  write(variable: string, data: ArrayLike<number>): void {
    const state = this.variable(variable);
    if (state.dims.length === 0) {
      throw new NetcdfWriteError(
        `variable ${variable} is a scalar: give its value with addVariable({ data })`,
      );
    }
    const count = this.wholeShape(state, data.length);
    this.writeSlab(
      variable,
      count.map(() => 0),
      count,
      data,
    );
  }

  /**
   * Writes a hyperslab: `count[i]` values from index `start[i]` along each
   * dimension, `data` in C order. Writing past the current end of an
   * unlimited dimension extends it (and the variable).
   */
  writeSlab(
    variable: string,
    start: readonly number[],
    count: readonly number[],
    data: ArrayLike<number>,
  ): void {
    this.assertOpen('writeSlab');
    this.endDefine();
    const state = this.variable(variable);
    const rank = state.dims.length;
    if (rank === 0) {
      throw new NetcdfWriteError(
        `variable ${variable} is a scalar: give its value with addVariable({ data })`,
      );
    }
    if (start.length !== rank || count.length !== rank) {
      throw new NetcdfWriteError(`variable ${variable}: start and count need ${rank} values`);
    }
    let total = 1;
    for (let i = 0; i < rank; i++) {
      const dim = state.dims[i]!;
      const s = start[i]!;
      const c = count[i]!;
      if (!Number.isInteger(s) || !Number.isInteger(c) || s < 0 || c < 1) {
        throw new NetcdfWriteError(`variable ${variable}: bad start/count along ${dim.name}`);
      }
      if (!dim.unlimited && s + c > dim.length) {
        throw new NetcdfWriteError(
          `variable ${variable}: ${s}+${c} is past the end of dimension ${dim.name} (length ${dim.length})`,
        );
      }
      total *= c;
    }
    if (data.length !== total) {
      throw new NetcdfWriteError(`variable ${variable}: the slab needs ${total} values, got ${data.length}`);
    }
    guarded(this.h5, `cannot write ${variable} to ${this.path}`, () => {
      const dataset = state.dataset!;
      const needed = state.dims.map((dim, i) => Math.max(state.extent[i]!, start[i]! + count[i]!));
      if (needed.some((n, i) => n !== state.extent[i])) {
        if (dataset.resize(needed) < 0) throw new Error('H5Dset_extent failed');
        state.extent = needed;
        state.dims.forEach((dim, i) => {
          if (dim.unlimited && needed[i]! > dim.length) this.growUnlimited(dim, needed[i]!);
        });
      }
      const ranges = start.map((s, i) => [s, s + count[i]!] as [number, number]);
      dataset.write_slice(ranges, toTypedArray(data, state.type));
    });
  }

  /** Dimensions as defined, with their current lengths. */
  dimensionInfo(): NcDimensionInfo[] {
    return [...this.dimensions.values()].map((d) => ({
      name: d.name,
      length: d.length,
      unlimited: d.unlimited,
    }));
  }

  /** Flushes HDF5's buffers to the file (the file stays open). */
  flush(): void {
    this.assertOpen('flush');
    this.endDefine();
    guarded(this.h5, `cannot flush ${this.path}`, () => this.file.flush());
  }

  /** Lays out anything still undefined, then closes the file. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    // A failed layout has closed the file already (see endDefine) and throws here.
    this.endDefine();
    this.closed = true;
    const status = guarded(this.h5, `cannot close ${this.path}`, () => this.file.close());
    if (typeof status === 'number' && status < 0) {
      throw new NetcdfWriteError(`cannot close ${this.path}: H5Fclose failed`);
    }
  }

  /** Closes without raising (for error paths); returns the error if closing failed. */
  abort(): unknown {
    try {
      this.closed = true;
      this.file.close();
      return undefined;
    } catch (error) {
      return error;
    }
  }

  // ---- internals -------------------------------------------------------------------

  private layOut(): void {
    const file = this.file;
    if (this.options.classicModel) writeAttribute(file, '_nc3_strict', { type: 'int', value: 1 }, false);
    for (const [name, value] of this.globalAttributes) writeAttribute(file, name, value, false);

    // Dimensions without a coordinate variable: hidden datasets named like the
    // dimension, as netCDF makes them.
    for (const dim of this.dimensions.values()) {
      if (dim.coordinate) continue;
      const dataset = this.createDataset(dim.name, 'float', [dim], {
        deflateLevel: 0,
        chunks: dim.unlimited ? [UNLIMITED_1D_CHUNK] : undefined,
      });
      dataset.make_scale(`${DIM_WITHOUT_VARIABLE}${String(dim.length).padStart(10, ' ')}`);
      writeAttribute(dataset, '_Netcdf4Dimid', { type: 'int', value: dim.id }, false, true);
    }

    for (const state of this.variables.values()) {
      const dataset = this.createDataset(state.name, state.type, state.dims, state);
      state.dataset = dataset;
      state.extent = state.dims.map((d) => d.length);
      if (state.dims.length > 0) {
        writeAttribute(
          dataset,
          '_Netcdf4Coordinates',
          { type: 'int', value: state.dims.map((d) => d.id) },
          false,
        );
      }
      const dim = this.dimensions.get(state.name);
      if (dim?.coordinate) {
        dataset.make_scale(state.name);
        writeAttribute(dataset, '_Netcdf4Dimid', { type: 'int', value: dim.id }, false, true);
      }
      for (const [name, value] of state.attributes) writeAttribute(dataset, name, value, false);
    }

    // Attach every dimension's scale to the variables that use it.
    for (const state of this.variables.values()) {
      const isCoordinate = this.dimensions.get(state.name)?.coordinate === true;
      state.dims.forEach((dim, index) => {
        if (isCoordinate && dim.name === state.name) return;
        state.dataset!.attach_scale(index, `/${dim.name}`);
      });
    }

    writeAttribute(file, '_NCProperties', NC_PROPERTIES, false);

    // Initial data last, once everything is laid out.
    for (const state of this.variables.values()) {
      if (state.data === undefined || state.dims.length === 0) continue;
      const count = this.wholeShape(state, state.data.length);
      const needed = count.map((c, i) => Math.max(c, state.extent[i]!));
      if (needed.some((n, i) => n !== state.extent[i])) {
        state.dataset!.resize(needed);
        state.extent = needed;
        state.dims.forEach((dim, i) => {
          if (dim.unlimited && needed[i]! > dim.length) this.growUnlimited(dim, needed[i]!);
        });
      }
      state.dataset!.write_slice(
        count.map((c) => [0, c] as [number, number]),
        toTypedArray(state.data, state.type),
      );
      delete state.data;
    }
  }

  /**
   * Creates a dataset. Scalars are contiguous and hold their value; anything
   * with dimensions is chunked, created empty and extended, so no zero-filled
   * copy of a big variable is ever built.
   */
  private createDataset(
    name: string,
    type: NcType,
    dims: DimensionState[],
    options: { deflateLevel: number; chunks?: readonly number[] | undefined; data?: ArrayLike<number> },
  ): H5Dataset {
    if (dims.length === 0) {
      const value = options.data && options.data.length > 0 ? options.data[0]! : 0;
      if (options.data && options.data.length !== 1) {
        throw new NetcdfWriteError(`variable ${name} is a scalar: data needs exactly one value`);
      }
      return this.file.create_dataset({
        name,
        data: toTypedArray([value], type),
        shape: [],
        dtype: DTYPE[type],
        track_order: true,
      });
    }
    const chunks = options.chunks
      ? [...options.chunks]
      : defaultChunks(
          dims.map((d) => ({ length: d.length, unlimited: d.unlimited })),
          TYPE_BYTES[type],
        );
    const dataset = this.file.create_dataset({
      name,
      data: toTypedArray([], type),
      shape: dims.map(() => 0),
      maxshape: dims.map((d) => (d.unlimited ? null : d.length)),
      chunks,
      dtype: DTYPE[type],
      ...(options.deflateLevel > 0
        ? { compression: 'gzip' as const, compression_opts: options.deflateLevel }
        : {}),
      track_order: true,
    });
    const extent = dims.map((d) => d.length);
    if (extent.some((n) => n > 0) && dataset.resize(extent) < 0) {
      throw new Error(`H5Dset_extent failed for ${name}`);
    }
    return dataset;
  }

  /** Records a new length of an unlimited dimension; extends its hidden scale dataset if it has one. */
  private growUnlimited(dim: DimensionState, length: number): void {
    dim.length = length;
    if (!dim.coordinate) {
      const scale = this.file.get(dim.name) as H5Dataset;
      if (scale.resize([length]) < 0) throw new Error(`H5Dset_extent failed for ${dim.name}`);
    }
  }

  private wholeShape(state: VariableState, dataLength: number): number[] {
    const fixed = state.dims.reduce((n, d) => (d.unlimited ? n : n * d.length), 1);
    const unlimited = state.dims.find((d) => d.unlimited);
    if (!unlimited) {
      if (dataLength !== fixed) {
        throw new NetcdfWriteError(
          `variable ${state.name}: data has ${dataLength} values, the shape needs ${fixed}`,
        );
      }
      return state.dims.map((d) => d.length);
    }
    if (dataLength === 0 || dataLength % fixed !== 0) {
      throw new NetcdfWriteError(
        `variable ${state.name}: ${dataLength} values is not a whole number of records of ${fixed}`,
      );
    }
    return state.dims.map((d) => (d.unlimited ? dataLength / fixed : d.length));
  }

  private elementCount(dims: DimensionState[]): number {
    return dims.reduce((n, d) => n * (d.unlimited ? 1 : d.length), 1);
  }

  private variable(name: string): VariableState {
    const state = this.variables.get(name);
    if (!state) throw new NetcdfWriteError(`variable ${name} is not defined`);
    return state;
  }

  private assertDefineMode(what: string): void {
    this.assertOpen(what);
    if (this.defined)
      throw new NetcdfWriteError(`${what}: the file is laid out already (after the first write)`);
  }

  private assertOpen(what: string): void {
    if (this.closed) throw new NetcdfWriteError(`${what}: ${this.path} is closed`);
  }
}

// ---- helpers ------------------------------------------------------------------------

/**
 * Runs h5wasm calls with HDF5's errors turned into exceptions (h5wasm
 * otherwise prints them and carries on), wrapped in a NetcdfWriteError.
 */
let guardDepth = 0;
function guarded<T>(_h5: H5Wasm, message: string, fn: () => T): T {
  const module = h5Module();
  const outermost = guardDepth === 0;
  if (outermost) module?.activate_throwing_error_handler();
  guardDepth++;
  try {
    return fn();
  } catch (error) {
    if (error instanceof NetcdfWriteError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new NetcdfWriteError(`${message}: ${summariseHdf5Error(detail)}`, { cause: error });
  } finally {
    guardDepth--;
    if (outermost) module?.deactivate_throwing_error_handler();
  }
}

/**
 * The useful part of an HDF5 error stack: the outermost and the innermost
 * frames ("unable to synchronously create file ... unable to open file:
 * name = '...', errno = 2, error message = 'No such file or directory'").
 */
function summariseHdf5Error(text: string): string {
  const frames = [...text.matchAll(/#\d+: .*? in ([A-Za-z0-9_]+)\(\): ([^\n]*)/g)].map(
    (m) => `${m[1]}: ${m[2]!.trim()}`,
  );
  if (frames.length === 0) {
    const lines = text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    return lines.slice(0, 3).join(' | ') || 'unknown HDF5 error';
  }
  return frames.length === 1 ? frames[0]! : `${frames[0]} ... ${frames[frames.length - 1]}`;
}

function checkName(name: string, what: string): void {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name) || name.length > 256) {
    throw new NetcdfWriteError(`bad ${what} name ${JSON.stringify(name)}`);
  }
}

function checkAttributeName(name: string): void {
  checkName(name, 'attribute');
  if (RESERVED_ATTRIBUTES.has(name)) {
    throw new NetcdfWriteError(
      `attribute ${name} is part of the netCDF-4 layout and is written by the writer`,
    );
  }
}

function checkDeflate(level: number, what: string): void {
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new NetcdfWriteError(`${what} must be a whole number 0 to 9`);
  }
}

function upsert(list: [string, NcAttributeValue][], name: string, value: NcAttributeValue): void {
  const index = list.findIndex(([n]) => n === name);
  if (index >= 0) list[index] = [name, value];
  else list.push([name, value]);
}

/** Chunk shape: whole fixed dimensions (1 along unlimited ones), shrunk from the slowest dimension to ≤ 4 MiB. */
export function defaultChunks(
  dims: readonly { length: number; unlimited: boolean }[],
  bytesPerValue: number,
): number[] {
  if (dims.length === 1 && dims[0]!.unlimited) return [UNLIMITED_1D_CHUNK];
  const chunks = dims.map((d) => (d.unlimited ? 1 : Math.max(1, d.length)));
  const bytes = (): number => chunks.reduce((n, c) => n * c, bytesPerValue);
  for (let i = 0; i < chunks.length && bytes() > MAX_CHUNK_BYTES; i++) {
    const others = bytes() / chunks[i]!;
    chunks[i] = Math.max(1, Math.floor(MAX_CHUNK_BYTES / others));
  }
  return chunks;
}

function numericType(value: NcNumericArray): NcType {
  if (value instanceof Int8Array) return 'byte';
  if (value instanceof Int16Array) return 'short';
  if (value instanceof Int32Array) return 'int';
  if (value instanceof Float32Array) return 'float';
  return 'double';
}

/** A numeric attribute value with its type, or text. */
function normalise(value: NcAttributeValue): { type: NcType; values: number[] } | { text: string } {
  if (typeof value === 'string') return { text: value };
  if (typeof value === 'number') return { type: 'double', values: [value] };
  if (ArrayBuffer.isView(value))
    return { type: numericType(value as NcNumericArray), values: Array.from(value) };
  if (Array.isArray(value)) return { type: 'double', values: [...(value as number[])] };
  const typed = value as { type: NcType; value: number | readonly number[] };
  if (!(typed.type in DTYPE)) throw new NetcdfWriteError(`unsupported attribute type ${String(typed.type)}`);
  return { type: typed.type, values: typeof typed.value === 'number' ? [typed.value] : [...typed.value] };
}

function asTyped(value: NcAttributeValue, type: NcType, what: string): NcAttributeValue {
  const normal = normalise(value);
  if ('text' in normal) throw new NetcdfWriteError(`${what} must be a number`);
  return { type, value: normal.values };
}

interface AttributeTarget {
  create_attribute(name: string, data: unknown, shape?: number[] | null, dtype?: string | null): void;
  delete_attribute(name: string): number;
  readonly attrs: Record<string, unknown>;
}

function writeAttribute(
  target: AttributeTarget,
  name: string,
  value: NcAttributeValue,
  replace: boolean,
  scalar = false,
): void {
  if (replace && Object.prototype.hasOwnProperty.call(target.attrs, name)) target.delete_attribute(name);
  const normal = normalise(value);
  if ('text' in normal) {
    // NC_CHAR: a fixed-length string in a scalar dataspace. HDF5 has no
    // zero-length fixed string, so "" is one NUL byte (ncdump shows "").
    const text = normal.text === '' ? '\0' : normal.text;
    target.create_attribute(name, text, [], `A${Buffer.byteLength(text, 'utf8')}`);
    return;
  }
  const { type, values } = normal;
  if (values.length === 0) throw new NetcdfWriteError(`attribute ${name}: no values`);
  for (const v of values) checkRange(v, type, `attribute ${name}`);
  const data = toTypedArray(values, type);
  if (scalar && values.length === 1) target.create_attribute(name, data, [], DTYPE[type]);
  else target.create_attribute(name, data, [values.length], DTYPE[type]);
}

function checkRange(value: number, type: NcType, what: string): void {
  const range = TYPE_RANGE[type];
  if (!range) {
    if (typeof value !== 'number') throw new NetcdfWriteError(`${what}: ${String(value)} is not a number`);
    return;
  }
  if (!Number.isInteger(value) || value < range[0] || value > range[1]) {
    throw new NetcdfWriteError(`${what}: ${value} does not fit a netCDF ${type}`);
  }
}

function toTypedArray(data: ArrayLike<number>, type: NcType): NcNumericArray {
  switch (type) {
    case 'byte':
      return data instanceof Int8Array ? data : Int8Array.from(data);
    case 'short':
      return data instanceof Int16Array ? data : Int16Array.from(data);
    case 'int':
      return data instanceof Int32Array ? data : Int32Array.from(data);
    case 'float':
      return data instanceof Float32Array ? data : Float32Array.from(data);
    case 'double':
      return data instanceof Float64Array ? data : Float64Array.from(data);
  }
}
