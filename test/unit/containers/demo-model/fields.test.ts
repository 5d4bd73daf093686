import { describe, expect, it } from '@jest/globals';
import {
  FieldScratch,
  SpeciesField,
  seedFrom,
  seededRandom,
  tropopauseKm,
} from '#containers/demo-model/src/fields.js';
import { horizontalGrid, verticalGrid } from '#containers/demo-model/src/grid.js';
import { roundMantissa } from '#containers/demo-model/src/output.js';
import { speciesFor } from '#containers/demo-model/src/species.js';
import type { SimulationType } from '#schemas/generated/types.js';

const grid = horizontalGrid({ resolution: '4x5' }, 'merra2');
const vertical = verticalGrid(47);
const cells = grid.lat.length * grid.lon.length;
const T0 = Date.UTC(2019, 0, 1, 0, 30);

function sample(name: string, seed: number, instant = T0): Float32Array {
  const profile = speciesFor('TransportTracers').find((s) => s.name === name)!;
  const field = new SpeciesField(profile, grid, vertical, seed);
  field.prepare(instant);
  const out = new Float32Array(vertical.levels * cells);
  field.fill(out, 0, vertical.levels);
  return out;
}

function levelMean(values: Float32Array, k: number): number {
  let sum = 0;
  for (let c = 0; c < cells; c++) sum += values[k * cells + c]!;
  return sum / cells;
}

describe('species lists', () => {
  it.each([
    'fullchem',
    'aerosol',
    'carbon',
    'Hg',
    'POPs',
    'tagO3',
    'TransportTracers',
    'metals',
  ] as SimulationType[])('%s has a short list of distinct species', (type) => {
    const names = speciesFor(type, type === 'POPs' ? 'BaP' : 'none').map((s) => s.name);
    expect(names.length).toBeGreaterThanOrEqual(1);
    expect(names.length).toBeLessThanOrEqual(8);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
  });

  it('follows the extra option: carbon CH4 is methane alone, none is all four gases; POPs name the compound', () => {
    expect(speciesFor('carbon', 'CH4').map((s) => s.name)).toEqual(['CH4']);
    expect(speciesFor('carbon', 'none').map((s) => s.name)).toEqual(['CH4', 'CO', 'CO2', 'OCS']);
    expect(speciesFor('POPs', 'PHE')[0]!.name).toBe('POPG_PHE');
    expect(speciesFor('TransportTracers').map((s) => s.name)).toContain('Rn222');
    expect(speciesFor('fullchem').map((s) => s.name)).toEqual(expect.arrayContaining(['O3', 'CO', 'NO2']));
  });
});

describe('synthetic fields', () => {
  it('are deterministic for a seed and differ between seeds', () => {
    const a = sample('Rn222', 42);
    expect(sample('Rn222', 42)).toEqual(a);
    expect(sample('Rn222', 43)).not.toEqual(a);
  });

  it('are positive and finite everywhere', () => {
    for (const profile of speciesFor('fullchem')) {
      const field = new SpeciesField(profile, grid, vertical, 7);
      field.prepare(T0);
      const out = new Float32Array(vertical.levels * cells);
      field.fill(out, 0, vertical.levels);
      expect(out.every((x) => Number.isFinite(x) && x > 0)).toBe(true);
    }
  });

  it('have plausible shapes: surface-emitted Rn222 falls with height, ozone peaks in the stratosphere', () => {
    const radon = sample('Rn222', 1);
    expect(levelMean(radon, 0)).toBeGreaterThan(3 * levelMean(radon, 20));
    expect(levelMean(radon, 20)).toBeGreaterThan(10 * levelMean(radon, 40));
    expect(levelMean(radon, 0)).toBeGreaterThan(1e-20);
    expect(levelMean(radon, 0)).toBeLessThan(1e-19);

    const o3profile = speciesFor('fullchem').find((s) => s.name === 'O3')!;
    const o3 = new SpeciesField(o3profile, grid, vertical, 1);
    o3.prepare(T0);
    const out = new Float32Array(vertical.levels * cells);
    o3.fill(out, 0, vertical.levels);
    const means = Array.from({ length: vertical.levels }, (_, k) => levelMean(out, k));
    const peak = means.indexOf(Math.max(...means));
    expect(peak).toBeGreaterThan(30); // above ~100 hPa
    expect(means[peak]! / means[0]!).toBeGreaterThan(50);
  });

  it('move with time (a travelling wave) but stay smooth from one hour to the next', () => {
    const a = sample('Rn222', 5, T0);
    const b = sample('Rn222', 5, T0 + 3_600_000);
    let maxRelative = 0;
    let changed = 0;
    for (let i = 0; i < cells; i++) {
      const r = Math.abs(b[i]! - a[i]!) / a[i]!;
      maxRelative = Math.max(maxRelative, r);
      if (r > 1e-6) changed++;
    }
    expect(changed).toBeGreaterThan(cells / 2);
    expect(maxRelative).toBeLessThan(0.2);
  });

  it('can be filled a block of levels at a time, equal to the whole', () => {
    const profile = speciesFor('TransportTracers')[0]!;
    const field = new SpeciesField(profile, grid, vertical, 9);
    field.prepare(T0);
    const whole = new Float32Array(vertical.levels * cells);
    field.fill(whole, 0, vertical.levels);
    const block = new Float32Array(5 * cells);
    field.fill(block, 10, 5);
    expect(block).toEqual(whole.subarray(10 * cells, 15 * cells));
  });

  it('give the same values through a scratch shared by all species, written one after the other', () => {
    const scratch = new FieldScratch(grid.lon.length, grid.lat.length);
    const profiles = speciesFor('TransportTracers');
    const shared = profiles.map((p) => new SpeciesField(p, grid, vertical, 3, scratch));
    for (const [index, field] of shared.entries()) {
      field.prepare(T0);
      const out = new Float32Array(vertical.levels * cells);
      field.fill(out, 0, vertical.levels);
      expect(out).toEqual(sample(profiles[index]!.name, 3));
    }
    // A field whose patterns were overwritten by another must be prepared again.
    expect(() => shared[0]!.fill(new Float32Array(cells), 0, 1)).toThrow(/prepare/);
  });

  it('seeds come from the spec content', () => {
    expect(seedFrom({ a: 1 })).toBe(seedFrom({ a: 1 }));
    expect(seedFrom({ a: 1 })).not.toBe(seedFrom({ a: 2 }));
    const random = seededRandom(1);
    const values = Array.from({ length: 100 }, random);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBe(100);
  });

  it('put the tropopause near 17 km in the tropics and 8 km at the poles', () => {
    expect(tropopauseKm(0)).toBeCloseTo(17);
    expect(tropopauseKm(90)).toBeCloseTo(8);
  });
});

describe('roundMantissa', () => {
  it('keeps about 4 significant digits and leaves rounded values unchanged', () => {
    const values = Float32Array.from([1.8712345e-6, 2.2e-20, 3.3333333, -0.123456, 0, Infinity]);
    const original = Float32Array.from(values);
    roundMantissa(values);
    for (let i = 0; i < 4; i++) {
      expect(Math.abs(values[i]! - original[i]!) / Math.abs(original[i]!)).toBeLessThan(2 ** -12);
    }
    expect(values[4]).toBe(0);
    expect(values[5]).toBe(Infinity);
    const again = Float32Array.from(values);
    roundMantissa(again);
    expect(again).toEqual(values);
  });
});
