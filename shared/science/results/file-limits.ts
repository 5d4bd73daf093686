/**
 * What a NetCDF file may declare before any of its data is read. A NetCDF-4
 * (HDF5) header can declare any shape at no cost: a 7 KB file may declare a
 * 12000 x 12000 grid whose chunks were never written (HDF5 stores no chunk it
 * was not given; reads return the fill value), or chunks of one value each, or
 * chunks of hundreds of MB. Reading such a file allocates and loops by its
 * declared sizes: minutes and gigabytes for a few kilobytes. Every reader of
 * outputs (metrics, surface means, previews) checks the header against these
 * limits first and refuses, with the reason, what no GEOS-Chem run writes.
 *
 * The limits, and why each holds for real output:
 * - declared bytes against the file's bytes: deflate, the one compression
 *   netCDF-4 and GEOS-Chem use, cannot shrink data more than 1032:1, so a
 *   file that declares more than that (with some room) holds chunks that were
 *   never written, or a compression this reader does not have;
 * - declared bytes in all: processing time is proportional to them
 *   (`npm run bench:results`: about 16 s per GB);
 * - horizontal cells: per-cell sums and the cell area are held whole (GEOS-Chem's
 *   finest global grids: 0.25x0.3125 is 721 x 1152 = 0.8 M cells, GCHP C720
 *   is 3.1 M);
 * - chunk size and chunk count: a chunk is read whole into HDF5's memory, and
 *   each chunk costs an index lookup (netCDF's default chunks are at most 4 MB;
 *   GEOS-Chem's are one level of one time step).
 */
import { stat } from 'node:fs/promises';
import type { NcFileRead, NcVariableRead } from '../netcdf/reader.js';

export interface NetcdfLimits {
  /** Largest declared size of all numeric variables, in bytes (default 32 GiB). */
  maxDeclaredBytes: number;
  /** Largest declared size per byte of file (default 1100: deflate's ceiling is 1032). */
  maxDeclaredBytesPerFileByte: number;
  /** Declared bytes every file may have whatever its size (default 1 MiB: headers, coordinates). */
  declaredBytesAllowance: number;
  /** Largest horizontal grid, in cells (default 16,777,216 = 4096 x 4096). */
  maxHorizontalCells: number;
  /** Largest chunk of one variable, in bytes (default 64 MiB). */
  maxChunkBytes: number;
  /** Most chunks in one variable (default 1,048,576). */
  maxChunksPerVariable: number;
  /** Most variables in one file (default 20,000). */
  maxVariables: number;
}

export const DEFAULT_NETCDF_LIMITS: Readonly<NetcdfLimits> = Object.freeze({
  maxDeclaredBytes: 32 * 1024 ** 3,
  maxDeclaredBytesPerFileByte: 1100,
  declaredBytesAllowance: 1024 ** 2,
  maxHorizontalCells: 4096 * 4096,
  maxChunkBytes: 64 * 1024 ** 2,
  maxChunksPerVariable: 1 << 20,
  maxVariables: 20_000,
});

