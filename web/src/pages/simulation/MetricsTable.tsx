import { useState } from 'react';
import { Table, Text, TextInput } from '@mantine/core';
import type { SimulationResults } from '#schemas/generated/types.js';
import { formatNumber } from './format.js';
import { metricsRows, type MetricsColumn, type MetricsRow } from './results.js';
import { SortableHeaderRow } from './SortableHeader.js';
import { sortRows } from './sorting.js';
import { useColumnSort, type SortableColumn } from './useColumnSort.js';

const COLUMNS: SortableColumn<MetricsColumn>[] = [
  { column: 'variable', label: 'Variable' },
  { column: 'collection', label: 'Collection' },
  { column: 'timeStep', label: 'Time step' },
  { column: 'mean', label: 'Mean', numeric: true },
  { column: 'min', label: 'Min', numeric: true },
  { column: 'max', label: 'Max', numeric: true },
  { column: 'units', label: 'Units' },
];

const valueOf = (row: MetricsRow, column: MetricsColumn) => row[column];

/** Every variable's metrics, per output file, sortable by any column and filtered by name. */
export function MetricsTable({ metrics }: { metrics: SimulationResults['metrics'] }) {
  const [sort, onSort] = useColumnSort<MetricsColumn>({ column: 'variable', direction: 'asc' }, COLUMNS);
  const [filter, setFilter] = useState('');
  const rows = sortRows(
    metricsRows(metrics).filter((row) => row.variable.toLowerCase().includes(filter.trim().toLowerCase())),
    sort,
    valueOf,
  );
  return (
    <>
      <TextInput
        label="Filter variables"
        placeholder="O3"
        value={filter}
        onChange={(event) => setFilter(event.currentTarget.value)}
        mb="xs"
        maw={320}
      />
      {metrics?.truncated ? (
        <Text size="sm" mb="xs">
          The metrics were cut at the API&apos;s size cap; {metrics.note ?? 'narrow them by collection.'}
        </Text>
      ) : null}
      <Table.ScrollContainer minWidth={720}>
        <Table striped highlightOnHover aria-label="Metrics">
          <SortableHeaderRow columns={COLUMNS} sort={sort} onSort={onSort} />
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.id}>
                <Table.Td>{row.variable}</Table.Td>
                <Table.Td>{row.collection}</Table.Td>
                <Table.Td>{row.timeStep}</Table.Td>
                <Table.Td>{formatNumber(row.mean)}</Table.Td>
                <Table.Td>{formatNumber(row.min)}</Table.Td>
                <Table.Td>{formatNumber(row.max)}</Table.Td>
                <Table.Td>{row.units}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
