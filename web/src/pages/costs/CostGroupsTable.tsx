import { Table } from '@mantine/core';
import type { CostReport } from '#schemas/generated/types.js';
import { ScrollableTable } from '../../components/ScrollableTable.js';
import { formatUsd, groupingLabel } from './cost-format.js';

const CAPTIONS: Partial<Record<CostReport['groupBy'], string>> = {
  tag: 'A run with two tags counts under both, so the groups can add up to more than the total.',
  instanceType: "Each attempt's compute and storage counts under the instance it ran on.",
};

/** The report's groups with their amounts and share of the total: the accessible form of the chart. */
export function CostGroupsTable({ report }: { report: CostReport }) {
  const groupLabel = groupingLabel(report.groupBy);
  const share = (usd: number) =>
    report.totalUsd > 0 ? `${Math.round((usd / report.totalUsd) * 100)} %` : '–';
  return (
    <ScrollableTable label={`Costs by ${groupLabel.toLowerCase()}`} minWidth={560}>
      <Table striped highlightOnHover>
        <Table.Caption style={{ color: 'var(--mantine-color-text)' }}>
          {CAPTIONS[report.groupBy] ?? `Costs by ${groupLabel.toLowerCase()}.`}
        </Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{groupLabel}</Table.Th>
            <Table.Th scope="col">Total</Table.Th>
            <Table.Th scope="col">Final</Table.Th>
            <Table.Th scope="col">Accrued (running)</Table.Th>
            <Table.Th scope="col">Simulations</Table.Th>
            <Table.Th scope="col">Share</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {report.groups.map((group) => (
            <Table.Tr key={group.key}>
              <Table.Th scope="row">{group.key}</Table.Th>
              <Table.Td>{formatUsd(group.totalUsd)}</Table.Td>
              <Table.Td>{formatUsd(group.finalUsd)}</Table.Td>
              <Table.Td>{formatUsd(group.accruedUsd)}</Table.Td>
              <Table.Td>{group.simulations}</Table.Td>
              <Table.Td>{share(group.totalUsd)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr>
            <Table.Th scope="row">All</Table.Th>
            <Table.Td>{formatUsd(report.totalUsd)}</Table.Td>
            <Table.Td />
            <Table.Td />
            <Table.Td>{report.simulations}</Table.Td>
            <Table.Td />
          </Table.Tr>
        </Table.Tfoot>
      </Table>
    </ScrollableTable>
  );
}
