/** The comparison's rows for one statistic, and their order: biggest difference first. */
import type { ComparisonRow } from '#schemas/generated/types.js';
import type { SortState } from './sorting.js';

export type ComparisonStatistic = 'surfaceMean' | 'mean' | 'min' | 'max';

export type ComparisonColumn = 'variable' | 'collection' | 'ref' | 'dev' | 'difference' | 'relative';

export interface ComparisonTableRow {
  id: string;
  variable: string;
  collection: string;
  units: string;
  ref: number | null;
  dev: number | null;
  difference: number | null;
  relative: number | null;
}

export function comparisonRows(rows: ComparisonRow[], statistic: ComparisonStatistic): ComparisonTableRow[] {
  return rows.map((row) => ({
    id: `${row.collection}/${row.variable}`,
    variable: row.variable,
    collection: row.collection,
    units: row.units ?? '',
    ref: row.ref[statistic],
    dev: row.dev[statistic],
    difference: row.difference[statistic],
    relative: row.relativeDifferencePercent[statistic],
  }));
}

/** Differences sort by size whatever their sign: -40 % is a bigger difference than +10 %. */
export function comparisonSortValue(
  row: ComparisonTableRow,
  column: ComparisonColumn,
): string | number | null {
  if (column === 'difference' || column === 'relative') {
    const value = row[column];
    return value === null ? null : Math.abs(value);
  }
  return row[column];
}

export const BIGGEST_DIFFERENCE_FIRST: SortState<ComparisonColumn> = {
  column: 'relative',
  direction: 'desc',
};
