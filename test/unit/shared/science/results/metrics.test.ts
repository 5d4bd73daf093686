/**
 * computeMetrics on real GEOS-Chem files (GC Classic lat-lon SpeciesConc,
 * Restart and HEMCO diagnostics; a GCHP cubed-sphere SpeciesConc) against
 * numbers computed outside the project with python3-netcdf4 / numpy, and on
 * files written here with known values (fills, NaN, cubed-sphere cell area).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Buffer } from 'node:buffer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NetcdfWriter } from '#shared/science/netcdf/writer.js';
import { hyperslabs } from '#shared/science/results/hyperslab.js';
import {
  computeMetrics,
  NetcdfOpenError,
  type FileMetrics,
  type VariableMetrics,
} from '#shared/science/results/metrics.js';

const FIXTURES = fileURLToPath(new URL('../../../../fixtures/geoschem_nc/', import.meta.url));
const fixture = (name: string): string => path.join(FIXTURES, name);

/** Relative agreement to 1e-6 (absolute 1e-30 when the expected value is 0). */
function expectClose(actual: number | null | undefined, expected: number): void {
  expect(typeof actual).toBe('number');
  const tolerance = Math.max(Math.abs(expected) * 1e-6, 1e-30);
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(tolerance);
}

function variable(metrics: FileMetrics, name: string): VariableMetrics {
  const found = metrics.variables.find((v) => v.name === name);
  if (!found) throw new Error(`no metrics for ${name}`);
  return found;
}

type Expected = [name: string, count: number, min: number, max: number, mean: number, areaMean?: number];

function expectVariables(metrics: FileMetrics, expected: Expected[]): void {
  expect(metrics.variables.map((v) => v.name)).toEqual(expected.map((e) => e[0]));
  for (const [name, count, min, max, mean, areaMean] of expected) {
    const v = variable(metrics, name);
    expect(v.count).toBe(count);
    expectClose(v.min, min);
    expectClose(v.max, max);
    expectClose(v.mean, mean);
    if (areaMean === undefined) expect(v.surfaceAreaWeightedMean).toBeUndefined();
    else {
      expect(v.surfaceAreaWeightedMean).toHaveLength(1);
      expectClose(v.surfaceAreaWeightedMean![0], areaMean);
    }
  }
}

/*
 * Expected values: computed once with python3-netcdf4 1.6.2 and numpy 1.24.2
 * (Debian bookworm packages), independently of this project's code, by
 * running `python3 expected.py *` in test/fixtures/geoschem_nc/, where
 * expected.py is:
 *
 *   import sys, netCDF4, numpy as np
 *   for path, names in [(sys.argv[i], None) for i in range(1, len(sys.argv))]:
 *       ds = netCDF4.Dataset(path); ds.set_auto_mask(False)
 *       area = ds.variables['AREA'][:].astype(np.float64) if 'AREA' in ds.variables else None
 *       print(path)
 *       for name, v in ds.variables.items():
 *           if not name.startswith(('Species', 'Emis', 'Met_')): continue
 *           x = v[:].astype(np.float64)
 *           ok = np.isfinite(x)
 *           for a in ('_FillValue', 'missing_value'):
 *               if a in v.ncattrs(): ok &= x != np.float64(v.getncattr(a))
 *           print(f"  {name}: count={ok.sum()} min={x[ok].min()!r} max={x[ok].max()!r} mean={x[ok].sum() / ok.sum()!r}")
 *           if area is not None and v.dimensions[-2:] == ('lat', 'lon'):
 *               s = (lambda t: x[t, 0]) if 'lev' in v.dimensions else (lambda t: x[t])
 *               o = (lambda t: ok[t, 0]) if 'lev' in v.dimensions else (lambda t: ok[t])
 *               w = [(s(t)[o(t)] * area[o(t)]).sum() / area[o(t)].sum() for t in range(x.shape[0])]
 *               print(f"    areaMean={[float(m) for m in w]!r}")
 *
 * (areaMean: sum(x * AREA) / sum(AREA) over the valid cells of the surface
 * level, lev index 0, of each time step; of the field itself for 2-D fields.)
 */