/** A file whose header declares more than any GEOS-Chem output could hold, or more than the limits allow. */
export class ImplausibleNetcdfError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}; not read`);
    this.name = 'ImplausibleNetcdfError';
  }
}

const TYPE_BYTES: Readonly<Record<string, number>> = { byte: 1, short: 2, int: 4, float: 4, double: 8 };

/** Bytes per value of a variable (its HDF5 size for types outside netCDF's classic set, taken as 8). */
function valueBytes(variable: NcVariableRead): number {
  return TYPE_BYTES[variable.type] ?? 8;
}

function product(values: readonly number[]): number {
  return values.reduce((a, b) => a * b, 1);
}

const MIB = 1024 ** 2;
const sizeOf = (bytes: number): string =>
  bytes >= 10 * MIB ? `${Math.round(bytes / MIB).toLocaleString('en')} MiB` : `${bytes} bytes`;

/**
 * Throws an ImplausibleNetcdfError naming the first limit the header breaks.
 * Comparisons are written so that NaN and Infinity (a dimension of 2^64) fail too.
 */
export function checkNetcdfLimits(
  file: string,
  header: NcFileRead,
  fileBytes: number,
  limits: NetcdfLimits = DEFAULT_NETCDF_LIMITS,
): void {
  const refuse = (reason: string): never => {
    throw new ImplausibleNetcdfError(file, reason);
  };
  if (!(header.variables.length <= limits.maxVariables)) {
    refuse(`${header.variables.length} variables, more than the ${limits.maxVariables} allowed`);
  }
  const cells = horizontalCells(header);
  if (!(cells <= limits.maxHorizontalCells)) {
    refuse(
      `its horizontal grid has ${cells.toLocaleString('en')} cells, more than the ` +
        `${limits.maxHorizontalCells.toLocaleString('en')} allowed`,
    );
  }
  let declared = 0;
  for (const variable of header.variables) {
    const size = product(variable.shape);
    const bytes = size * valueBytes(variable);
    declared += bytes;
    if (!variable.chunks || size === 0) continue;
    const chunkBytes = product(variable.chunks) * valueBytes(variable);
    if (!(chunkBytes <= limits.maxChunkBytes)) {
      refuse(
        `variable ${variable.name} has chunks of ${sizeOf(chunkBytes)} (${variable.chunks.join(' x ')}), ` +
          `more than ${sizeOf(limits.maxChunkBytes)}`,
      );
    }
    const chunks = product(variable.shape.map((length, i) => Math.ceil(length / variable.chunks![i]!)));
    if (!(chunks <= limits.maxChunksPerVariable)) {
      refuse(
        `variable ${variable.name} is cut into ${chunks.toLocaleString('en')} chunks ` +
          `(${variable.chunks.join(' x ')}), more than the ${limits.maxChunksPerVariable.toLocaleString('en')} allowed`,
      );
    }
  }
  if (!(declared <= limits.maxDeclaredBytes)) {
    refuse(`it declares ${sizeOf(declared)} of data, more than ${sizeOf(limits.maxDeclaredBytes)}`);
  }
  const plausible = fileBytes * limits.maxDeclaredBytesPerFileByte + limits.declaredBytesAllowance;
  if (!(declared <= plausible)) {
    refuse(
      `it declares ${sizeOf(declared)} of data in a file of ${sizeOf(fileBytes)}, more than ` +
        `compression can explain (chunks never written, or a compression this reader does not have)`,
    );
  }
}

/** The header, checked against the limits (the file's size read from disk). */
export async function checkNetcdfFile(
  path: string,
  header: NcFileRead,
  limits: NetcdfLimits = DEFAULT_NETCDF_LIMITS,
): Promise<NcFileRead> {
  checkNetcdfLimits(path, header, (await stat(path)).size, limits);
  return header;
}

/** Cells of the horizontal grid (lat x lon, or nf x Ydim x Xdim); 0 without one. */
function horizontalCells(header: NcFileRead): number {
  const length = (name: string): number | undefined => header.dimensions.find((d) => d.name === name)?.length;
  const cubed = ['nf', 'Ydim', 'Xdim'].map(length);
  if (cubed.every((n) => n !== undefined)) return product(cubed as number[]);
  const latLon = ['lat', 'lon'].map(length);
  if (latLon.every((n) => n !== undefined)) return product(latLon as number[]);
  return 0;
}

/**
 * Stops long work at its checkpoints once its time is up. The science code
 * calls `check()` between slabs, variables and files; the caller decides what
 * the error says (the results processor: the function's time is nearly out).
 */
export interface TimeBudget {
  check(): void;
}

export function timeBudget(deadline: number, expired: () => Error, now: () => number = Date.now): TimeBudget {
  return {
    check() {
      if (now() >= deadline) throw expired();
    },
  };
}
