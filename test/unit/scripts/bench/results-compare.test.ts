import { describe, expect, it } from '@jest/globals';
import type { FileMetrics, VariableMetrics } from '#shared/science/results/metrics.js';
import { compareWithReference, median, relativeDifference } from '#scripts/bench/results-compare.js';

function variable(name: string, values: Partial<VariableMetrics>): VariableMetrics {
  return {
    name,
    dims: ['time', 'lev', 'lat', 'lon'],
    shape: [2, 1, 1, 1],
    units: 'mol mol-1 dry',
    longName: null,
    size: 2,
    count: 2,
    min: 1,
    max: 3,
    mean: 2,
    surfaceAreaWeightedMean: [1, 3],
    ...values,
  };
}

function metrics(...variables: VariableMetrics[]): FileMetrics {
  return {
    path: 'x.nc4',
    format: 'netCDF-4',
    grid: 'lat-lon',
    dimensions: [],
    title: null,
    areaVariable: 'AREA',
    variables,
  };
}

const SAME = { count: 2, min: 1, max: 3, mean: 2, surfaceAreaWeightedMean: [1, 3] };

describe('results benchmark agreement', () => {
  it('measures the difference relative to the larger magnitude, and 0 for equal numbers', () => {
    expect(relativeDifference(0, 0)).toBe(0);
    expect(relativeDifference(1, 1.5)).toBeCloseTo(1 / 3, 12);
    expect(relativeDifference(-2, 2)).toBe(2);
  });

  it('reports the largest relative difference and where it occurred', () => {
    const result = compareWithReference(metrics(variable('A', {}), variable('B', {})), {
      A: { ...SAME, mean: 2 * (1 + 1e-9) },
      B: { ...SAME, surfaceAreaWeightedMean: [1, 3 * (1 + 1e-6)] },
    });
    expect(result.problems).toEqual([]);
    expect(result.compared).toBe(12);
    expect(result.where).toBe('B.surface[1]');
    expect(result.maxRelative).toBeGreaterThan(9e-7);
    expect(result.maxRelative).toBeLessThan(1.1e-6);
  });

  it('lists variables and surface means present on one side only', () => {
    const result = compareWithReference(metrics(variable('A', {}), variable('OnlyOurs', {})), {
      A: { count: 2, min: 1, max: 3, mean: 2, surfaceAreaWeightedMean: [1] },
      OnlyTheirs: SAME,
    });
    expect(result.problems).toEqual([
      'A: 2 surface means here, 1 in the reference',
      'OnlyOurs: not in the reference',
      'OnlyTheirs: only in the reference',
    ]);
  });

  it('treats a value missing on one side as a problem, not as a number', () => {
    const result = compareWithReference(metrics(variable('A', { min: null })), { A: SAME });
    expect(result.problems).toEqual(['A.min: null here, 1 in the reference']);
  });

  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow('median of nothing');
  });
});