describe('computeMetrics on real GEOS-Chem files', () => {
  it('GC Classic SpeciesConc (14.x SpeciesConcVV_*, NaN _FillValue, nested 0.25x0.3125): stats and surface area-weighted mean', async () => {
    const metrics = await computeMetrics(fixture('GEOSChem.SpeciesConc.20180505_0000z.nc4'));
    expect(metrics.grid).toBe('lat-lon');
    expect(metrics.format).toBe('netCDF-4');
    expect(metrics.areaVariable).toBe('AREA');
    expect(metrics.title).toBe('GEOS-Chem diagnostic collection: SpeciesConc');
    // Coordinates, bounds, hybrid coefficients, P0 and AREA are not data variables.
    expectVariables(metrics, [
      [
        'SpeciesConcVV_CH4',
        74025,
        3.658267644368607e-7,
        1.9625449567683972e-6,
        1.6562983075821463e-6,
        1.916194135252019e-6,
      ],
    ]);
    const v = variable(metrics, 'SpeciesConcVV_CH4');
    expect(v).toMatchObject({
      dims: ['time', 'lev', 'lat', 'lon'],
      shape: [1, 47, 45, 35],
      units: 'mol mol-1 dry',
      size: 74025,
      surfaceLevelIndex: 0,
    });
  });

  it('GC Classic Restart (SpeciesRst_*, Met_* fields, classic model)', async () => {
    const metrics = await computeMetrics(fixture('GEOSChem.Restart.20190501_0000z.nc4'));
    expect(metrics.format).toBe('netCDF-4 classic model');
    expectVariables(metrics, [
      ['Met_TropLev', 2832, 29.0, 36.0, 31.318502824858758, 31.35213558158866],
      ['Met_BXHEIGHT', 133104, 93.96183013916016, 11527.2099609375, 1650.4228994347382, 131.40844567475762],
      ['Met_DELPDRY', 133104, 0.056000009179115295, 49.90998077392578, 19.00670252525795, 13.410082354106237],
      [
        'SpeciesRst_CH4',
        133104,
        3.2080257028610504e-7,
        2.1264386305119842e-6,
        1.6729867791661562e-6,
        1.913899843027233e-6,
      ],
    ]);
    expect(variable(metrics, 'Met_BXHEIGHT').units).toBe('m');
  });

  it('HEMCO diagnostics (Emis* 2-D fields with a -1e31 _FillValue, double AREA)', async () => {
    const metrics = await computeMetrics(fixture('HEMCO_diagnostics.201905010000.nc'));
    expect(metrics.areaVariable).toBe('AREA');
    expectVariables(metrics, [
      ['EmisCH4_Reservoirs', 2832, 0.0, 9.807205048062428e-10, 3.887477233063729e-12, 3.904461923707139e-12],
      [
        'EmisCH4_SoilAbsorb',
        2832,
        -1.9536035983369615e-11,
        0.0,
        -1.2741062375189364e-11,
        -1.2753461449178992e-11,
      ],
      [
        'EmisCH4_Termites',
        2832,
        2.327719451650917e-13,
        4.112036232351013e-12,
        2.332088954032418e-12,
        2.3143327154028327e-12,
      ],
      ['EmisCH4_Lakes', 2832, 0.0, 0.0, 0.0, 0.0],
      ['EmisCH4_Seeps', 2832, 0.0, 5.543472278435324e-11, 9.442600149841206e-13, 9.20172311628638e-13],
      ['EmisCH4_Wetlands', 2832, 0.0, 2.087311157250582e-10, 6.518866351997897e-12, 6.4359673738925855e-12],
      [
        'EmisCH4_BiomassBurn',
        2832,
        0.0,
        1.4181611440733377e-10,
        6.845596636330156e-13,
        7.262510575788462e-13,
      ],
      ['EmisCH4_OtherAnth', 2832, 0.0, 1.0510815134923135e-10, 2.461001593435037e-12, 2.4456210792524504e-12],
      ['EmisCH4_Rice', 2832, 0.0, 3.0432356634690905e-10, 3.9033328510089394e-13, 4.012127490226568e-13],
      [
        'EmisCH4_Wastewater',
        2832,
        0.0,
        2.5592145069808225e-10,
        1.6196152145568137e-12,
        1.6648057724197557e-12,
      ],
      ['EmisCH4_Landfills', 2832, 0.0, 1.1335967720071949e-9, 9.936752296568455e-12, 9.938533151214272e-12],
      ['EmisCH4_Livestock', 2832, 0.0, 5.865846142150133e-10, 3.644466811712431e-11, 3.585315393902803e-11],
      ['EmisCH4_Coal', 2832, 0.0, 3.320710595389187e-9, 4.470104470548365e-12, 4.574024055409127e-12],
      ['EmisCH4_Gas', 2832, 0.0, 2.245979624504457e-9, 3.530625369911953e-11, 3.465975843502757e-11],
      ['EmisCH4_Oil', 2832, 0.0, 5.104121569843301e-10, 1.0847796032128596e-11, 1.0752967571619566e-11],
      [
        'EmisCH4_Total',
        2832,
        -1.6596026636284122e-11,
        3.3331490900678773e-9,
        1.0310289461374208e-10,
        1.0183798555070034e-10,
      ],
    ]);
    // A 2-D field has no vertical dimension, so no surface level index.
    expect(variable(metrics, 'EmisCH4_Total').surfaceLevelIndex).toBeUndefined();
  });

  it('GCHP cubed-sphere SpeciesConc (pre-14 SpeciesConc_* naming, nf/Ydim/Xdim, 1e15 fill); no AREA in the file', async () => {
    const metrics = await computeMetrics(fixture('GCHP.SpeciesConc.20180101_1200z.nc4'));
    expect(metrics.grid).toBe('cubed-sphere');
    expect(metrics.areaVariable).toBeNull();
    // lats/lons (the `coordinates`), the char `cubed_sphere` mapping and nf/Ydim/Xdim are left out.
    expectVariables(metrics, [
      ['SpeciesConc_O3', 248832, 1.7578675182150505e-9, 1.0022540664067492e-5, 1.7809168077329898e-6],
    ]);
    expect(variable(metrics, 'SpeciesConc_O3').dims).toEqual(['time', 'lev', 'nf', 'Ydim', 'Xdim']);
  });

  it('gives the same numbers when forced to read in tiny hyperslabs', async () => {
    const file = fixture('GEOSChem.SpeciesConc.20180505_0000z.nc4');
    const whole = await computeMetrics(file);
    // 300 values: 8 of the 45 latitude rows per read instead of a 45 x 35 field.
    const tiny = await computeMetrics(file, { maxSlabElements: 300 });
    for (const v of whole.variables) {
      const t = variable(tiny, v.name);
      expect(t.count).toBe(v.count);
      expect(t.min).toBe(v.min);
      expect(t.max).toBe(v.max);
      expectClose(t.mean, v.mean!);
      expect(t.surfaceAreaWeightedMean).toEqual(v.surfaceAreaWeightedMean);
    }
  });
});

