import { describe, expect, it } from '@jest/globals';
import {
  mainCollection,
  previewVariables,
  summarizeMetrics,
} from '#services/results-processor/src/domain/processing/metrics-summary.js';
import type { NetcdfFileMetrics, NetcdfVariableMetrics } from '#schemas/generated/types.js';

const variable = (
  name: string,
  min: number,
  max: number,
  surface?: (number | null)[],
): NetcdfVariableMetrics => ({
  name,
  dims: ['time', 'lev', 'lat', 'lon'],
  shape: [1, 1, 2, 2],
  units: 'mol mol-1 dry',
  longName: null,
  size: 4,
  count: 4,
  min,
  max,
  mean: (min + max) / 2,
  ...(surface ? { surfaceAreaWeightedMean: surface } : {}),
});
const file = (variables: NetcdfVariableMetrics[]): NetcdfFileMetrics => ({
  path: 'outputs/x.nc4',
  format: 'NetCDF-4',
  grid: 'lat-lon',
  dimensions: [],
  title: null,
  areaVariable: 'AREA',
  variables,
});

describe('summarizeMetrics', () => {
  it('gives per species the time mean of the surface means and the extremes over all files', () => {
    const files = [
      file([variable('SpeciesConcVV_O3', 1, 5, [2, 4]), variable('SpeciesConcVV_CO', 0, 1, [0.5])]),
      file([variable('SpeciesConcVV_O3', 0.5, 3, [null, 6])]),
    ];
    expect(summarizeMetrics(files)).toEqual({
      O3: { surfaceAreaWeightedMean: 4, min: 0.5, max: 5 },
      CO: { surfaceAreaWeightedMean: 0.5, min: 0, max: 1 },
    });
  });

  it('caps the number of species and leaves out variables off the horizontal grid', () => {
    const many = Array.from({ length: 80 }, (_, i) => variable(`SpeciesConcVV_S${i}`, 0, 1, [0.5]));
    const summary = summarizeMetrics([file([variable('P0', 1000, 1000), ...many])], 50);
    expect(Object.keys(summary)).toHaveLength(50);
    expect(summary['P0']).toBeUndefined();
    expect(Buffer.byteLength(JSON.stringify(summary))).toBeLessThan(8 * 1024);
  });
});

describe('previewVariables', () => {
  const files = [file(['O3', 'CO', 'NO'].map((s) => variable(`SpeciesConcVV_${s}`, 0, 1, [0.5])))];

  it('takes the first N species by default', () => {
    expect(previewVariables(files, 2)).toEqual(['SpeciesConcVV_O3', 'SpeciesConcVV_CO']);
  });

  it('takes requested species by species or variable name, dropping unknown ones', () => {
    expect(previewVariables(files, 2, ['NO', 'SpeciesConcVV_O3', 'XYZ'])).toEqual([
      'SpeciesConcVV_NO',
      'SpeciesConcVV_O3',
    ]);
  });
});

describe('mainCollection', () => {
  it('prefers SpeciesConc, else the first diagnostic collection', () => {
    expect(
      mainCollection([
        { kind: 'restart', collection: 'Restart' },
        { kind: 'diagnostic', collection: 'AerosolMass' },
        { kind: 'diagnostic', collection: 'SpeciesConc' },
      ]),
    ).toBe('SpeciesConc');
    expect(
      mainCollection([
        { kind: 'restart', collection: 'Restart' },
        { kind: 'diagnostic', collection: 'AerosolMass' },
      ]),
    ).toBe('AerosolMass');
    expect(mainCollection([{ kind: 'other' }])).toBeUndefined();
  });
});
