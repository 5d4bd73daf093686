/**
 * writeSurfaceMeans / readSurfaceMeans on real GEOS-Chem collections, against
 * time means of level index 0 computed independently with /usr/bin/python3
 * (Debian python3-netcdf4 and numpy), run from the repository root on the
 * fixtures (copies of the reference files, see test/fixtures/geoschem_nc/README.md):
 *
 *   import netCDF4, numpy as np
 *   F = 'test/fixtures/geoschem_nc/'
 *   one = F + 'hourly/GEOSChem.SpeciesConc.20180505_0000z.nc4'
 *   two = [F + 'GEOSChem.SpeciesConc.20180505_%s00z.nc4' % h for h in ('00', '01')]
 *   def lev0(path):
 *       return netCDF4.Dataset(path)['SpeciesConcVV_CH4'][:, 0].astype('f8')  # masked at _FillValue
 *   m24 = lev0(one).mean(axis=0)                                   # one file, 24 hourly steps
 *   m2 = np.ma.concatenate([lev0(p) for p in two]).mean(axis=0)    # two files, one step each
 *   for m in (m24, m2): print(m[0, 0], m[22, 17], m[44, 34], m.mean())
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NetcdfReader } from '#shared/science/netcdf/reader.js';
import { NetcdfWriter } from '#shared/science/netcdf/writer.js';
import {
  readSurfaceMeans,
  SURFACE_FILL_VALUE,
  writeSurfaceMeans,
} from '#shared/science/results/surface-means.js';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const FIXTURES = path.join(ROOT, 'test/fixtures/geoschem_nc');
const HOURLY = path.join(FIXTURES, 'hourly/GEOSChem.SpeciesConc.20180505_0000z.nc4');
const PER_STEP = ['00', '01'].map((h) => path.join(FIXTURES, `GEOSChem.SpeciesConc.20180505_${h}00z.nc4`));
const GCHP = fileURLToPath(
  new URL('../../../../fixtures/geoschem_nc/GCHP.SpeciesConc.20180101_1200z.nc4', import.meta.url),
);

function expectClose(actual: number | undefined, expected: number): void {
  expect(typeof actual).toBe('number');
  // The means are stored as float32: 1e-6 relative covers the rounding.
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1e-6);
}

function meanOf(values: Float32Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gcr-surface-means-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeSurfaceMeans on real GEOS-Chem output', () => {
  it('averages level 0 over the 24 hourly steps of one file, as numpy does', async () => {
    const out = path.join(dir, 'SpeciesConc-hourly.nc4');
    const summary = await writeSurfaceMeans([HOURLY], out);
    expect(summary).toEqual({ variables: ['SpeciesConcVV_CH4'], timeSteps: 24, grid: 'lat-lon' });
    const means = await readSurfaceMeans(out);
    const ch4 = means.variables.get('SpeciesConcVV_CH4')!;
    expectClose(ch4.data[0], 1.9031860413557904e-6);
    expectClose(ch4.data[22 * 35 + 17], 1.96385164485946e-6);
    expectClose(ch4.data[44 * 35 + 34], 1.95953447246211e-6);
    expectClose(meanOf(ch4.data), 1.9330310687844944e-6);
    expect(ch4.units).toBe('mol mol-1 dry');
    expect(ch4.longName).toBe('Concentration of species CH4');
    expect(means.area).toHaveLength(45 * 35);
    expect(means.grid.kind).toBe('lat-lon');
  });

  it('averages over a collection of one file per time step, in batches or all at once alike', async () => {
    const whole = path.join(dir, 'SpeciesConc-two.nc4');
    const batched = path.join(dir, 'SpeciesConc-two-batched.nc4');
    expect((await writeSurfaceMeans(PER_STEP, whole)).timeSteps).toBe(2);
    // A budget smaller than one variable's accumulators: one variable per pass.
    await writeSurfaceMeans(PER_STEP, batched, { maxAccumulatorBytes: 1 });
    const ch4 = (await readSurfaceMeans(whole)).variables.get('SpeciesConcVV_CH4')!;
    expectClose(ch4.data[0], 1.8946906266137375e-6);
    expectClose(ch4.data[22 * 35 + 17], 1.9391277419344988e-6);
    expectClose(ch4.data[44 * 35 + 34], 1.9501717360981274e-6);
    expectClose(meanOf(ch4.data), 1.9181306429129023e-6);
    expect((await readSurfaceMeans(batched)).variables.get('SpeciesConcVV_CH4')!.data).toEqual(ch4.data);
  });

  it('writes a NetCDF-4 file with lat/lon, AREA and float means', async () => {
    const out = path.join(dir, 'SpeciesConc-header.nc4');
    await writeSurfaceMeans(PER_STEP, out);
    const reader = await NetcdfReader.open(out);
    try {
      const header = reader.header();
      expect(header.dimensions.map((d) => [d.name, d.length])).toEqual([
        ['lat', 45],
        ['lon', 35],
      ]);
      const byName = new Map(header.variables.map((v) => [v.name, v]));
      expect(byName.get('lat')!.dims).toEqual(['lat']);
      expect(byName.get('AREA')!.attributes['units']).toBe('m2');
      const ch4 = byName.get('SpeciesConcVV_CH4')!;
      expect(ch4).toMatchObject({ type: 'float', dims: ['lat', 'lon'] });
      expect(ch4.attributes).toMatchObject({ units: 'mol mol-1 dry', cell_methods: 'time: mean' });
      expect(ch4.attributes['_FillValue']).toBeCloseTo(SURFACE_FILL_VALUE, -30);
    } finally {
      reader.close();
    }
  });

  it('keeps the cubed-sphere grid of a GCHP file: nf/Ydim/Xdim with lats/lons', async () => {
    const out = path.join(dir, 'GCHP.nc4');
    const summary = await writeSurfaceMeans([GCHP], out);
    expect(summary).toEqual({ variables: ['SpeciesConc_O3'], timeSteps: 1, grid: 'cubed-sphere' });
    const means = await readSurfaceMeans(out);
    expect(means.grid).toMatchObject({ kind: 'cubed-sphere', faces: 6, n: 24 });
    if (means.grid.kind !== 'cubed-sphere') return;
    expect(means.grid.lats).toHaveLength(6 * 24 * 24);
    const o3 = means.variables.get('SpeciesConc_O3')!;
    // Level index 0 of time 0 (python3-netcdf4: ['SpeciesConc_O3'][0, 0][0, 0, 0] and [5, 10, 3]).
    expectClose(o3.data[0], 2.0584909776744098e-8);
    expectClose(o3.data[(5 * 24 + 10) * 24 + 3], 1.0808303585463364e-8);
    const reader = await NetcdfReader.open(out);
    try {
      const names = reader.header().variables.map((v) => v.name);
      expect(names).toEqual(expect.arrayContaining(['nf', 'Ydim', 'Xdim', 'lats', 'lons', 'SpeciesConc_O3']));
    } finally {
      reader.close();
    }
  });
});

describe('writeSurfaceMeans on written files', () => {
  async function writeSource(file: string, nlat: number, values: number[]): Promise<void> {
    const writer = await NetcdfWriter.create(file);
    writer
      .addDimension('time', 'unlimited')
      .addDimension('lat', nlat)
      .addDimension('lon', 2)
      .addVariable('lat', { type: 'double', dims: ['lat'] })
      .addVariable('lon', { type: 'double', dims: ['lon'] })
      .addVariable('Emis', {
        type: 'float',
        dims: ['time', 'lat', 'lon'],
        fillValue: -1,
        attributes: { units: 'kg/m2/s' },
      });
    writer.endDefine();
    writer.write(
      'lat',
      Float64Array.from({ length: nlat }, (_, i) => i),
    );
    writer.write('lon', [0, 5]);
    writer.write('Emis', values);
    writer.close();
  }

  it('writes the fill value where no step had a value, and readSurfaceMeans gives NaN there', async () => {
    const a = path.join(dir, 'a.nc4');
    const b = path.join(dir, 'b.nc4');
    await writeSource(a, 1, [1, -1]);
    await writeSource(b, 1, [3, -1]);
    const out = path.join(dir, 'ab.nc4');
    await writeSurfaceMeans([a, b], out);
    const reader = await NetcdfReader.open(out);
    try {
      expect(Array.from(reader.read('Emis'))).toEqual([2, Math.fround(SURFACE_FILL_VALUE)]);
    } finally {
      reader.close();
    }
    const emis = (await readSurfaceMeans(out)).variables.get('Emis')!;
    expect(Array.from(emis.data)).toEqual([2, NaN]);
    expect(emis).toMatchObject({ units: 'kg/m2/s', longName: null });
  });

  it('refuses a collection whose files are on different grids, naming the file', async () => {
    const a = path.join(dir, 'grid1.nc4');
    const b = path.join(dir, 'grid2.nc4');
    await writeSource(a, 1, [1, 2]);
    await writeSource(b, 2, [1, 2, 3, 4]);
    await expect(writeSurfaceMeans([a, b], path.join(dir, 'bad.nc4'))).rejects.toThrow(
      /grid2\.nc4: horizontal grid lat=2, lon=2 differs from the first file's lat=1, lon=2/,
    );
  });
});
