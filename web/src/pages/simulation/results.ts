/** Pure helpers for the results tab: the metrics as rows, and what a preview map shows in words. */
import type { SimulationResults } from '#schemas/generated/types.js';

export interface MetricsRow {
  id: string;
  collection: string;
  timeStep: string;
  variable: string;
  units: string;
  mean: number | null;
  min: number | null;
  max: number | null;
  validCount: number;
}

export type MetricsColumn = 'variable' | 'collection' | 'timeStep' | 'mean' | 'min' | 'max' | 'units';

export function metricsRows(metrics: SimulationResults['metrics']): MetricsRow[] {
  return (metrics?.files ?? []).flatMap((file) =>
    file.variables.map((variable) => ({
      id: `${file.key}#${variable.name}`,
      collection: file.collection ?? '—',
      timeStep: file.timeStep ?? '—',
      variable: variable.name,
      units: variable.units ?? '',
      mean: variable.mean,
      min: variable.min,
      max: variable.max,
      validCount: variable.validCount,
    })),
  );
}

/** "SpeciesConcVV_O3" -> "O3": GEOS-Chem names a species' diagnostic <collection field>_<species>. */
export function speciesOf(variable: string): string {
  const underscore = variable.indexOf('_');
  return underscore >= 0 ? variable.slice(underscore + 1) : variable;
}

/** The results processor draws the surface level, averaged over every time step of the file. */
export function previewAltText(
  preview: { collection: string; variable: string },
  period: { start: string; end: string },
): string {
  return `Map of ${speciesOf(preview.variable)} (${preview.variable}, ${preview.collection}): surface level, time mean over ${period.start.slice(0, 10)} to ${period.end.slice(0, 10)}`;
}
