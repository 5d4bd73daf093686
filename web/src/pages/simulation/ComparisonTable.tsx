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
import { SortableHeaderRow } from './SortableHeader.js';
import { sortRows } from './sorting.js';
import { useColumnSort, type SortableColumn } from './useColumnSort.js';

const STATISTICS: { value: ComparisonStatistic; label: string }[] = [
  { value: 'surfaceMean', label: 'Surface mean' },
  { value: 'mean', label: 'Mean' },
  { value: 'min', label: 'Min' },
  { value: 'max', label: 'Max' },
];

const COLUMNS: SortableColumn<ComparisonColumn>[] = [
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
  const [sort, onSort] = useColumnSort(BIGGEST_DIFFERENCE_FIRST, COLUMNS);
  const sorted = sortRows(comparisonRows(rows, statistic), sort, comparisonSortValue);
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
          <SortableHeaderRow columns={COLUMNS} sort={sort} onSort={onSort}>
            <Table.Th scope="col">Units</Table.Th>
          </SortableHeaderRow>
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
