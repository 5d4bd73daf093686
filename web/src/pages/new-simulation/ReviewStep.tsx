import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useMutation, useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Code,
  Group,
  List,
  Loader,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { formatBytes } from '#shared/science/inputs/format-input-plan.js';
import type { SpecDraft } from '#shared/science/spec/choices-for-step.js';
import type { FieldIssue, SimulationPlan, SimulationSpec } from '#schemas/generated/types.js';
import { describeApiError } from '../../api/client.js';
import { useApi } from '../../api/ApiContext.js';
import { formatRange, formatUsd, formatWall } from './format.js';

/** A refusal of the API, with the issues its body names by field. */
export class ApiRefusal extends Error {
  override name = 'ApiRefusal';
  constructor(
    message: string,
    readonly status: number,
    readonly issues: FieldIssue[],
  ) {
    super(message);
  }
}

function refusalOf(body: unknown, status: number): ApiRefusal {
  const issues = (body as { error?: { issues?: FieldIssue[] } } | undefined)?.error?.issues ?? [];
  return new ApiRefusal(describeApiError(body, status), status, issues);
}

interface ReviewStepProps {
  draft: SpecDraft;
  /** The API refused the spec, naming fields: the wizard shows them on their steps. */
  onRefused: (issues: FieldIssue[]) => void;
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600}>{value}</Text>
    </div>
  );
}

/**
 * Step 7: the dry run (POST /simulation-plans) and the submission
 * (POST /simulations). The Idempotency-Key is made when the review opens, so
 * a double click, or a retry after a lost answer, creates one run.
 */
export function ReviewStep({ draft, onRefused }: ReviewStepProps) {
  const api = useApi();
  const navigate = useNavigate();
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const body = draft as unknown as SimulationSpec;
  const plan = useQuery<SimulationPlan, ApiRefusal>({
    queryKey: ['simulation-plan', body],
    queryFn: async () => {
      const { data, error, response } = await api.POST('/simulation-plans', { body });
      if (!data) throw refusalOf(error, response.status);
      return data;
    },
  });
  const submit = useMutation<string, ApiRefusal>({
    mutationFn: async () => {
      const { data, error, response } = await api.POST('/simulations', {
        body,
        params: { header: { 'Idempotency-Key': idempotencyKey } },
      });
      if (!data) throw refusalOf(error, response.status);
      return data.id;
    },
    onSuccess: (id) => navigate(`/simulations/${id}`),
    onError: (refusal) => {
      if (refusal.issues.length > 0) onRefused(refusal.issues);
    },
  });

  if (plan.isPending) {
    return (
      <Group gap="xs">
        <Loader size="sm" />
        <Text>Making the dry run…</Text>
      </Group>
    );
  }
  if (plan.isError) {
    return (
      <Alert color="red" title="The API refused the dry run" role="alert">
        {plan.error.message}
        {plan.error.issues.length > 0 && (
          <Button mt="sm" variant="light" color="red" onClick={() => onRefused(plan.error.issues)}>
            Show the fields to fix
          </Button>
        )}
      </Alert>
    );
  }
  const { runDirectory, inputs, estimate, warnings } = plan.data;
  const cheapest = estimate.options.reduce((a, b) => (b.costUsd.expected < a.costUsd.expected ? b : a));
  const maxCostUsd = draft['maxCostUsd'];
  return (
    <Stack gap="lg">
      <section aria-labelledby="review-rundir">
        <Title order={3} size="h4" id="review-rundir">
          Run directory <Code>{runDirectory.name}</Code>
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 4 }} mt="xs">
          <Figure label="Simulation" value={runDirectory.summary.simulation} />
          <Figure label="Meteorology" value={runDirectory.summary.met} />
          <Figure
            label="Grid"
            value={`${runDirectory.summary.grid}, ${runDirectory.summary.levels} levels, ${runDirectory.summary.domain}`}
          />
          <Figure
            label="Period"
            value={`${runDirectory.summary.period.start} to ${runDirectory.summary.period.end} (${runDirectory.summary.period.hours} h)`}
          />
        </SimpleGrid>
        <Text size="sm" mt="xs">
          Files: {runDirectory.files.map((file) => `${file.name} (${formatBytes(file.bytes)})`).join(', ')}
        </Text>
      </section>
      <section aria-labelledby="review-inputs">
        <Title order={3} size="h4" id="review-inputs">
          Input data
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 4 }} mt="xs">
          <Figure label="Volume" value={formatBytes(inputs.totalBytes)} />
          <Figure label="Items" value={String(inputs.itemCount)} />
          <Figure
            label="Not in the buckets"
            value={inputs.unavailableCount === 0 ? 'none' : String(inputs.unavailableCount)}
          />
          <Figure label="From" value={inputs.buckets.join(', ')} />
        </SimpleGrid>
      </section>
      <section aria-labelledby="review-estimate">
        <Title order={3} size="h4" id="review-estimate">
          Estimate
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 3 }} mt="xs">
          <Figure label="Wall time" value={formatRange(cheapest.wallSeconds, formatWall)} />
          <Figure label="Cost" value={formatRange(cheapest.costUsd, formatUsd)} />
          <Figure
            label="Cost limit"
            value={typeof maxCostUsd === 'number' ? formatUsd(maxCostUsd) : 'none'}
          />
        </SimpleGrid>
        <Table.ScrollContainer minWidth={560} mt="sm">
          <Table striped>
            <Table.Caption>{estimate.uncertainty.statement}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Instance</Table.Th>
                <Table.Th>Purchase</Table.Th>
                <Table.Th>Wall time (low to high)</Table.Th>
                <Table.Th>Cost (low to high)</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {estimate.options.map((option) => (
                <Table.Tr key={`${option.instanceType}:${option.nodes}`}>
                  <Table.Td>
                    {option.instanceType}
                    {option.fromSpec ? ' (yours)' : ''}
                  </Table.Td>
                  <Table.Td>{option.purchase}</Table.Td>
                  <Table.Td>{`${formatWall(option.wallSeconds.low)} to ${formatWall(option.wallSeconds.high)}`}</Table.Td>
                  <Table.Td>{`${formatUsd(option.costUsd.low)} to ${formatUsd(option.costUsd.high)}`}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </section>
      {warnings.length > 0 && (
        <Alert color="yellow" title="Warnings">
          <List size="sm" spacing={4}>
            {warnings.map((warning) => (
              <List.Item key={`${warning.field}:${warning.message}`}>
                <Code>{warning.field}</Code> {warning.message}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      {submit.isError && submit.error.issues.length === 0 && (
        <Alert color="red" title="Not submitted" role="alert">
          {submit.error.message}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button
          size="md"
          color="blue.8" // readable white text in the dark scheme too (the theme's dark primary is blue 4)
          onClick={() => submit.mutate()}
          loading={submit.isPending}
          disabled={submit.isSuccess}
        >
          Submit simulation
        </Button>
      </Group>
    </Stack>
  );
}
