import { Alert, Stack, Text, Title } from '@mantine/core';
import type { Simulation } from '#schemas/generated/types.js';
import { ManifestList } from './ManifestList.js';
import { MetricsTable } from './MetricsTable.js';
import { PreviewGallery } from './PreviewGallery.js';
import { useSimulationResults } from './queries.js';

const WAITING: Record<string, string> = {
  NOT_STARTED: 'Results are processed once the run has succeeded.',
  PENDING: 'The run succeeded; processing of its outputs is queued.',
  PROCESSING: 'The outputs are being processed (manifest, metrics, preview maps)…',
};

/** The results of a SUCCEEDED run: preview maps, metrics, and the files by collection. */
export function ResultsPanel({ simulation }: { simulation: Simulation }) {
  const results = useSimulationResults(simulation.id, simulation.status === 'SUCCEEDED');
  if (simulation.status !== 'SUCCEEDED') return <Text>{WAITING.NOT_STARTED}</Text>;
  if (results.isPending) return <Text>Loading the results…</Text>;
  if (results.isError)
    return (
      <Alert color="red" role="alert">
        {results.error.message}
      </Alert>
    );
  const data = results.data;
  if (data.status === 'FAILED')
    return (
      <Alert color="red" role="alert" title="Processing the results failed">
        {data.reason ?? 'No reason was recorded.'}
      </Alert>
    );
  if (data.status !== 'READY') return <Text>{WAITING[data.status]}</Text>;
  return (
    <Stack gap="lg">
      <section aria-labelledby="previews-title">
        <Title order={3} size="h4" id="previews-title" mb="xs">
          Preview maps
        </Title>
        <PreviewGallery
          simulationId={simulation.id}
          previews={data.previews}
          period={simulation.spec.period}
        />
      </section>
      <section aria-labelledby="metrics-title">
        <Title order={3} size="h4" id="metrics-title" mb="xs">
          Metrics
        </Title>
        <MetricsTable metrics={data.metrics} />
      </section>
      {data.manifest ? (
        <section aria-labelledby="files-title">
          <Title order={3} size="h4" id="files-title" mb="xs">
            Files
          </Title>
          <ManifestList simulationId={simulation.id} manifest={data.manifest} />
        </section>
      ) : null}
    </Stack>
  );
}
