import { Anchor, Badge, Checkbox, Group, Progress, Table, Text, VisuallyHidden } from '@mantine/core';
import { Link } from 'react-router';
import type { SimulationSummary } from '#schemas/generated/types.js';
import {
  costOf,
  elapsedMs,
  formatElapsed,
  isCancellable,
  statusColor,
  statusLabel,
} from './simulation-rows.js';

/** The list's rows: a row links to its simulation; active runs can be selected for cancelling. */
export function SimulationsTable({
  rows,
  showOwner,
  selected,
  onToggle,
  nowMs,
}: {
  rows: SimulationSummary[];
  showOwner: boolean;
  selected: Set<string>;
  onToggle: (id: string) => void;
  nowMs: number;
}) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover aria-label="Simulations">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>
              <VisuallyHidden>Select</VisuallyHidden>
            </Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Progress</Table.Th>
            <Table.Th>Elapsed</Table.Th>
            <Table.Th>Cost</Table.Th>
            <Table.Th>Type</Table.Th>
            {showOwner ? <Table.Th>Owner</Table.Th> : null}
            <Table.Th>Created (UTC)</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => {
            const cost = costOf(row);
            return (
              <Table.Tr key={row.id} data-testid={`row-${row.id}`}>
                <Table.Td>
                  {isCancellable(row.status) ? (
                    <Checkbox
                      aria-label={`Select ${row.name}`}
                      checked={selected.has(row.id)}
                      onChange={() => onToggle(row.id)}
                    />
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/simulations/${row.id}`}>
                    {row.name}
                  </Anchor>
                  {row.tags ? (
                    <Group gap={4} mt={2}>
                      {Object.entries(row.tags).map(([key, value]) => (
                        <Badge
                          key={key}
                          size="xs"
                          variant="outline"
                          color="gray"
                          c="var(--mantine-color-text)"
                        >
                          {key}={value}
                        </Badge>
                      ))}
                    </Group>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  {/* Text in the body colour on the status's light tint: the colour helps, the word says it. */}
                  <Badge
                    color={statusColor(row.status)}
                    variant="light"
                    c="var(--mantine-color-text)"
                    data-testid="status"
                  >
                    {statusLabel(row.status)}
                  </Badge>
                </Table.Td>
                <Table.Td miw={120}>
                  {row.progress !== undefined ? (
                    <Group gap="xs" wrap="nowrap">
                      <Progress value={row.progress} w={70} aria-label={`Progress of ${row.name}`} />
                      <Text size="sm">{Math.round(row.progress)}%</Text>
                    </Group>
                  ) : (
                    <Text size="sm" c="dimmed">
                      Not started
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{formatElapsed(elapsedMs(row, nowMs))}</Table.Td>
                <Table.Td>
                  <Text size="sm" data-cost-kind={cost.kind}>
                    {cost.text}
                  </Text>
                </Table.Td>
                <Table.Td>{row.simulationType}</Table.Td>
                {showOwner ? (
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {row.owner}
                    </Text>
                  </Table.Td>
                ) : null}
                <Table.Td>{row.createdAt.slice(0, 16).replace('T', ' ')}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
