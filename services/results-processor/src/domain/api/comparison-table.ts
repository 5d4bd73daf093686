/**
 * Benchmark-style rows from two runs' metrics.json: per collection and
 * variable, metrics over all the collection's files (min of mins, max of
 * maxes, count-weighted mean, time mean of the surface area-weighted means),
 * then dev - ref and the relative difference in %.
 */
import type { ComparisonRow, ComparisonStats } from '#schemas/generated/types.js';
import { collectionOfKey, type ResultsMetricsDocument } from './documents.js';

export interface VariableSummary {
  collection: string;
  variable: string;
  units: string | null;
  stats: ComparisonStats;
}

/** `<Collection>/<variable>` -> its summary over every file of the collection. */
export function summariseMetrics(
  metrics: ResultsMetricsDocument,
  collectionOf: (key: string) => string | undefined = collectionOfKey,
): Map<string, VariableSummary> {
  interface Accumulator {
    collection: string;
    variable: string;
    units: string | null;
    count: number;
    sum: number;
    min: number | null;
    max: number | null;
    surfaceSum: number;
    surfaceSteps: number;
  }
  const accumulators = new Map<string, Accumulator>();
  for (const file of metrics.files) {
    const collection = collectionOf(file.key);
    if (!collection) continue;
    for (const v of file.metrics.variables) {
      const id = `${collection}/${v.name}`;
      let acc = accumulators.get(id);
      if (!acc) {
        acc = {
          collection,
          variable: v.name,
          units: v.units,
          count: 0,
          sum: 0,
          min: null,
          max: null,
          surfaceSum: 0,
          surfaceSteps: 0,
        };
        accumulators.set(id, acc);
      }
      if (v.count > 0 && v.mean !== null) {
        acc.count += v.count;
        acc.sum += v.mean * v.count;
      }
      if (v.min !== null) acc.min = acc.min === null ? v.min : Math.min(acc.min, v.min);
      if (v.max !== null) acc.max = acc.max === null ? v.max : Math.max(acc.max, v.max);
      for (const step of v.surfaceAreaWeightedMean ?? []) {
        if (step === null) continue;
        acc.surfaceSum += step;
        acc.surfaceSteps += 1;
      }
    }
  }
  const out = new Map<string, VariableSummary>();
  for (const [id, acc] of accumulators) {
    out.set(id, {
      collection: acc.collection,
      variable: acc.variable,
      units: acc.units,
      stats: {
        surfaceMean: acc.surfaceSteps > 0 ? acc.surfaceSum / acc.surfaceSteps : null,
        mean: acc.count > 0 ? acc.sum / acc.count : null,
        min: acc.min,
        max: acc.max,
      },
    });
  }
  return out;
}

const STAT_NAMES = ['surfaceMean', 'mean', 'min', 'max'] as const;

function difference(ref: number | null, dev: number | null): number | null {
  return ref === null || dev === null ? null : dev - ref;
}

/** (dev - ref) / |ref| in %: 0 when both are 0, null when only ref is 0 (infinite) or either is unknown. */
export function relativeDifferencePercent(ref: number | null, dev: number | null): number | null {
  if (ref === null || dev === null) return null;
  if (ref === 0) return dev === 0 ? 0 : null;
  return ((dev - ref) / Math.abs(ref)) * 100;
}

function mapStats(f: (name: (typeof STAT_NAMES)[number]) => number | null): ComparisonStats {
  return { surfaceMean: f('surfaceMean'), mean: f('mean'), min: f('min'), max: f('max') };
}

/** Sort key: |relative difference| of the surface mean, else of the mean; unknown last. */
export function rankOf(row: ComparisonRow): number {
  const r = row.relativeDifferencePercent.surfaceMean ?? row.relativeDifferencePercent.mean;
  if (r !== null) return Math.abs(r);
  // ref is 0 and dev is not: an infinite relative change outranks everything.
  const d = row.difference.surfaceMean ?? row.difference.mean;
  return d !== null && d !== 0 ? Number.POSITIVE_INFINITY : -1;
}

export function compareSummaries(
  ref: Map<string, VariableSummary>,
  dev: Map<string, VariableSummary>,
): { rows: ComparisonRow[]; onlyInRef: string[]; onlyInDev: string[] } {
  const rows: ComparisonRow[] = [];
  for (const [id, r] of ref) {
    const d = dev.get(id);
    if (!d) continue;
    rows.push({
      collection: r.collection,
      variable: r.variable,
      units: r.units ?? d.units,
      ref: r.stats,
      dev: d.stats,
      difference: mapStats((s) => difference(r.stats[s], d.stats[s])),
      relativeDifferencePercent: mapStats((s) => relativeDifferencePercent(r.stats[s], d.stats[s])),
    });
  }
  rows.sort(
    (a, b) =>
      rankOf(b) - rankOf(a) ||
      a.collection.localeCompare(b.collection) ||
      a.variable.localeCompare(b.variable),
  );
  return {
    rows,
    onlyInRef: [...ref.keys()].filter((id) => !dev.has(id)).sort(),
    onlyInDev: [...dev.keys()].filter((id) => !ref.has(id)).sort(),
  };
}
