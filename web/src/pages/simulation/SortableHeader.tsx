import type { ReactNode } from 'react';
import { Table, UnstyledButton } from '@mantine/core';
import type { SortState } from './sorting.js';
import type { SortableColumn } from './useColumnSort.js';

/** A column header that sorts by its column; aria-sort says which way the table is sorted. */
function SortableHeader<K extends string>({
  column,
  label,
  sort,
  onSort,
}: {
  column: K;
  label: string;
  sort: SortState<K>;
  onSort: (column: K) => void;
}) {
  const active = sort.column === column;
  const ariaSort = active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none';
  return (
    <Table.Th scope="col" aria-sort={ariaSort}>
      <UnstyledButton onClick={() => onSort(column)} fw={600} fz="sm">
        {label}
        {active ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
      </UnstyledButton>
    </Table.Th>
  );
}

/** The header row of a sortable table: one sorting header per column, then `children` (plain headers). */
export function SortableHeaderRow<K extends string>({
  columns,
  sort,
  onSort,
  children,
}: {
  columns: readonly SortableColumn<K>[];
  sort: SortState<K>;
  onSort: (column: K) => void;
  children?: ReactNode;
}) {
  return (
    <Table.Thead>
      <Table.Tr>
        {columns.map((c) => (
          <SortableHeader key={c.column} column={c.column} label={c.label} sort={sort} onSort={onSort} />
        ))}
        {children}
      </Table.Tr>
    </Table.Thead>
  );
}
