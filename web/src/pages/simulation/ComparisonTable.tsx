import { useState } from 'react';
import { SegmentedControl, Table } from '@mantine/core';
import type { ComparisonRow } from '#schemas/generated/types.js';
import {
  BIGGEST_DIFFERENCE_FIRST,
  comparisonRows,
  comparisonSortValue,
  type ComparisonColumn,
  type ComparisonStatistic,
} from './comparison.js';
import { formatNumber } from './format.js';
import { SortableHeader } from './SortableHeader.js';
import { nextSort, sortRows, type SortState } from './sorting.js';

const STATISTICS: { value: ComparisonStatistic; label: string }[] = [
  { value: 'surfaceMean', label: 'Surface mean' },
  { value: 'mean', label: 'Mean' },
  { value: 'min', label: 'Min' },
  { value: 'max', label: 'Max' },
];

const COLUMNS: { column: ComparisonColumn; label: string; numeric: boolean }[] = [
  { column: 'variable', label: 'Variable', numeric: false },
  { column: 'collection', label: 'Collection', numeric: false },
  { column: 'ref', label: 'Reference', numeric: true },
  { column: 'dev', label: 'Compared', numeric: true },
  { column: 'difference', label: 'Difference', numeric: true },
  { column: 'relative', label: 'Relative (%)', numeric: true },
];

function formatPercent(value: number | null): string {
  if (value === null) return '—';
  return `${value > 0 ? '+' : ''}${value.toFixed(Math.abs(value) < 1 ? 3 : 1)}%`;
}

/** Metrics differences (compared - reference), absolute and relative, biggest first, sortable. */
export function ComparisonTable({ rows }: { rows: ComparisonRow[] }) {
  const [statistic, setStatistic] = useState<ComparisonStatistic>('surfaceMean');
  const [sort, setSort] = useState<SortState<ComparisonColumn>>(BIGGEST_DIFFERENCE_FIRST);
  const sorted = sortRows(comparisonRows(rows, statistic), sort, comparisonSortValue);
  const onSort = (column: ComparisonColumn) =>
    setSort((current) =>
      nextSort(current, column, COLUMNS.find((c) => c.column === column)?.numeric ? 'desc' : 'asc'),
    );
  return (
    <>
      <SegmentedControl
        aria-label="Statistic"
        value={statistic}
        onChange={(value) => setStatistic(value as ComparisonStatistic)}
        data={STATISTICS}
        mb="xs"
      />
      <Table.ScrollContainer minWidth={760}>
        <Table striped highlightOnHover aria-label="Metrics differences">
          <Table.Thead>
            <Table.Tr>
              {COLUMNS.map((c) => (
                <SortableHeader
                  key={c.column}
                  column={c.column}
                  label={c.label}
                  sort={sort}
                  onSort={onSort}
                />
              ))}
              <Table.Th scope="col">Units</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sorted.map((row) => (
              <Table.Tr key={row.id}>
                <Table.Td>{row.variable}</Table.Td>
                <Table.Td>{row.collection}</Table.Td>
                <Table.Td>{formatNumber(row.ref)}</Table.Td>
                <Table.Td>{formatNumber(row.dev)}</Table.Td>
                <Table.Td>{formatNumber(row.difference)}</Table.Td>
                <Table.Td>{formatPercent(row.relative)}</Table.Td>
                <Table.Td>{row.units}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