describe('computeMetrics on written files with known values', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gcr-metrics-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('excludes _FillValue, missing_value and NaN from counts, stats and area-weighted means, per time step', async () => {
    const file = path.join(dir, 'fills.nc4');
    const w = await NetcdfWriter.create(file);
    w.addDimension('time', 'unlimited')
      .addDimension('lev', 3)
      .addDimension('lat', 2)
      .addDimension('lon', 3)
      .addDimension('nb', 2);
    w.addVariable('time', {
      type: 'double',
      dims: ['time'],
      attributes: { units: 'minutes since 2019-01-01' },
    });
    w.addVariable('lev', { type: 'double', dims: ['lev'], attributes: { positive: 'up' } });
    w.addVariable('lat', { type: 'double', dims: ['lat'], attributes: { bounds: 'lat_bnds' } });
    w.addVariable('lat_bnds', { type: 'double', dims: ['lat', 'nb'] });
    w.addVariable('lon', { type: 'double', dims: ['lon'] });
    w.addVariable('hyam', { type: 'double', dims: ['lev'] });
    w.addVariable('AREA', { type: 'double', dims: ['lat', 'lon'], attributes: { units: 'm2' } });
    w.addVariable('SpeciesConcVV_X', {
      type: 'float',
      dims: ['time', 'lev', 'lat', 'lon'],
      fillValue: -999,
      attributes: { units: 'mol mol-1 dry', missing_value: { type: 'float', value: 1e30 } },
    });
    w.addVariable('Empty', { type: 'float', dims: ['time', 'lat', 'lon'], fillValue: -1 });
    w.write('time', [0, 60]);
    w.write('lev', [0.99, 0.5, 0.1]);
    w.write('lat', [10, 20]);
    w.write('lat_bnds', [5, 15, 15, 25]);
    w.write('lon', [0, 5, 10]);
    w.write('hyam', [1, 2, 3]);
    // AREA (lat, lon) = [[1, 2, 3], [4, 5, 6]] * 1e6 m2.
    w.write('AREA', [1e6, 2e6, 3e6, 4e6, 5e6, 6e6]);
    // x[t, k, j, i] = 1 + 100 t + 10 k + 3 j + i, with four invalid cells.
    const x = new Float32Array(36);
    for (let t = 0; t < 2; t++)
      for (let k = 0; k < 3; k++)
        for (let j = 0; j < 2; j++)
          for (let i = 0; i < 3; i++) x[((t * 3 + k) * 2 + j) * 3 + i] = 1 + 100 * t + 10 * k + 3 * j + i;
    x[0] = -999; // [0,0,0,0] _FillValue
    x[5] = NaN; // [0,0,1,2]
    x[18 + 1] = 1e30; // [1,0,0,1] missing_value
    x[18 + 12 + 4] = -999; // [1,2,1,1] _FillValue
    w.write('SpeciesConcVV_X', x);
    w.write('Empty', new Float32Array(12).fill(-1));
    w.close();

    const metrics = await computeMetrics(file);
    expect(metrics.variables.map((v) => v.name)).toEqual(['SpeciesConcVV_X', 'Empty']);
    const v = variable(metrics, 'SpeciesConcVV_X');
    // numpy over the same array with those four cells masked gives count 32,
    // min 2, max 126, mean 64.125; the surface means by hand:
    //   t=0: valid (2,3,4,5) on areas (2,3,4,5) -> 54/14;
    //   t=1: valid (101,103,104,105,106) on areas (1,3,4,5,6) -> 1987/19.
    expect(v).toMatchObject({ size: 36, count: 32, min: 2, max: 126, surfaceLevelIndex: 0 });
    expectClose(v.mean, 64.125);
    expect(v.surfaceAreaWeightedMean).toHaveLength(2);
    expectClose(v.surfaceAreaWeightedMean![0], 54 / 14);
    expectClose(v.surfaceAreaWeightedMean![1], 1987 / 19);
    // All-fill variable: no valid values, nulls rather than NaN or ±Infinity.
    expect(variable(metrics, 'Empty')).toMatchObject({
      count: 0,
      min: null,
      max: null,
      mean: null,
      surfaceAreaWeightedMean: [null, null],
    });
  });

  it('cubed-sphere with a per-time Met_AREAM2 and lev positive "down": the surface is still lev index 0 (as in GCHP files)', async () => {
    const file = path.join(dir, 'cs.nc4');
    const w = await NetcdfWriter.create(file, { classicModel: false });
    w.addDimension('time', 'unlimited')
      .addDimension('lev', 2)
      .addDimension('nf', 6)
      .addDimension('Ydim', 2)
      .addDimension('Xdim', 2);
    w.addVariable('time', { type: 'float', dims: ['time'] });
    w.addVariable('lev', { type: 'double', dims: ['lev'], attributes: { positive: 'down' } });
    w.addVariable('nf', { type: 'int', dims: ['nf'] });
    w.addVariable('lats', { type: 'float', dims: ['nf', 'Ydim', 'Xdim'] });
    w.addVariable('Met_AREAM2', {
      type: 'float',
      dims: ['time', 'nf', 'Ydim', 'Xdim'],
      attributes: { units: 'm2' },
    });
    w.addVariable('SpeciesConcVV_O3', {
      type: 'float',
      dims: ['time', 'lev', 'nf', 'Ydim', 'Xdim'],
      fillValue: 1e15,
      attributes: { units: 'mol mol-1 dry', coordinates: 'lons lats' },
    });
    w.write('time', [0]);
    w.write('lev', [1, 2]);
    w.write('nf', [1, 2, 3, 4, 5, 6]);
    w.write('lats', new Float32Array(24));
    // Face f (0..5) has cells of area f + 1; level 0 (surface) is f + 1, level 1 is 100.
    const area = Float32Array.from({ length: 24 }, (_, n) => Math.floor(n / 4) + 1);
    w.write('Met_AREAM2', area);
    w.write('SpeciesConcVV_O3', Float32Array.from([...area, ...new Array<number>(24).fill(100)]));
    w.close();

    const metrics = await computeMetrics(file);
    expect(metrics.grid).toBe('cubed-sphere');
    expect(metrics.areaVariable).toBe('Met_AREAM2');
    expect(metrics.variables.map((v) => v.name)).toEqual(['SpeciesConcVV_O3']);
    const v = variable(metrics, 'SpeciesConcVV_O3');
    expect(v).toMatchObject({ count: 48, min: 1, max: 100, surfaceLevelIndex: 0 });
    expectClose(v.mean, (2400 + 4 * 21) / 48);
    // sum((f+1) * (f+1)) / sum(f+1) over f = 0..5 = 91 / 21.
    expectClose(v.surfaceAreaWeightedMean![0], 91 / 21);
  });

  it('per-time areas over several steps: the same exact numbers whatever the slab size, and the event loop runs between slabs', async () => {
    const file = path.join(dir, 'per-time-area.nc4');
    const w = await NetcdfWriter.create(file);
    w.addDimension('time', 'unlimited').addDimension('lev', 2).addDimension('lat', 2).addDimension('lon', 2);
    w.addVariable('time', { type: 'double', dims: ['time'] });
    w.addVariable('AREA', { type: 'double', dims: ['time', 'lat', 'lon'], attributes: { units: 'm2' } });
    w.addVariable('SpeciesConcVV_X', { type: 'float', dims: ['time', 'lev', 'lat', 'lon'], fillValue: -999 });
    w.addVariable('Count', { type: 'int', dims: ['time', 'lev', 'lat', 'lon'] });
    w.addVariable('Level', { type: 'short', dims: ['time', 'lev', 'lat', 'lon'] });
    w.addVariable('Double', { type: 'double', dims: ['time', 'lev', 'lat', 'lon'] });
    w.write('time', [0, 60, 120]);
    // Cell c = 2 lat + lon; area 1 + c at steps 0 and 2, 4 - c at step 1.
    w.write(
      'AREA',
      Array.from({ length: 12 }, (_, n) => (Math.floor(n / 4) === 1 ? 4 - (n % 4) : 1 + (n % 4))),
    );
    // x[t, k, c] = 1 + 10 t + 100 k + c; x[2, 0, 3] is _FillValue.
    const x = Float32Array.from(
      { length: 24 },
      (_, n) => 1 + 10 * Math.floor(n / 8) + 100 * (Math.floor(n / 4) % 2) + (n % 4),
    );
    x[16 + 3] = -999;
    w.write('SpeciesConcVV_X', x);
    w.write(
      'Count',
      Int32Array.from({ length: 24 }, (_, n) => n - 5),
    );
    w.write(
      'Level',
      Int16Array.from({ length: 24 }, (_, n) => 3 * n),
    );
    w.write(
      'Double',
      Float64Array.from({ length: 24 }, (_, n) => n / 7),
    );
    w.close();

    const whole = await computeMetrics(file);
    const v = variable(whole, 'SpeciesConcVV_X');
    expect(v).toMatchObject({ count: 23, min: 1, max: 124, surfaceLevelIndex: 0 });
    // t=0: sum((1+c)(1+c)) / sum(1+c) = 30/10; t=1: sum((11+c)(4-c)) / sum(4-c) = 120/10;
    // t=2: cells 0..2 only, (21*1 + 22*2 + 23*3) / 6 = 134/6.
    expectClose(v.surfaceAreaWeightedMean![0], 3);
    expectClose(v.surfaceAreaWeightedMean![1], 12);
    expectClose(v.surfaceAreaWeightedMean![2], 134 / 6);
    expect(variable(whole, 'Count')).toMatchObject({ count: 24, min: -5, max: 18 });
    expect(variable(whole, 'Level')).toMatchObject({ count: 24, min: 0, max: 69 });
    expectClose(variable(whole, 'Double').max, 23 / 7);
    for (const maxSlabElements of [1, 3, 5, 7, 9, 16]) {
      // Slabs that cut the surface fields, or hold parts of two steps: the same numbers, to the bit.
      let turns = 0;
      let done = false;
      const spin = (): void => {
        if (done) return;
        turns++;
        setImmediate(spin);
      };
      setImmediate(spin);
      const sliced = await computeMetrics(file, { maxSlabElements });
      done = true;
      expect(sliced).toEqual(whole);
      // At least one turn of the event loop per slab of SpeciesConcVV_X alone.
      expect(turns).toBeGreaterThanOrEqual(Math.ceil(24 / maxSlabElements));
    }
  });

  it('refuses a missing file, a directory, a non-NetCDF file and a netCDF-3 file with NetcdfOpenError', async () => {
    const text = path.join(dir, 'notes.txt');
    writeFileSync(text, 'not a netcdf file\n'.repeat(100));
    const cdf3 = path.join(dir, 'classic.nc');
    writeFileSync(cdf3, Buffer.concat([Buffer.from('CDF\x01'), Buffer.alloc(60)]));
    await expect(computeMetrics(path.join(dir, 'missing.nc4'))).rejects.toThrow(/no such file/);
    await expect(computeMetrics(dir)).rejects.toThrow(NetcdfOpenError);
    await expect(computeMetrics(text)).rejects.toThrow(/not a NetCDF-4 file/);
    await expect(computeMetrics(cdf3)).rejects.toThrow(/netCDF-3/);
  });
});

