import { useState } from 'react';
import { Alert, Select, SimpleGrid, Stack, Text, Title, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { useNavigate } from 'react-router';
import type { Simulation } from '#schemas/generated/types.js';
import { ComparisonTable } from './ComparisonTable.js';
import { MapImage } from './MapImage.js';
import { MapZoomModal } from './MapZoomModal.js';
import { useComparison, useOwnSimulations } from './queries.js';
import { speciesOf } from './results.js';

function differenceAlt(
  map: { variable: string; collection: string },
  refName: string,
  devName: string,
): string {
  return `Difference map of ${speciesOf(map.variable)} (${map.variable}, ${map.collection}): surface level, time mean, ${devName} minus ${refName}`;
}

/**
 * This run (the reference) against another of the caller's succeeded runs
 * on the same grid: the metrics differences and the difference maps the
 * results processor draws for the variables that differ most.
 */
export function ComparisonPanel({
  simulation,
  otherId,
}: {
  simulation: Simulation;
  otherId: string | undefined;
}) {
  const navigate = useNavigate();
  const candidates = useOwnSimulations();
  const comparison = useComparison(simulation.id, otherId);
  const [openMap, setOpenMap] = useState<{ key: string; variable: string; collection: string } | undefined>();
  const resolution = simulation.spec.grid.resolution;
  const options = (candidates.data ?? [])
    .filter((run) => run.id !== simulation.id && run.resolution === resolution)
    .map((run) => ({ value: run.id, label: `${run.name} (${run.id})` }));
  const data = comparison.data;
  return (
    <Stack gap="md">
      <Select
        label="Compare with"
        placeholder={candidates.isPending ? 'Loading your runs…' : 'Pick a run'}
        data={options}
        value={otherId ?? null}
        searchable
        nothingFoundMessage="No other succeeded run of yours on this grid"
        onChange={(value) =>
          void navigate(
            value ? `/simulations/${simulation.id}/compare/${value}` : `/simulations/${simulation.id}`,
          )
        }
        maw={520}
      />
      <Text size="sm">
        Your succeeded runs on the {resolution} grid are offered; this run is the reference.
      </Text>
      {comparison.isError ? (
        <Alert color="red" role="alert">
          {comparison.error.message}
        </Alert>
      ) : null}
      {otherId && comparison.isPending ? <Text>Comparing…</Text> : null}
      {data ? (
        <>
          <Text size="sm">
            Compared “{data.dev.name}” with the reference “{data.ref.name}” on the {data.grid} grid
            {data.cached ? ' (stored comparison)' : ''}.
            {data.onlyInRef.length > 0 ? ` Only in the reference: ${data.onlyInRef.join(', ')}.` : ''}
            {data.onlyInDev.length > 0 ? ` Only in the compared run: ${data.onlyInDev.join(', ')}.` : ''}
          </Text>
          <section aria-labelledby="differences-title">
            <Title order={3} size="h4" id="differences-title" mb="xs">
              Metrics differences
            </Title>
            <ComparisonTable rows={data.species} />
          </section>
          <section aria-labelledby="difference-maps-title">
            <Title order={3} size="h4" id="difference-maps-title" mb="xs">
              Difference maps
            </Title>
            {data.mapsNote ? (
              <Text size="sm" mb="xs">
                {data.mapsNote}
              </Text>
            ) : null}
            {data.maps.length === 0 ? (
              <Text>No difference map was drawn.</Text>
            ) : (
              <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
                {data.maps.map((map) => {
                  const alt = differenceAlt(map, data.ref.name, data.dev.name);
                  return (
                    <UnstyledButton key={map.key} onClick={() => setOpenMap(map)}>
                      <VisuallyHidden>Open larger:</VisuallyHidden>
                      <MapImage simulationId={simulation.id} fileKey={map.key} alt={alt} />
                      <Text size="sm">{map.variable}</Text>
                    </UnstyledButton>
                  );
                })}
              </SimpleGrid>
            )}
            <MapZoomModal
              simulationId={simulation.id}
              fileKey={openMap?.key}
              alt={openMap ? differenceAlt(openMap, data.ref.name, data.dev.name) : ''}
              title={openMap ? `${openMap.variable}: compared − reference` : ''}
              onClose={() => setOpenMap(undefined)}
            />
          </section>
        </>
      ) : null}
    </Stack>
  );
}
