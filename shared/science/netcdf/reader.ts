/**
 * A small NetCDF-4 reader over h5wasm: the netCDF view (dimensions, variables,
 * attributes) of a netCDF-4 / HDF5 file, as the netCDF library would present
 * it, plus whole-variable and hyperslab reads. Enough for the results
 * processor and for tests of files written by ./writer.ts or by GEOS-Chem.
 *
 * Dimensions are the file's HDF5 dimension scales (ordered by `_Netcdf4Dimid`
 * when present); a variable's dimensions are the scales attached to it. A
 * dataset without attached scales (plain HDF5) gets phony dimension names
 * `phony_dim_<length>`. Groups other than the root are not read.
 */
import { h5Module, loadH5wasm, type H5Dataset, type H5File } from './h5.js';
import { DIM_WITHOUT_VARIABLE, RESERVED_ATTRIBUTES, type NcType } from './writer.js';

export type NcAttributeRead = string | number | number[];

export interface NcDimensionRead {
  name: string;
  length: number;
  unlimited: boolean;
}

export interface NcVariableRead {
  name: string;
  /** netCDF type, or the HDF5 dtype string (e.g. "<I") for types outside the classic set. */
  type: NcType | string;
  dims: string[];
  shape: number[];
  attributes: Record<string, NcAttributeRead>;
  /** Chunk shape, or null when contiguous. */
  chunks: number[] | null;
  /** Deflate level, or 0 when not compressed. */
  deflateLevel: number;
}

export interface NcFileRead {
  /** "netCDF-4 classic model" when `_nc3_strict` is set, else "netCDF-4". */
  format: 'netCDF-4' | 'netCDF-4 classic model';
  dimensions: NcDimensionRead[];
  variables: NcVariableRead[];
  attributes: Record<string, NcAttributeRead>;
}

const TYPE_BY_DTYPE: Record<string, NcType> = {
  '<b': 'byte',
  '<h': 'short',
  '<i': 'int',
  '<f': 'float',
  '<d': 'double',
};
const UNLIMITED_THRESHOLD = 2 ** 53;

export class NetcdfReader {
  /**
   * Datasets already looked up, by name: h5wasm's `Dataset` keeps its metadata
   * once read, so repeated hyperslab reads of a variable skip the lookup and
   * the metadata query.
   */
  private readonly datasets = new Map<string, H5Dataset>();
  /** withSlab's buffer in h5wasm's memory (0: none yet) and its size. */
  private buffer = 0;
  private bufferBytes = 0;

  private constructor(
    readonly path: string,
    private readonly file: H5File,
  ) {}

  static async open(path: string): Promise<NetcdfReader> {
    const h5 = await loadH5wasm();
    const file = new h5.File(path, 'r');
    if (typeof file.file_id !== 'bigint' || file.file_id < 0n) {
      throw new Error(`cannot open ${path} as HDF5/netCDF-4`);
    }
    return new NetcdfReader(path, file);
  }

