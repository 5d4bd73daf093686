import { describe, expect, it } from '@jest/globals';
import {
  EARTH_RADIUS_M,
  bounds,
  cellAreas,
  horizontalGrid,
  verticalGrid,
} from '#containers/demo-model/src/grid.js';
import type { GridResolution, NestedDomain } from '#schemas/generated/types.js';

const range = (from: number, to: number, step: number): number[] =>
  Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => from + i * step);

describe('horizontal grids (as GEOS-Chem Classic computes them)', () => {
  it.each<[GridResolution, number, number]>([
    ['4x5', 46, 72],
    ['2x2.5', 91, 144],
    ['0.5x0.625', 361, 576],
    ['0.25x0.3125', 721, 1152],
    ['0.125x0.15625', 1441, 2304],
  ])('global %s is %i lat x %i lon with half-polar boxes', (resolution, ny, nx) => {
    const grid = horizontalGrid({ resolution, nestedDomain: 'global' }, 'geosfp');
    expect(grid.lat.length).toBe(ny);
    expect(grid.lon.length).toBe(nx);
    expect(grid.lon[0]).toBe(-180);
    expect(grid.latEdges[0]).toBe(-90);
    expect(grid.latEdges[ny]).toBe(90);
  });

  it('4x5 has the centres of real GEOS-Chem 4x5 files: lat -89, -86 ... 86, 89 and lon -180 ... 175', () => {
    const grid = horizontalGrid({ resolution: '4x5' }, 'merra2');
    expect(Array.from(grid.lat)).toEqual([-89, ...range(-86, 86, 4), 89]);
    expect(Array.from(grid.lon)).toEqual(range(-180, 175, 5));
    expect(Array.from(grid.latEdges.slice(0, 3))).toEqual([-90, -88, -84]);
    expect(Array.from(grid.lonEdges.slice(0, 2))).toEqual([-182.5, -177.5]);
  });

  it('2x2.5 has lat -89.5, -88 ... 88, 89.5 (as in a real GEOS-Chem 2x2.5 restart file)', () => {
    const grid = horizontalGrid({ resolution: '2x2.5' }, 'merra2');
    expect(Array.from(grid.lat)).toEqual([-89.5, ...range(-88, 88, 2), 89.5]);
    expect(Array.from(grid.lon.slice(0, 3))).toEqual([-180, -177.5, -175]);
  });

  it('follows createRunDir.sh for GCAP 2.0: 2x2.5 without half-polar boxes and with the date line as an edge', () => {
    const giss = horizontalGrid({ resolution: '2x2.5' }, 'ModelE2.1');
    expect(giss.lat.length).toBe(90);
    expect(giss.lat[0]).toBe(-89);
    expect(giss.lon.length).toBe(144);
    expect(giss.lon[0]).toBe(-178.75);
    const coarse = horizontalGrid({ resolution: '4x5' }, 'ModelE2.1');
    expect(coarse.lat.length).toBe(46);
    expect(coarse.lon[0]).toBe(-180);
  });

  it('cuts nested domains out of the global grid: NA at 0.25x0.3125 is 201 x 224 cells from (9.75, -130)', () => {
    const grid = horizontalGrid({ resolution: '0.25x0.3125', nestedDomain: 'NA' }, 'geosfp');
    expect(grid.nested).toBe(true);
    expect(grid.lat.length).toBe(201);
    expect(grid.lon.length).toBe(224);
    expect(grid.lat[0]).toBe(9.75);
    expect(grid.lat[200]).toBe(59.75);
    expect(grid.lon[0]).toBe(-130);
    expect(grid.lon[223]).toBe(-60.3125);
  });

  it.each<[GridResolution, NestedDomain, number, number]>([
    ['0.5x0.625', 'AS', 132, 144],
    ['0.5x0.625', 'EU', 80, 128],
    ['0.5x0.625', 'NA', 120, 160],
    ['0.25x0.3125', 'EU', 114, 176],
    ['0.25x0.3125', 'RU', 168, 512],
  ])('%s %s is %i x %i', (resolution, nestedDomain, ny, nx) => {
    const grid = horizontalGrid({ resolution, nestedDomain }, 'geosfp');
    expect([grid.lat.length, grid.lon.length]).toEqual([ny, nx]);
  });

  it('reproduces the grid of a real nested GEOS-Chem CH4 file (IMI Permian test: 45 x 35 at 0.25x0.3125)', () => {
    // Centres 26..37 and -108.75..-98.125 in the real file; bounds and AREA compared with it.
    const grid = horizontalGrid(
      {
        resolution: '0.25x0.3125',
        nestedDomain: 'custom',
        bounds: { lonMin: -108.75, lonMax: -97.8125, latMin: 26, latMax: 37.25 },
      },
      'geosfp',
    );
    expect(grid.lat.length).toBe(45);
    expect(grid.lon.length).toBe(35);
    expect(Array.from(grid.lat)).toEqual(range(26, 37, 0.25));
    expect(grid.lon[34]).toBe(-98.125);
    expect(Array.from(bounds(grid.latEdges).slice(0, 2))).toEqual([25.875, 26.125]);
    expect(Array.from(bounds(grid.lonEdges).slice(0, 2))).toEqual([-108.90625, -108.59375]);
    const area = cellAreas(grid);
    // float AREA of the real file: 868202048 m2 in the first row, 866346112 in the second.
    expect(Math.fround(area[0]!)).toBe(868202048);
    expect(Math.fround(area[35]!)).toBe(866346112);
    expect(Math.fround(area[34]!)).toBe(868202048);
  });

  it('has the AREA of real global GEOS-Chem files (4x5 and 2x2.5, Re = 6.3710072e6 m)', () => {
    // First values of AREA in the gcpy 4x5 restart subset and in a 2x2.5 restart of the IMI tests.
    expect(Math.fround(cellAreas(horizontalGrid({ resolution: '4x5' }, 'merra2'))[0]!)).toBe(2157765376);
    expect(Math.fround(cellAreas(horizontalGrid({ resolution: '2x2.5' }, 'merra2'))[0]!)).toBe(269741184);
  });

  it('areas of a global grid add up to the sphere of radius Re', () => {
    for (const resolution of ['4x5', '2x2.5'] as const) {
      const total = cellAreas(horizontalGrid({ resolution }, 'merra2')).reduce((a, b) => a + b, 0);
      expect(total / (4 * Math.PI * EARTH_RADIUS_M ** 2)).toBeCloseTo(1, 12);
    }
  });

  it('refuses a domain that does not exist at the resolution', () => {
    expect(() => horizontalGrid({ resolution: '0.5x0.625', nestedDomain: 'ME' }, 'geosfp')).toThrow(
      /no ME domain/,
    );
    expect(() => horizontalGrid({ resolution: '0.5x0.625', nestedDomain: 'custom' }, 'geosfp')).toThrow(
      /bounds/,
    );
  });
});

