import { Alert, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { SimulationCost } from '#schemas/generated/types.js';
import { formatDuration, formatUsd } from './format.js';

function Figure({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs">{label}</Text>
      <Text fw={600} size="lg">
        {value}
      </Text>
      {hint ? <Text size="xs">{hint}</Text> : null}
    </Stack>
  );
}

/** Estimate vs live (accrued) vs final, itemised per attempt, and what AWS billed once reconciled. */
export function CostBreakdown({ cost }: { cost: SimulationCost }) {
  const estimate = cost.headline?.estimate;
  const reconciliation = cost.reconciliation;
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Figure
          label="Estimate"
          value={estimate ? formatUsd(estimate.expectedUsd) : '—'}
          {...(estimate
            ? {
                hint: `${formatUsd(estimate.lowUsd)} – ${formatUsd(estimate.highUsd)} on ${estimate.instanceType}`,
              }
            : {})}
        />
        <Figure label="Live (accrued)" value={cost.kind === 'accrued' ? formatUsd(cost.totalUsd) : '—'} />
        <Figure
          label="Final"
          value={cost.kind === 'final' ? formatUsd(cost.totalUsd) : '—'}
          {...(cost.headline?.finalOverExpected !== undefined
            ? { hint: `${cost.headline.finalOverExpected.toFixed(2)} × the estimate` }
            : {})}
        />
        <Figure
          label="Billed (reconciled)"
          value={reconciliation ? formatUsd(reconciliation.billedUsd) : '—'}
          hint={
            reconciliation
              ? `tracked compute ${formatUsd(reconciliation.trackedUsd)}, difference ${formatUsd(reconciliation.differenceUsd)}`
              : 'not reconciled with the bill yet'
          }
        />
      </SimpleGrid>
      {cost.maxCostUsd !== undefined ? (
        <Text size="sm">
          Cost limit: {formatUsd(cost.maxCostUsd)} (the run is cancelled when it reaches it).
        </Text>
      ) : null}
      <section aria-labelledby="attempt-costs-title">
        <Title order={3} size="h4" id="attempt-costs-title" mb="xs">
          Per attempt
        </Title>
        {cost.attempts.length === 0 ? (
          <Text>No attempt has started yet.</Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table striped aria-label="Cost per attempt">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Attempt</Table.Th>
                  <Table.Th scope="col">Instance</Table.Th>
                  <Table.Th scope="col">Purchase</Table.Th>
                  <Table.Th scope="col">Hours</Table.Th>
                  <Table.Th scope="col">Share</Table.Th>
                  <Table.Th scope="col">Compute</Table.Th>
                  <Table.Th scope="col">EBS</Table.Th>
                  <Table.Th scope="col">Ended</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {cost.attempts.map((attempt) => (
                  <Table.Tr key={attempt.attempt}>
                    <Table.Td>{attempt.attempt}</Table.Td>
                    <Table.Td>
                      {attempt.instanceType}
                      {attempt.nodes > 1 ? ` × ${attempt.nodes}` : ''} ({attempt.availabilityZone})
                    </Table.Td>
                    <Table.Td>{attempt.purchase === 'spot' ? 'Spot' : 'On-demand'}</Table.Td>
                    <Table.Td title={formatDuration(attempt.seconds)}>
                      {(attempt.seconds / 3600).toFixed(3)}
                    </Table.Td>
                    <Table.Td>{Math.round(attempt.share.applied * 1000) / 10}%</Table.Td>
                    <Table.Td>{formatUsd(attempt.computeUsd)}</Table.Td>
                    <Table.Td>{formatUsd(attempt.ebsUsd)}</Table.Td>
                    <Table.Td>{attempt.ended ? (attempt.statusReason ?? 'yes') : 'running'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </section>
      <section aria-labelledby="cost-items-title">
        <Title order={3} size="h4" id="cost-items-title" mb="xs">
          Items
        </Title>
        <Table.ScrollContainer minWidth={560}>
          <Table aria-label="Cost items">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Item</Table.Th>
                <Table.Th scope="col">Amount</Table.Th>
                <Table.Th scope="col">Includes</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {cost.items.map((item) => (
                <Table.Tr key={item.item}>
                  <Table.Td>{item.item}</Table.Td>
                  <Table.Td>
                    {item.known ? formatUsd(item.usd) : 'unknown'}
                    {item.perMonth ? ' per month' : ''}
                  </Table.Td>
                  <Table.Td>{item.includes}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </section>
      {reconciliation && reconciliation.unmatchedUsd !== 0 ? (
        <Alert color="yellow">
          {formatUsd(reconciliation.unmatchedUsd)} billed in hours no attempt covers.
        </Alert>
      ) : null}
    </Stack>
  );
}