  /** The netCDF header: dimensions, variables (in file order) and global attributes. */
  header(): NcFileRead {
    const datasets: [string, H5Dataset][] = [];
    for (const name of this.file.keys()) {
      const entity = this.file.get(name);
      if (entity && (entity as { type?: string }).type === 'Dataset')
        datasets.push([name, entity as H5Dataset]);
    }

    const scales: { name: string; id: number; order: number; length: number; unlimited: boolean }[] = [];
    datasets.forEach(([name, dataset], order) => {
      if (dataset.get_scale_name() === null) return;
      const shape = dataset.shape ?? [];
      const maxshape = dataset.metadata.maxshape ?? shape;
      const attrs = dataset.attrs;
      const dimid = attrs['_Netcdf4Dimid'] ? Number(firstNumber(attrs['_Netcdf4Dimid'].value)) : Infinity;
      scales.push({
        name,
        id: dimid,
        order,
        length: shape[0] ?? 0,
        unlimited: (maxshape[0] ?? 0) >= UNLIMITED_THRESHOLD,
      });
    });
    scales.sort((a, b) => (a.id === b.id ? a.order - b.order : a.id - b.id));
    const dimensions: NcDimensionRead[] = scales.map(({ name, length, unlimited }) => ({
      name,
      length,
      unlimited,
    }));

    const phony = new Map<number, NcDimensionRead>();
    const variables: NcVariableRead[] = [];
    for (const [name, dataset] of datasets) {
      const scaleName = dataset.get_scale_name();
      if (scaleName !== null && scaleName.startsWith(DIM_WITHOUT_VARIABLE)) continue;
      const shape = dataset.shape ?? [];
      const dims = shape.map((length, index) => {
        if (scaleName !== null && shape.length === 1) return name;
        const attached = dataset.get_attached_scales(index);
        const path = Array.isArray(attached) ? attached[0] : undefined;
        if (path) return path.replace(/^\//, '');
        if (!phony.has(length)) phony.set(length, { name: `phony_dim_${length}`, length, unlimited: false });
        return `phony_dim_${length}`;
      });
      const dtype = typeof dataset.dtype === 'string' ? dataset.dtype : JSON.stringify(dataset.dtype);
      const deflate = dataset.filters.find((f) => f.id === 1);
      variables.push({
        name,
        type: TYPE_BY_DTYPE[dtype] ?? dtype,
        dims,
        shape,
        attributes: readAttributes(dataset.attrs),
        chunks: dataset.metadata.chunks ?? null,
        deflateLevel: deflate ? Number(deflate.cd_values?.[0] ?? 0) : 0,
      });
    }
    dimensions.push(...phony.values());

    const rootAttrs = this.file.attrs;
    return {
      format: rootAttrs['_nc3_strict'] ? 'netCDF-4 classic model' : 'netCDF-4',
      dimensions,
      variables,
      attributes: readAttributes(rootAttrs),
    };
  }

  /** A whole variable, flattened in C order (scalars: one value). */
  read(variable: string): Float64Array | Float32Array | Int32Array | Int16Array | Int8Array {
    const dataset = this.dataset(variable);
    return asNumeric(dataset.value, variable);
  }

  /** `count[i]` values from `start[i]` along each dimension, flattened in C order. */
  readSlab(
    variable: string,
    start: readonly number[],
    count: readonly number[],
  ): Float64Array | Float32Array | Int32Array | Int16Array | Int8Array {
    const dataset = this.dataset(variable);
    const ranges = start.map((s, i) => [s, s + count[i]!] as [number, number]);
    return asNumeric(dataset.slice(ranges), variable);
  }

  /**
   * Like `readSlab`, but without copying the values out of h5wasm's memory:
   * `use` gets a view of a buffer the reader reuses from read to read, valid
   * only until `use` returns (and while it makes no other h5wasm call). For
   * little-endian integer and float variables; others go through `readSlab`.
   */
  withSlab<T>(
    variable: string,
    start: readonly number[],
    count: readonly number[],
    use: (values: Float64Array | Float32Array | Int32Array | Int16Array | Int8Array) => T,
  ): T {
    const dataset = this.dataset(variable);
    const module = h5Module();
    const metadata = dataset.metadata;
    const View =
      module && metadata.littleEndian ? numericView(metadata.type, metadata.size, metadata.signed) : null;
    if (!module || !View || !metadata.shape || metadata.shape.length !== start.length || metadata.vlen) {
      return use(this.readSlab(variable, start, count));
    }
    const n = count.reduce((a, b) => a * b, 1);
    const nbytes = n * metadata.size;
    if (nbytes > this.bufferBytes) {
      if (this.buffer) module._free(this.buffer);
      this.buffer = 0;
      this.bufferBytes = 0;
      const pointer = module._malloc(Math.max(nbytes, 8));
      if (pointer === 0) throw new Error(`cannot allocate ${nbytes} bytes to read ${variable}`);
      this.buffer = pointer;
      this.bufferBytes = nbytes;
    }
    const status = module.get_dataset_data(
      this.file.file_id as bigint,
      dataset.path,
      count.map((c) => BigInt(c)),
      start.map((s) => BigInt(s)),
      count.map(() => 1n),
      BigInt(this.buffer),
    );
    if (status < 0) throw new Error(`cannot read ${variable} from ${this.path} (status ${status})`);
    // The view is made after the read: memory growth during it replaces HEAPU8's buffer.
    return use(new View(module.HEAPU8.buffer as ArrayBuffer, this.buffer, n));
  }

  close(): void {
    this.datasets.clear();
    if (this.buffer) h5Module()?._free(this.buffer);
    this.buffer = 0;
    this.bufferBytes = 0;
    this.file.close();
  }

  private dataset(name: string): H5Dataset {
    const known = this.datasets.get(name);
    if (known) return known;
    const entity = this.file.get(name);
    if (!entity || (entity as { type?: string }).type !== 'Dataset') {
      throw new Error(`${this.path} has no variable ${name}`);
    }
    this.datasets.set(name, entity as H5Dataset);
    return entity as H5Dataset;
  }
}

function readAttributes(attrs: Record<string, { value: unknown }>): Record<string, NcAttributeRead> {
  const out: Record<string, NcAttributeRead> = {};
  for (const [name, attribute] of Object.entries(attrs)) {
    if (RESERVED_ATTRIBUTES.has(name)) continue;
    const value = attribute.value;
    if (typeof value === 'string') out[name] = value.replace(/\0+$/, '');
    else if (typeof value === 'number' || typeof value === 'bigint') out[name] = Number(value);
    else if (ArrayBuffer.isView(value)) {
      const values = Array.from(value as unknown as ArrayLike<number>, Number);
      out[name] = values.length === 1 ? values[0]! : values;
    } else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      out[name] = value.join('');
    } else if (value === null) out[name] = '';
  }
  return out;
}

function firstNumber(value: unknown): number {
  if (typeof value === 'number' || typeof value === 'bigint') return Number(value);
  if (ArrayBuffer.isView(value)) return Number((value as unknown as ArrayLike<number>)[0]);
  return NaN;
}

type NumericView =
  | Float64ArrayConstructor
  | Float32ArrayConstructor
  | Int32ArrayConstructor
  | Int16ArrayConstructor
  | Int8ArrayConstructor;

/** The typed array for an HDF5 type class (0 integer, 1 float), size and sign, when readSlab would give one. */
function numericView(typeClass: number, size: number, signed: boolean): NumericView | null {
  if (typeClass === 1) return size === 8 ? Float64Array : size === 4 ? Float32Array : null;
  if (typeClass === 0 && signed)
    return size === 4 ? Int32Array : size === 2 ? Int16Array : size === 1 ? Int8Array : null;
  return null;
}

function asNumeric(
  value: unknown,
  variable: string,
): Float64Array | Float32Array | Int32Array | Int16Array | Int8Array {
  if (
    value instanceof Float64Array ||
    value instanceof Float32Array ||
    value instanceof Int32Array ||
    value instanceof Int16Array ||
    value instanceof Int8Array
  ) {
    return value;
  }
  if (typeof value === 'number') return Float64Array.of(value);
  throw new Error(`variable ${variable} is not numeric`);
}
