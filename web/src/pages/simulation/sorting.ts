/** Sorting of the page's tables: by a column, either way, missing values last whichever the direction. */

export type SortDirection = 'asc' | 'desc';

export interface SortState<K extends string> {
  column: K;
  direction: SortDirection;
}

export function sortRows<R, K extends string>(
  rows: readonly R[],
  sort: SortState<K>,
  valueOf: (row: R, column: K) => string | number | null | undefined,
): R[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = valueOf(a, sort.column);
    const y = valueOf(b, sort.column);
    if (x === y) return 0;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    if (typeof x === 'number' && typeof y === 'number') return (x - y) * sign;
    return String(x).localeCompare(String(y)) * sign;
  });
}

/** Clicking the sorted column turns its direction; another column starts with `firstDirection`. */
export function nextSort<K extends string>(
  current: SortState<K>,
  column: K,
  firstDirection: SortDirection = 'asc',
): SortState<K> {
  if (current.column === column) return { column, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  return { column, direction: firstDirection };
}