describe('vertical grids', () => {
  it('72 levels: the GEOS hybrid grid from the surface (B = 1) to 0.01 hPa', () => {
    const v = verticalGrid(72);
    expect(v.hyai.length).toBe(73);
    expect(v.hybi.length).toBe(73);
    expect(v.hyai[0]).toBe(0);
    expect(v.hybi[0]).toBe(1);
    expect(v.hyai[72]).toBe(0.01);
    expect(v.hybi[72]).toBe(0);
    expect(v.ilev[0]).toBe(1);
    expect(v.lev.length).toBe(72);
    // Pressures decrease upwards.
    const p = Array.from(v.hyai, (a, k) => a + v.hybi[k]! * 1000);
    expect(p.every((x, k) => k === 0 || x < p[k - 1]!)).toBe(true);
  });

  it('47 levels: the values of a real 47-level GEOS-Chem file', () => {
    const v = verticalGrid(47);
    expect(v.hyai.length).toBe(48);
    // hyai of the real file (IMI SpeciesConc, 47 levels), interfaces 37 to 47.
    expect(Array.from(v.hyai.slice(37))).toEqual([
      56.38791, 40.17541, 28.36781, 19.7916, 9.292942, 4.076571, 1.65079, 0.6167791, 0.211349, 0.06600001,
      0.01,
    ]);
    expect(v.hyam[0]).toBeCloseTo(0.02402413, 12);
    expect(v.hyam[1]).toBeCloseTo(3.32090013, 12);
    expect(v.hybm[0]).toBeCloseTo(0.992476, 12);
    expect(v.lev[0]).toBeCloseTo(0.99250002413, 12);
    expect(v.ilev[1]).toBeCloseTo(0.9850000482600001, 12);
    expect(v.hybm[46]).toBe(0);
  });

  it('40 levels: the GISS grid of GCAP 2.0, 41 edges to 0.1 hPa', () => {
    const v = verticalGrid(40);
    expect(v.hyai.length).toBe(41);
    expect(v.hybi.length).toBe(41);
    expect(v.hyai[40]).toBe(0.1);
    expect(v.hybi[22]).toBeCloseTo(0.02757794, 10);
    expect(v.hybi[23]).toBe(0);
  });
});
