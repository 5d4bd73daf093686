import { useMemo } from 'react';
import { Alert, Group, Loader, NumberInput, Stack, Text } from '@mantine/core';
import { choicesOfValues } from '#shared/science/spec/choices-for-step.js';
import { ChoiceGroup, FieldChoices } from './ChoiceGroup.js';
import { issueAt } from './StepIssues.js';
import { fieldValue } from './wizard-draft.js';
import { formatRange, formatUsd, formatWall } from './format.js';
import { useEstimate } from './useEstimate.js';
import type { StepProps } from './step-props.js';

const AUTO_INSTANCE = '';

/** Step 6: backend, architecture, spot or on-demand, the instance (from the estimate's options) and the limits. */
export function ComputeStep(props: StepProps) {
  const { draft, onSet, issues, now } = props;
  const onBatch = fieldValue(draft, 'compute.backend') === 'aws-batch';
  const estimate = useEstimate(draft, onBatch);
  const instances = useMemo(() => {
    const options = estimate.data?.options ?? [];
    const listed = options.map((option) => ({
      value: option.instanceType,
      label:
        `${option.instanceType} (${option.architecture}, ${option.vcpus} vCPUs): ` +
        `${formatRange(option.wallSeconds, formatWall)}, ${formatRange(option.costUsd, formatUsd)}`,
    }));
    const checked = choicesOfValues(draft, 'compute.instanceType', listed, ['compute.vcpus'], { now });
    return [{ value: AUTO_INSTANCE, label: 'Let AWS Batch choose' }, ...checked];
  }, [draft, estimate.data, now]);
  const number = (field: string, label: string, description: string, min: number, max?: number) => (
    <NumberInput
      label={label}
      description={description}
      min={min}
      max={max}
      value={(fieldValue(draft, field) as number | undefined) ?? ''}
      onChange={(value) => onSet(field, typeof value === 'number' ? value : undefined)}
      error={issueAt(issues, field)}
      miw={200}
    />
  );
  return (
    <Stack gap="lg">
      <FieldChoices {...props} field="compute.backend" label="Backend" />
      <FieldChoices {...props} field="compute.architecture" label="Architecture" />
      <FieldChoices {...props} field="compute.purchase" label="Purchase option" />
      {onBatch ? (
        estimate.isPending ? (
          <Group gap="xs">
            <Loader size="xs" />
            <Text size="sm">Pricing the instance options…</Text>
          </Group>
        ) : estimate.isError ? (
          <Alert color="yellow" title="No estimate">
            {estimate.error.message}
          </Alert>
        ) : (
          <ChoiceGroup
            label="Instance type"
            description={
              estimate.data?.recommended
                ? `Recommended: ${estimate.data.recommended.instanceType}, ${estimate.data.recommended.reason}`
                : undefined
            }
            choices={instances}
            value={(fieldValue(draft, 'compute.instanceType') as string | undefined) ?? AUTO_INSTANCE}
            onChange={(value) => onSet('compute.instanceType', value === AUTO_INSTANCE ? undefined : value)}
            error={issueAt(issues, 'compute.instanceType')}
            columns={1}
          />
        )
      ) : (
        <Text size="sm" c="dimmed">
          The local backend runs on this machine; instance types are for AWS Batch.
        </Text>
      )}
      <Group grow align="flex-start" wrap="wrap">
        {number('compute.vcpus', 'vCPUs', 'OpenMP threads on one node (default 8)', 1, 192)}
        {number('compute.memoryMiB', 'Memory (MiB)', 'Default 16384', 1024, 786432)}
      </Group>
      <Group grow align="flex-start" wrap="wrap">
        {number(
          'compute.maxRuntimeMinutes',
          'Longest run (minutes)',
          'Then TIMED_OUT (default 1440)',
          1,
          20160,
        )}
        {number('compute.maxQueueMinutes', 'Longest wait for capacity (minutes)', 'Default 120', 1, 10080)}
        {number(
          'maxCostUsd',
          'Cost limit (USD)',
          'The run is cancelled when it reaches it; none by default',
          0.01,
          100000,
        )}
      </Group>
    </Stack>
  );
}
