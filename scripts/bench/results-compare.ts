/**
 * Agreement between computeMetrics and the xarray reference in the results
 * benchmark: the largest relative difference over every number both sides
 * computed (count, min, max, mean and each surface mean of each variable).
 */
import type { FileMetrics } from '#shared/science/results/metrics.js';

export interface ReferenceMetrics {
  count: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  surfaceAreaWeightedMean?: (number | null)[];
}

export interface Disagreement {
  /** Largest relative difference, |a - b| / max(|a|, |b|) (0 when both are 0). */
  maxRelative: number;
  /** Where it occurred, e.g. "SpeciesConcVV_O3.mean" or "SpeciesConcVV_O3.surface[3]". */
  where: string | null;
  /** Numbers compared. */
  compared: number;
  /** Structural differences: variables or values present on one side only. */
  problems: string[];
}

export function relativeDifference(a: number, b: number): number {
  if (a === b) return 0;
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return Math.abs(a - b) / scale;
}

export function compareWithReference(
  ours: FileMetrics,
  reference: Record<string, ReferenceMetrics>,
): Disagreement {
  const result: Disagreement = { maxRelative: 0, where: null, compared: 0, problems: [] };
  const check = (where: string, a: number | null | undefined, b: number | null | undefined): void => {
    if (a == null || b == null) {
      if (a != b) result.problems.push(`${where}: ${String(a)} here, ${String(b)} in the reference`);
      return;
    }
    result.compared++;
    const d = relativeDifference(a, b);
    if (d > result.maxRelative || Number.isNaN(d)) {
      result.maxRelative = Number.isNaN(d) ? Infinity : d;
      result.where = where;
    }
  };
  const seen = new Set<string>();
  for (const variable of ours.variables) {
    const ref = reference[variable.name];
    if (!ref) {
      result.problems.push(`${variable.name}: not in the reference`);
      continue;
    }
    seen.add(variable.name);
    check(`${variable.name}.count`, variable.count, ref.count);
    check(`${variable.name}.min`, variable.min, ref.min);
    check(`${variable.name}.max`, variable.max, ref.max);
    check(`${variable.name}.mean`, variable.mean, ref.mean);
    const a = variable.surfaceAreaWeightedMean ?? [];
    const b = ref.surfaceAreaWeightedMean ?? [];
    if (a.length !== b.length) {
      result.problems.push(`${variable.name}: ${a.length} surface means here, ${b.length} in the reference`);
    }
    for (let t = 0; t < Math.min(a.length, b.length); t++)
      check(`${variable.name}.surface[${t}]`, a[t], b[t]);
  }
  for (const name of Object.keys(reference)) {
    if (!seen.has(name)) result.problems.push(`${name}: only in the reference`);
  }
  return result;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
