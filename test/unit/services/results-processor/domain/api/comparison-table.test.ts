import { describe, expect, it } from '@jest/globals';
import {
  compareSummaries,
  relativeDifferencePercent,
  summariseMetrics,
} from '#services/results-processor/src/domain/api/comparison-table.js';
import type { ResultsMetricsDocument } from '#services/results-processor/src/domain/api/documents.js';

function variable(
  name: string,
  values: { mean: number; min: number; max: number; count?: number; surface?: number[] },
) {
  return {
    name,
    dims: ['time', 'lev', 'lat', 'lon'],
    shape: [1, 1, 2, 5],
    units: 'mol mol-1 dry',
    longName: null,
    size: 10,
    count: values.count ?? 10,
    min: values.min,
    max: values.max,
    mean: values.mean,
    ...(values.surface ? { surfaceAreaWeightedMean: values.surface } : {}),
  };
}

function metrics(files: Record<string, ReturnType<typeof variable>[]>): ResultsMetricsDocument {
  return {
    files: Object.entries(files).map(([key, variables]) => ({
      key,
      metrics: {
        path: key,
        format: 'netCDF-4',
        grid: 'lat-lon',
        dimensions: [],
        title: null,
        areaVariable: 'AREA',
        variables,
      },
    })),
  };
}

describe('summariseMetrics', () => {
  it("combines a collection's files: min of mins, max of maxes, count-weighted mean, time mean of surface means", () => {
    const summary = summariseMetrics(
      metrics({
        'outputs/GEOSChem.SpeciesConc.20190101_0000z.nc4': [
          variable('SpeciesConcVV_O3', { mean: 1, min: 0.5, max: 2, count: 10, surface: [1, 3] }),
        ],
        'outputs/GEOSChem.SpeciesConc.20190102_0000z.nc4': [
          variable('SpeciesConcVV_O3', { mean: 4, min: 0.1, max: 9, count: 30, surface: [5] }),
        ],
      }),
    );
    expect(summary.get('SpeciesConc/SpeciesConcVV_O3')?.stats).toEqual({
      surfaceMean: 3,
      mean: (1 * 10 + 4 * 30) / 40,
      min: 0.1,
      max: 9,
    });
  });
});

describe('compareSummaries', () => {
  it('reports dev - ref and % for shared variables, sorted by |relative difference| of the surface mean', () => {
    const ref = summariseMetrics(
      metrics({
        'outputs/GEOSChem.SpeciesConc.20190101_0000z.nc4': [
          variable('A', { mean: 1, min: 0, max: 2, surface: [10] }),
          variable('B', { mean: 1, min: 0, max: 2, surface: [10] }),
          variable('OnlyRef', { mean: 1, min: 0, max: 2 }),
        ],
      }),
    );
    const dev = summariseMetrics(
      metrics({
        'outputs/GEOSChem.SpeciesConc.20190101_0000z.nc4': [
          variable('A', { mean: 1.1, min: 0, max: 2, surface: [11] }),
          variable('B', { mean: 0.5, min: 0, max: 2, surface: [5] }),
          variable('OnlyDev', { mean: 1, min: 0, max: 2 }),
        ],
      }),
    );
    const { rows, onlyInRef, onlyInDev } = compareSummaries(ref, dev);
    expect(rows.map((r) => r.variable)).toEqual(['B', 'A']);
    expect(rows[0]).toMatchObject({
      collection: 'SpeciesConc',
      units: 'mol mol-1 dry',
      ref: { surfaceMean: 10 },
      dev: { surfaceMean: 5 },
      difference: { surfaceMean: -5, mean: -0.5, min: 0, max: 0 },
      relativeDifferencePercent: { surfaceMean: -50, mean: -50, min: 0, max: 0 },
    });
    expect(rows[1]!.relativeDifferencePercent.surfaceMean).toBeCloseTo(10, 10);
    expect(onlyInRef).toEqual(['SpeciesConc/OnlyRef']);
    expect(onlyInDev).toEqual(['SpeciesConc/OnlyDev']);
  });

  it('gives no relative difference against a zero reference, and 0 when both are zero', () => {
    expect(relativeDifferencePercent(0, 0)).toBe(0);
    expect(relativeDifferencePercent(0, 1)).toBeNull();
    expect(relativeDifferencePercent(-2, -1)).toBe(50);
    expect(relativeDifferencePercent(null, 1)).toBeNull();
  });
});
