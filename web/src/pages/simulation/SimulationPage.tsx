import { Alert, Anchor, Card, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useNow } from './useNow.js';
import { AttemptsTable } from './AttemptsTable.js';
import { SimulationNotFoundError } from './api-errors.js';
import { ComparisonPanel } from './ComparisonPanel.js';
import { CostBreakdown } from './CostBreakdown.js';
import { formatInstant } from './format.js';
import { LogsPanel } from './LogsPanel.js';
import { ProgressPanel } from './ProgressPanel.js';
import { useSimulation, useSimulationCost } from './queries.js';
import { ResultsPanel } from './ResultsPanel.js';
import { RunDirectoryPanel } from './RunDirectoryPanel.js';
import { SimulationActions } from './SimulationActions.js';
import { StatusBadge } from './StatusBadge.js';
import { StatusTimeline } from './StatusTimeline.js';
import { isTerminal } from './status.js';

const TABS = ['overview', 'logs', 'rundir', 'results', 'compare', 'cost'] as const;
type Tab = (typeof TABS)[number];

/**
 * /simulations/:id (tab in ?tab=) and /simulations/:id/compare/:otherId: one
 * run, live while it can still change.
 */
export function SimulationPage() {
  const { id = '', otherId } = useParams();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const simulation = useSimulation(id);
  const live = simulation.data !== undefined && !isTerminal(simulation.data.status);
  const cost = useSimulationCost(id, live);
  const now = useNow(live ? 1000 : undefined);

  // A failed refetch of a run already shown keeps it on screen (the next refetch may succeed).
  const run = simulation.data;
  if (!run) {
    if (!simulation.isError) return <Text>Loading the simulation…</Text>;
    const notFound = simulation.error instanceof SimulationNotFoundError;
    return (
      <Stack>
        <Title order={2}>{notFound ? 'Simulation not found' : 'The simulation could not be loaded'}</Title>
        <Text>
          {notFound ? `There is no simulation ${id} among yours.` : simulation.error.message}{' '}
          <Anchor component={Link} to="/simulations">
            Back to your simulations
          </Anchor>
        </Text>
      </Stack>
    );
  }
  const requested = search.get('tab');
  const tab: Tab = otherId ? 'compare' : TABS.includes(requested as Tab) ? (requested as Tab) : 'overview';
  const openTab = (next: string | null) => {
    if (!next || next === tab) return;
    void navigate(next === 'overview' ? `/simulations/${id}` : `/simulations/${id}?tab=${next}`);
  };

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Title order={2}>{run.name}</Title>
          <Group gap="xs">
            <StatusBadge status={run.status} />
            <Text size="sm">
              {run.id} · {run.spec.simulation.type} · {run.spec.grid.resolution} · {run.backend} · created{' '}
              {formatInstant(run.createdAt)}
            </Text>
          </Group>
        </Stack>
        <SimulationActions simulation={run} />
      </Group>
      {simulation.isError ? (
        <Alert color="yellow" role="alert">
          Could not refresh ({simulation.error.message}); showing the state last received.
        </Alert>
      ) : null}
      <Tabs value={tab} onChange={openTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="logs">Logs</Tabs.Tab>
          <Tabs.Tab value="rundir">Run directory</Tabs.Tab>
          <Tabs.Tab value="results">Results</Tabs.Tab>
          <Tabs.Tab value="compare">Compare</Tabs.Tab>
          <Tabs.Tab value="cost">Cost</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <Stack gap="md">
            <Card withBorder>
              <Title order={3} size="h4" mb="sm">
                Progress
              </Title>
              <ProgressPanel simulation={run} cost={cost.data ?? undefined} now={now} />
            </Card>
            <Card withBorder>
              <Title order={3} size="h4" mb="sm">
                Status history
              </Title>
              <StatusTimeline history={run.history} />
            </Card>
            <Card withBorder>
              <Title order={3} size="h4" mb="sm">
                Attempts
              </Title>
              <AttemptsTable simulation={run} />
            </Card>
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="logs" pt="md">
          <LogsPanel simulationId={id} live={live} />
        </Tabs.Panel>
        <Tabs.Panel value="rundir" pt="md">
          <RunDirectoryPanel simulationId={id} />
        </Tabs.Panel>
        <Tabs.Panel value="results" pt="md">
          <ResultsPanel simulation={run} />
        </Tabs.Panel>
        <Tabs.Panel value="compare" pt="md">
          <ComparisonPanel simulation={run} otherId={otherId} />
        </Tabs.Panel>
        <Tabs.Panel value="cost" pt="md">
          {cost.isError ? (
            <Alert color="red" role="alert">
              {cost.error.message}
            </Alert>
          ) : cost.data ? (
            <CostBreakdown cost={cost.data} />
          ) : (
            <Text>
              {cost.isPending ? 'Loading the cost…' : 'The cost tracker has not priced this run yet.'}
            </Text>
          )}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
