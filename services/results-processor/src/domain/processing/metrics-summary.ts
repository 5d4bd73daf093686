/**
 * The headline numbers of a run for the Ready event: for the first species of
 * its main collection (SpeciesConc, else the first diagnostic collection), the
 * time mean of the surface area-weighted means, and the minimum and maximum
 * over all files. Capped so the event stays far below EventBridge's 256 KB.
 */
import type { NetcdfFileMetrics, ResultsFile } from '#schemas/generated/types.js';

export const SUMMARY_SPECIES_LIMIT = 50;

export type MetricsSummary = Record<string, Record<string, number>>;

export interface CollectionMetrics {
  collection: string;
  kind: ResultsFile['kind'];
  metrics: NetcdfFileMetrics[];
}

/** The collection whose species are summarised and previewed. */
export function mainCollection<T extends { collection?: string; kind: ResultsFile['kind'] }>(
  files: T[],
): string | undefined {
  const diagnostics = files.filter((f) => f.kind === 'diagnostic' && f.collection);
  return diagnostics.find((f) => f.collection === 'SpeciesConc')?.collection ?? diagnostics[0]?.collection;
}

/** "SpeciesConcVV_O3" -> "O3"; other names unchanged. */
export function speciesName(variable: string): string {
  return variable.replace(/^SpeciesConc(?:VV|MND)?_/, '');
}

/** Variables on the horizontal grid (they have a surface mean), in file order. */
export function gridVariables(metrics: NetcdfFileMetrics[]): string[] {
  const names: string[] = [];
  for (const file of metrics) {
    for (const variable of file.variables) {
      if (variable.surfaceAreaWeightedMean && !names.includes(variable.name)) names.push(variable.name);
    }
  }
  return names;
}

export function summarizeMetrics(
  metrics: NetcdfFileMetrics[],
  limit = SUMMARY_SPECIES_LIMIT,
): MetricsSummary {
  const summary: MetricsSummary = {};
  for (const name of gridVariables(metrics).slice(0, limit)) {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let steps = 0;
    for (const file of metrics) {
      const variable = file.variables.find((v) => v.name === name);
      if (!variable) continue;
      if (variable.min !== null && variable.min < min) min = variable.min;
      if (variable.max !== null && variable.max > max) max = variable.max;
      for (const mean of variable.surfaceAreaWeightedMean ?? []) {
        if (mean === null) continue;
        sum += mean;
        steps++;
      }
    }
    const entry: Record<string, number> = {};
    if (steps > 0) entry['surfaceAreaWeightedMean'] = sum / steps;
    if (min !== Infinity) entry['min'] = min;
    if (max !== -Infinity) entry['max'] = max;
    summary[speciesName(name)] = entry;
  }
  return summary;
}

/** The variables to draw: the requested species (by species or variable name), else the first `count`. */
export function previewVariables(
  metrics: NetcdfFileMetrics[],
  count: number,
  requested?: string[],
): string[] {
  const available = gridVariables(metrics);
  if (!requested) return available.slice(0, count);
  return requested
    .map((wanted) => available.find((name) => name === wanted || speciesName(name) === wanted))
    .filter((name): name is string => name !== undefined);
}
