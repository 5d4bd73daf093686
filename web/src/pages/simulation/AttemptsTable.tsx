import { Badge, Table, Text } from '@mantine/core';
import type { Simulation } from '#schemas/generated/types.js';
import { attemptRows } from './attempts.js';
import { formatInstant } from './format.js';

/** The job's Batch attempts: when, on what, how each ended; spot reclaims badged as such. */
export function AttemptsTable({ simulation }: { simulation: Simulation }) {
  const rows = attemptRows(simulation);
  if (rows.length === 0) return <Text>No compute job has started yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped aria-label="Attempts">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Attempt</Table.Th>
            <Table.Th scope="col">Started</Table.Th>
            <Table.Th scope="col">Stopped</Table.Th>
            <Table.Th scope="col">Instance</Table.Th>
            <Table.Th scope="col">Exit code</Table.Th>
            <Table.Th scope="col">How it ended</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.number}>
              <Table.Td>
                {row.number}
                {row.current ? ' (current)' : ''}
              </Table.Td>
              <Table.Td>{formatInstant(row.startedAt)}</Table.Td>
              <Table.Td>{formatInstant(row.stoppedAt)}</Table.Td>
              <Table.Td>{[row.instanceType, row.host].filter(Boolean).join(' · ') || '—'}</Table.Td>
              <Table.Td>{row.exitCode ?? '—'}</Table.Td>
              <Table.Td>
                {row.spotReclaim ? (
                  <Badge color="orange" variant="dot" mr="xs">
                    Spot reclaim
                  </Badge>
                ) : null}
                {row.reason ?? (row.current ? 'Running' : '—')}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
