import { useState } from 'react';
import { nextSort, type SortState } from './sorting.js';

export interface SortableColumn<K extends string> {
  column: K;
  label: string;
  /** Numbers sort biggest first on the first click; words from A. */
  numeric?: boolean;
}

/** A table's sort, and what a click on a column header does to it. */
export function useColumnSort<K extends string>(
  initial: SortState<K>,
  columns: readonly SortableColumn<K>[],
): [SortState<K>, (column: K) => void] {
  const [sort, setSort] = useState(initial);
  const onSort = (column: K) =>
    setSort((current) =>
      nextSort(current, column, columns.find((c) => c.column === column)?.numeric ? 'desc' : 'asc'),
    );
  return [sort, onSort];
}
