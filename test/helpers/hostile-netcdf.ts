/**
 * A corpus of hostile NetCDF-4 files, made by the test that uses it: files
 * whose headers declare what no GEOS-Chem run writes (huge grids with no data
 * behind them, chunks of one value or of hundreds of MB), truncated files and
 * garbage. Written with the project's writer (shared/science/netcdf/writer.ts),
 * with h5wasm directly, or by byte surgery on a valid file.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadH5wasm } from '#shared/science/netcdf/h5.js';
import { NetcdfWriter } from '#shared/science/netcdf/writer.js';
import { repoRoot } from './local-dynamodb.js';

export interface HostileFile {
  /** A GEOS-Chem output name, so the results processor reads it as NetCDF. */
  name: string;
  path: string;
  what: string;
  /** What the refusal must say. */
  reason: RegExp;
}

const FIXTURE = path.join(repoRoot, 'test/fixtures/geoschem_nc/GEOSChem.SpeciesConc.20180505_0000z.nc4');
const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Deterministic bytes (SHA-256 in counter mode), so a failure can be replayed. */
export function pseudoRandomBytes(length: number, seed: string): Buffer {
  const out = Buffer.alloc(length);
  for (let offset = 0, block = 0; offset < length; block++) {
    const digest = createHash('sha256').update(`${seed}:${block}`).digest();
    offset += digest.copy(out, offset);
  }
  return out;
}

/** A SpeciesConc-like file on a lat-lon grid whose variables are declared and never written. */
async function declaredOnly(file: string, grid: { lev: number; lat: number; lon: number }): Promise<void> {
  const writer = await NetcdfWriter.create(file);
  writer.addDimension('time', 1);
  writer.addDimension('lev', grid.lev);
  writer.addDimension('lat', grid.lat);
  writer.addDimension('lon', grid.lon);
  writer.addVariable('AREA', { type: 'float', dims: ['lat', 'lon'], attributes: { units: 'm2' } });
  writer.addVariable('SpeciesConcVV_O3', {
    type: 'float',
    dims: ['time', 'lev', 'lat', 'lon'],
    attributes: { units: 'mol mol-1 dry' },
  });
  writer.endDefine();
  writer.close();
}

const CHUNKED_SHAPE = [1, 72, 120, 240];

/**
 * A plausible file (8 MB of one value, deflated to some 45 KB) whose chunk
 * shape, in the dataset's layout message, is replaced by `chunks`. h5wasm
 * writes version-1 object headers here (no creation order tracked), which
 * carry no checksum, so the edited file still opens.
 */
async function withChunks(file: string, chunks: number[]): Promise<void> {
  const h5 = await loadH5wasm();
  const source = `${file}.source`;
  const created = new h5.File(source, 'w', { libver: ['earliest', 'v110'] } as never);
  const size = CHUNKED_SHAPE.reduce((a, b) => a * b, 1);
  created.create_dataset({
    name: 'SpeciesConcVV_O3',
    data: new Float32Array(size).fill(1e-9),
    shape: CHUNKED_SHAPE,
    maxshape: [null, ...CHUNKED_SHAPE.slice(1)],
    chunks: CHUNKED_SHAPE,
    dtype: '<f',
    compression: 'gzip',
    compression_opts: 1,
  } as never);
  created.close();
  const bytes = readFileSync(source);
  // The layout message stores the chunk shape and then the value size, as 32-bit integers.
  const pattern = Buffer.alloc(4 * (CHUNKED_SHAPE.length + 1));
  [...CHUNKED_SHAPE, 4].forEach((n, i) => pattern.writeUInt32LE(n, 4 * i));
  const at = bytes.indexOf(pattern);
  if (at < 0 || bytes.indexOf(pattern, at + 1) >= 0) {
    throw new Error('the chunk shape is not in the file exactly once');
  }
  chunks.forEach((n, i) => bytes.writeUInt32LE(n, at + 4 * i));
  writeFileSync(file, bytes);
}

/** Writes the corpus into `dir` and describes each file. */
export async function writeHostileCorpus(dir: string): Promise<HostileFile[]> {
  const at = (step: number): string =>
    `GEOSChem.SpeciesConc.201805${String(10 + step).padStart(2, '0')}_0000z.nc4`;
  const files: HostileFile[] = [];
  const add = async (what: string, reason: RegExp, write: (file: string) => Promise<void> | void) => {
    const name = at(files.length);
    const file = path.join(dir, name);
    await write(file);
    files.push({ name, path: file, what, reason });
  };
  await add(
    'a 12000 x 12000 grid declared in 7 KB',
    /horizontal grid has 144,000,000 cells, more than the 16,777,216 allowed/,
    (file) => declaredOnly(file, { lev: 1, lat: 12_000, lon: 12_000 }),
  );
  await add(
    '72 levels of 4000 x 4000 declared in a few KB',
    /declares [\d,]+ MiB of data in a file of \d+ bytes, more than compression can explain/,
    (file) => declaredOnly(file, { lev: 72, lat: 4000, lon: 4000 }),
  );
  await add(
    'two million chunks of one value each',
    /SpeciesConcVV_O3 is cut into 2,073,600 chunks \(1 x 1 x 1 x 1\)/,
    (file) => withChunks(file, [1, 1, 1, 1]),
  );
  await add(
    'one chunk of 791 MiB',
    /SpeciesConcVV_O3 has chunks of 791 MiB \(100 x 72 x 120 x 240\)/,
    (file) => withChunks(file, [100, 72, 120, 240]),
  );
  const valid = readFileSync(FIXTURE);
  await add('a real output cut at 60%', /NetCDF|HDF5|truncated|cannot/i, (file) =>
    writeFileSync(file, valid.subarray(0, Math.floor(valid.length * 0.6))),
  );
  await add('a real output whose middle is overwritten with garbage', /NetCDF|HDF5|cannot|read/i, (file) => {
    const bytes = Buffer.from(valid);
    const from = Math.floor(bytes.length * 0.3);
    pseudoRandomBytes(Math.floor(bytes.length * 0.5), 'overwritten').copy(bytes, from);
    writeFileSync(file, bytes);
  });
  await add('a real output cut inside its superblock', /NetCDF|HDF5|cannot/i, (file) =>
    writeFileSync(file, valid.subarray(0, 40)),
  );
  await add('the HDF5 signature and then garbage', /NetCDF|HDF5|cannot/i, (file) =>
    writeFileSync(file, Buffer.concat([HDF5_SIGNATURE, pseudoRandomBytes(64 * 1024, 'garbage')])),
  );
  await add('garbage', /not a NetCDF-4 file \(no HDF5 signature\)/, (file) =>
    writeFileSync(file, pseudoRandomBytes(64 * 1024, 'plain garbage')),
  );
  await add('an empty file', /not a NetCDF-4 file \(no HDF5 signature\)/, (file) => writeFileSync(file, ''));
  return files;
}
