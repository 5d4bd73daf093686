/**
 * readSurfaceField on real GEOS-Chem files (GC Classic lat-lon, GCHP C24
 * cubed-sphere, HEMCO 2-D diagnostics) against values read with
 * python3-netcdf4, and on files written here with known values (fills, NaN,
 * time means, a demo-model-sized 4-D variable read slab by slab).
 *
 * Expected values: /usr/bin/python3 (Debian python3-netcdf4, numpy):
 *   d = netCDF4.Dataset('test/fixtures/geoschem_nc/GEOSChem.SpeciesConc.20180505_0000z.nc4')
 *   v = d['SpeciesConcVV_CH4'][0, 0]            # time 0, lev index 0
 *   v[0, 0], v[22, 17], v[44, 34]
 *   g = netCDF4.Dataset('test/fixtures/geoschem_nc/GCHP.SpeciesConc.20180101_1200z.nc4')['SpeciesConc_O3'][0, 0]
 *   g[0, 0, 0], g[2, 23, 23], g[5, 10, 3]
 *   h = netCDF4.Dataset('test/fixtures/geoschem_nc/HEMCO_diagnostics.201905010000.nc')['EmisCH4_Wetlands'][0]
 *   h[30, 20], h.max()
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NetcdfReader } from '#shared/science/netcdf/reader.js';
import { NetcdfWriter } from '#shared/science/netcdf/writer.js';
import { readSurfaceField, SurfaceFieldError } from '#shared/science/results/surface-field.js';

const FIXTURES = fileURLToPath(new URL('../../../../fixtures/geoschem_nc/', import.meta.url));
const fixture = (name: string): string => path.join(FIXTURES, name);

function expectClose(actual: number | undefined, expected: number): void {
  expect(typeof actual).toBe('number');
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1e-6);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gcr-surface-field-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readSurfaceField on real GEOS-Chem files', () => {
  it('reads level 0 of a GC Classic lat-lon SpeciesConc with its coordinates', async () => {
    const field = await readSurfaceField(
      fixture('GEOSChem.SpeciesConc.20180505_0000z.nc4'),
      'SpeciesConcVV_CH4',
    );
    expect(field.grid.kind).toBe('lat-lon');
    if (field.grid.kind !== 'lat-lon') return;
    expect(field.grid.lat).toHaveLength(45);
    expect(field.grid.lon).toHaveLength(35);
    expect(field.grid.lat[0]).toBe(26);
    expect(field.grid.lon[0]).toBe(-108.75);
    expect(field.data).toHaveLength(45 * 35);
    expectClose(field.data[0], 1.8945959254779154e-6);
    expectClose(field.data[22 * 35 + 17], 1.9314943529025186e-6);
    expectClose(field.data[44 * 35 + 34], 1.9501569568092236e-6);
    expect(field.units).toBe('mol mol-1 dry');
    expect(field.longName).toBe('Concentration of species CH4');
    expect(field.time).toEqual({ kind: 'mean', steps: 1 });
  });

  it('reads level index 0 (the surface) of a GCHP cubed-sphere file with lats/lons', async () => {
    const field = await readSurfaceField(fixture('GCHP.SpeciesConc.20180101_1200z.nc4'), 'SpeciesConc_O3', {
      time: 0,
    });
    expect(field.grid).toMatchObject({ kind: 'cubed-sphere', faces: 6, n: 24 });
    if (field.grid.kind !== 'cubed-sphere') return;
    expect(field.grid.lats).toHaveLength(6 * 24 * 24);
    expect(field.grid.lons).toHaveLength(6 * 24 * 24);
    expectClose(field.data[0], 2.0584909776744098e-8);
    expectClose(field.data[(2 * 24 + 23) * 24 + 23], 3.199775022721951e-8);
    expectClose(field.data[(5 * 24 + 10) * 24 + 3], 1.0808303585463364e-8);
    expect(field.time).toEqual({ kind: 'step', index: 0 });
  });

  it('takes a field without a vertical dimension (HEMCO 2-D emissions) as it is', async () => {
    const field = await readSurfaceField(fixture('HEMCO_diagnostics.201905010000.nc'), 'EmisCH4_Wetlands');
    expect(field.data).toHaveLength(59 * 48);
    expectClose(field.data[30 * 48 + 20], 2.129685100146772e-12);
    expectClose(Math.max(...field.data), 2.087311157250582e-10);
  });

  it('refuses a time index outside the file and a variable not on the horizontal grid', async () => {
    const file = fixture('GEOSChem.SpeciesConc.20180505_0000z.nc4');
    await expect(readSurfaceField(file, 'SpeciesConcVV_CH4', { time: 1 })).rejects.toThrow(
      /time index 1 is outside 0\.\.0/,
    );
    await expect(readSurfaceField(file, 'hyam')).rejects.toThrow(SurfaceFieldError);
    await expect(readSurfaceField(file, 'NoSuchVariable')).rejects.toThrow(/no variable NoSuchVariable/);
  });
});

describe('readSurfaceField on written files', () => {
  it('masks _FillValue and NaN as NaN and averages each cell over the steps where it has a value', async () => {
    const file = path.join(dir, 'fills.nc4');
    const writer = await NetcdfWriter.create(file);
    writer
      .addDimension('time', 'unlimited')
      .addDimension('lev', 2)
      .addDimension('lat', 2)
      .addDimension('lon', 2)
      .addVariable('lat', { type: 'double', dims: ['lat'] })
      .addVariable('lon', { type: 'double', dims: ['lon'] })
      .addVariable('X', { type: 'float', dims: ['time', 'lev', 'lat', 'lon'], fillValue: -999 });
    writer.endDefine();
    writer.write('lat', [-45, 45]);
    writer.write('lon', [0, 180]);
    // (time, lev, lat, lon); lev 1 holds 100s that must never reach the surface field.
    writer.write('X', [1, 2, -999, NaN, 100, 100, 100, 100, 3, -999, -999, 8, 100, 100, 100, 100]);
    writer.close();

    const mean = await readSurfaceField(file, 'X');
    expect(Array.from(mean.data)).toEqual([2, 2, NaN, 8]);
    expect(mean.time).toEqual({ kind: 'mean', steps: 2 });
    const step0 = await readSurfaceField(file, 'X', { time: 0 });
    expect(Array.from(step0.data)).toEqual([1, 2, NaN, NaN]);
  });

  it('reads a demo-model-sized 4-D variable one horizontal slab per step, never whole', async () => {
    // 4x5 global, 72 levels, 6 steps: 1.4 million values; a slab is 46 x 72.
    const [nt, nlev, nlat, nlon] = [6, 72, 46, 72];
    const file = path.join(dir, 'demo-sized.nc4');
    const writer = await NetcdfWriter.create(file);
    writer
      .addDimension('time', 'unlimited')
      .addDimension('lev', nlev)
      .addDimension('lat', nlat)
      .addDimension('lon', nlon)
      .addVariable('lat', { type: 'double', dims: ['lat'] })
      .addVariable('lon', { type: 'double', dims: ['lon'] })
      .addVariable('SpeciesConcVV_O3', { type: 'float', dims: ['time', 'lev', 'lat', 'lon'] });
    writer.endDefine();
    writer.write(
      'lat',
      Float64Array.from({ length: nlat }, (_, i) => -90 + i * 4),
    );
    writer.write(
      'lon',
      Float64Array.from({ length: nlon }, (_, i) => -180 + i * 5),
    );
    for (let t = 0; t < nt; t++) {
      // value = t + lev + cell / 10000, so the surface mean is 2.5 + cell / 10000.
      const step = new Float32Array(nlev * nlat * nlon);
      for (let k = 0; k < nlev; k++) {
        for (let c = 0; c < nlat * nlon; c++) step[k * nlat * nlon + c] = t + k + c / 10000;
      }
      writer.writeSlab('SpeciesConcVV_O3', [t, 0, 0, 0], [1, nlev, nlat, nlon], step);
    }
    writer.close();

    const readSlab = jest.spyOn(NetcdfReader.prototype, 'readSlab');
    const read = jest.spyOn(NetcdfReader.prototype, 'read');
    try {
      const field = await readSurfaceField(file, 'SpeciesConcVV_O3');
      const slabCalls = readSlab.mock.calls.filter(([name]) => name === 'SpeciesConcVV_O3');
      expect(slabCalls).toHaveLength(nt);
      for (const [, , count] of slabCalls) expect(count).toEqual([1, 1, nlat, nlon]);
      expect(read.mock.calls.filter(([name]) => name === 'SpeciesConcVV_O3')).toHaveLength(0);
      expectClose(field.data[0], 2.5);
      expectClose(field.data[nlat * nlon - 1], 2.5 + (nlat * nlon - 1) / 10000);
    } finally {
      readSlab.mockRestore();
      read.mockRestore();
    }
  });
});
