import { Group, Progress, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core';
import type { Simulation, SimulationCost } from '#schemas/generated/types.js';
import { formatDuration, formatInstant, formatUsd } from './format.js';
import { etaSeconds, projectedCost, simulatedProgress } from './progress.js';

const PROJECTION_FORMULA =
  'Projected cost = cost accrued so far + (current attempt’s price per instance-hour × its share of the instance × nodes) × time left (ETA).';

function Figure({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs">{label}</Text>
      <Text fw={600}>{children}</Text>
    </Stack>
  );
}

/** Model time reached of the period, the ETA at the pace so far, the time limits and the projected cost. */
export function ProgressPanel({
  simulation,
  cost,
  now,
}: {
  simulation: Simulation;
  cost: SimulationCost | undefined;
  now: Date;
}) {
  const progress = simulatedProgress(simulation);
  const eta = etaSeconds(simulation, now);
  const projection = cost ? projectedCost(cost, eta) : undefined;
  const percent = Math.round(progress.fraction * 1000) / 10;
  const { maxRuntimeMinutes, maxQueueMinutes } = simulation.spec.compute ?? {};
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm">
          Simulated {formatInstant(progress.simulatedTime ?? progress.periodStart)} of{' '}
          {formatInstant(progress.periodStart)} → {formatInstant(progress.periodEnd)}
        </Text>
        <Text size="sm" fw={600}>
          {percent}%
        </Text>
      </Group>
      <Progress value={percent} aria-label={`Simulated time: ${percent}% of the period`} size="lg" />
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Figure label="ETA">{eta === undefined ? '—' : formatDuration(eta)}</Figure>
        <Figure label="Time limits">
          {maxRuntimeMinutes ? `run ${formatDuration(maxRuntimeMinutes * 60)}` : 'run: none'}
          {maxQueueMinutes ? `, queue ${formatDuration(maxQueueMinutes * 60)}` : ''}
        </Figure>
        <Figure label={projection?.final ? 'Final cost' : 'Cost so far'}>
          {projection ? formatUsd(projection.accruedUsd) : '—'}
        </Figure>
        <Figure label="Projected cost">
          {projection ? (
            <Tooltip label={PROJECTION_FORMULA} multiline w={300} withArrow>
              <Text span fw={600} tabIndex={0} td="underline dotted" aria-description={PROJECTION_FORMULA}>
                {formatUsd(projection.projectedUsd)}
              </Text>
            </Tooltip>
          ) : (
            '—'
          )}
        </Figure>
      </SimpleGrid>
    </Stack>
  );
}
