import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NcFileRead, NcVariableRead } from '#shared/science/netcdf/reader.js';
import {
  checkNetcdfLimits,
  ImplausibleNetcdfError,
  timeBudget,
} from '#shared/science/results/file-limits.js';
import { computeMetrics } from '#shared/science/results/metrics.js';
import { readSurfaceField } from '#shared/science/results/surface-field.js';
import { readSurfaceMeans, writeSurfaceMeans } from '#shared/science/results/surface-means.js';
import { writeHostileCorpus, type HostileFile } from '#test/helpers/hostile-netcdf.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';

const VALID = path.join(repoRoot, 'test/fixtures/geoschem_nc/GEOSChem.SpeciesConc.20180505_0000z.nc4');

function variable(name: string, shape: number[], chunks: number[] | null = null): NcVariableRead {
  return {
    name,
    type: 'float',
    dims: shape.map((_, i) => ['time', 'lev', 'lat', 'lon'].slice(-shape.length)[i]!),
    shape,
    attributes: {},
    chunks,
    deflateLevel: 1,
  };
}

function header(variables: NcVariableRead[], dims: Record<string, number> = {}): NcFileRead {
  return {
    format: 'netCDF-4',
    dimensions: Object.entries(dims).map(([name, length]) => ({ name, length, unlimited: false })),
    variables,
    attributes: {},
  };
}

const reasonOf = (run: () => void): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ImplausibleNetcdfError);
    return (error as ImplausibleNetcdfError).reason;
  }
  throw new Error('not refused');
};

describe('checkNetcdfLimits: what a header may declare before anything is read', () => {
  it('refuses a horizontal grid over the limit (a 12000x12000 grid declared in 7 KB)', () => {
    const huge = header([variable('SpeciesConcVV_O3', [1, 12_000, 12_000], [1, 1000, 1000])], {
      lat: 12_000,
      lon: 12_000,
    });
    expect(reasonOf(() => checkNetcdfLimits('f.nc4', huge, 7_749))).toBe(
      'its horizontal grid has 144,000,000 cells, more than the 16,777,216 allowed',
    );
  });

  it('refuses more declared data than deflate could have compressed into the file', () => {
    const declared = header([variable('O3', [72, 1000, 1000], [1, 1000, 1000])], { lat: 1000, lon: 1000 });
    // 288 MB in 200 KB is 1440:1; deflate stops at 1032:1.
    expect(reasonOf(() => checkNetcdfLimits('f.nc4', declared, 200_000))).toMatch(
      /^it declares 275 MiB of data in a file of 200000 bytes, more than compression can explain/,
    );
    // The same header in a file of 1 MB is plausible.
    expect(() => checkNetcdfLimits('f.nc4', declared, 1_000_000)).not.toThrow();
  });

  it('refuses a chunk larger than 64 MiB (HDF5 reads a chunk whole into its memory)', () => {
    const big = header([variable('O3', [1000, 200, 200], [1000, 200, 200])]);
    expect(reasonOf(() => checkNetcdfLimits('f.nc4', big, 160e6))).toBe(
      'variable O3 has chunks of 153 MiB (1000 x 200 x 200), more than 64 MiB',
    );
  });

  it('refuses a variable cut into more chunks than the limit, and a dimension of 2^64 (Infinity, NaN)', () => {
    const tiny = header([variable('O3', [72, 200, 200], [1, 1, 1])]);
    expect(reasonOf(() => checkNetcdfLimits('f.nc4', tiny, 20e6))).toBe(
      'variable O3 is cut into 2,880,000 chunks (1 x 1 x 1), more than the 1,048,576 allowed',
    );
    const endless = header([variable('O3', [2 ** 64, 10], [1, 10])]);
    expect(() => checkNetcdfLimits('f.nc4', endless, 1e9)).toThrow(ImplausibleNetcdfError);
    const nan = header([variable('O3', [NaN, 10], [1, 10])]);
    expect(() => checkNetcdfLimits('f.nc4', nan, 1e9)).toThrow(ImplausibleNetcdfError);
  });

  it('lets through what GEOS-Chem writes: 0.25x0.3125 global, 72 levels, 24 hourly steps, well compressed', () => {
    const global = header(
      [variable('SpeciesConcVV_O3', [24, 72, 721, 1152], [1, 1, 721, 1152]), variable('AREA', [721, 1152])],
      { time: 24, lev: 72, lat: 721, lon: 1152 },
    );
    expect(() => checkNetcdfLimits('f.nc4', global, 600e6)).not.toThrow();
  });
});

describe('every reader of outputs refuses the hostile corpus with the reason, and stays usable', () => {
  let dir: string;
  let corpus: HostileFile[];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gcr-hostile-'));
    corpus = await writeHostileCorpus(dir);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a 7 KB NetCDF file declaring a 12000x12000 grid took 46 s and 2.9 GB: computeMetrics now refuses it, and each hostile file, with its reason', async () => {
    for (const file of corpus) {
      const error = await computeMetrics(file.path).then(
        () => new Error(`${file.what}: read as if it were valid`),
        (e: unknown) => e as Error,
      );
      expect(`${file.what}: ${error.message}`).toMatch(file.reason);
    }
    // h5wasm is not left broken by what it was shown: a valid file still reads.
    expect((await computeMetrics(VALID)).variables.map((v) => v.name)).toEqual(['SpeciesConcVV_CH4']);
  }, 120_000);

  it('surface means, surface fields and stored means refuse the declared-only and absurdly chunked files before allocating', async () => {
    for (const file of corpus.filter((f) => /declared|chunk/.test(f.what))) {
      const out = path.join(dir, 'surface.nc4');
      await expect(writeSurfaceMeans([file.path], out)).rejects.toThrow(ImplausibleNetcdfError);
      await expect(writeSurfaceMeans([VALID, file.path], out)).rejects.toThrow(ImplausibleNetcdfError);
      await expect(readSurfaceField(file.path, 'SpeciesConcVV_O3')).rejects.toThrow(ImplausibleNetcdfError);
      await expect(readSurfaceMeans(file.path)).rejects.toThrow(ImplausibleNetcdfError);
    }
  }, 120_000);
});

describe('timeBudget', () => {
  it("stops long work at its next checkpoint once the deadline has passed, with the caller's error", async () => {
    let now = 1_000;
    const budget = timeBudget(
      2_000,
      () => new Error('out of time'),
      () => now,
    );
    expect(() => budget.check()).not.toThrow();
    now = 2_000;
    expect(() => budget.check()).toThrow('out of time');
    await expect(computeMetrics(VALID, { budget })).rejects.toThrow('out of time');
  });
});