describe('hyperslabs', () => {
  const list = (shape: number[], split: number, max: number): string[] =>
    [...hyperslabs(shape, split, max)].map((s) => `${s.start.join(',')}+${s.count.join(',')}`);

  it('walks the leading dimensions one index at a time and reads the rest whole', () => {
    expect(list([2, 3, 4], 2, 100)).toEqual([
      '0,0,0+1,1,4',
      '0,1,0+1,1,4',
      '0,2,0+1,1,4',
      '1,0,0+1,1,4',
      '1,1,0+1,1,4',
      '1,2,0+1,1,4',
    ]);
    expect(list([2, 3, 4], 0, 100)).toEqual(['0,0,0+2,3,4']);
  });

  it('walks more dimensions, in blocks, when a slab would exceed the limit', () => {
    expect(list([2, 3, 4], 0, 12)).toEqual(['0,0,0+1,3,4', '1,0,0+1,3,4']);
    expect(list([2, 3, 4], 1, 8)).toEqual(['0,0,0+1,2,4', '0,2,0+1,1,4', '1,0,0+1,2,4', '1,2,0+1,1,4']);
    expect(list([10], 0, 4)).toEqual(['0+4', '4+4', '8+2']);
    // Every value is covered exactly once.
    const covered = [...hyperslabs([3, 5, 7], 1, 6)].reduce(
      (n, s) => n + s.count.reduce((a, b) => a * b, 1),
      0,
    );
    expect(covered).toBe(105);
  });

  it('with a chunk shape, blocks the last walked dimension in whole chunks when the limit allows one', () => {
    // 6 x 10 = 60 values per index of the first dimension > 50: walk it, then the second in blocks
    // of 5 rows, rounded down to the chunk extent 3.
    expect(list([2, 6, 10], 0, 50)).toEqual(['0,0,0+1,5,10', '0,5,0+1,1,10', '1,0,0+1,5,10', '1,5,0+1,1,10']);
    expect(
      [...hyperslabs([2, 6, 10], 0, 50, [1, 3, 10])].map((s) => `${s.start.join(',')}+${s.count.join(',')}`),
    ).toEqual(['0,0,0+1,3,10', '0,3,0+1,3,10', '1,0,0+1,3,10', '1,3,0+1,3,10']);
    // A limit below one chunk extent cuts the chunk (memory stays bounded).
    expect([...hyperslabs([2, 6, 10], 0, 25, [1, 3, 10])].map((s) => s.count[1])).toEqual([2, 2, 2, 2, 2, 2]);
    // Whole variable when it fits, whatever the chunks.
    expect([...hyperslabs([2, 6, 10], 0, 120, [1, 3, 10])]).toHaveLength(1);
  });

  it('yields nothing for scalars and empty variables', () => {
    expect(list([], 0, 10)).toEqual([]);
    expect(list([0, 4], 1, 10)).toEqual([]);
  });
});
