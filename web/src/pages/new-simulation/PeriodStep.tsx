import { useMemo } from 'react';
import { Checkbox, Group, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { collectionChoices, periodBounds } from '#shared/science/spec/choices-for-step.js';
import { FieldChoices } from './ChoiceGroup.js';
import { issueAt } from './StepIssues.js';
import { dayOf, fieldValue, instantOf } from './wizard-draft.js';
import type { StepProps } from './step-props.js';

/** Step 5: the simulated period (whole UTC days) and the HISTORY.rc collections with their frequency. */
export function PeriodStep(props: StepProps) {
  const { draft, onSet, issues, now } = props;
  const bounds = useMemo(() => periodBounds(draft, now), [draft, now]);
  const collections = useMemo(() => collectionChoices(draft), [draft]);
  const chosen = (fieldValue(draft, 'diagnostics.collections') as string[] | undefined) ?? [];
  const range = [bounds.earliest && `from ${bounds.earliest}`, bounds.latest && `until ${bounds.latest}`]
    .filter(Boolean)
    .join(' ');
  const dateHelp = `UTC, 00:00. ${range ? `Allowed ${range}: ` : ''}${bounds.reason}.`;
  return (
    <Stack gap="lg">
      <Group grow align="flex-start" wrap="wrap">
        <TextInput
          type="date"
          label="Start date"
          description={dateHelp}
          min={bounds.earliest}
          max={bounds.latest}
          value={dayOf(fieldValue(draft, 'period.start'))}
          onChange={(event) =>
            onSet('period.start', event.currentTarget.value ? instantOf(event.currentTarget.value) : '')
          }
          error={issueAt(issues, 'period.start') ?? issueAt(issues, 'period')}
          miw={220}
        />
        <TextInput
          type="date"
          label="End date (exclusive)"
          description="UTC, 00:00: the instant the run stops (a July run ends on 1 August)."
          min={bounds.earliest}
          max={bounds.latest}
          value={dayOf(fieldValue(draft, 'period.end'))}
          onChange={(event) =>
            onSet('period.end', event.currentTarget.value ? instantOf(event.currentTarget.value) : '')
          }
          error={issueAt(issues, 'period.end')}
          miw={220}
        />
      </Group>
      <Checkbox.Group
        label="Diagnostic collections (HISTORY.rc)"
        value={chosen}
        onChange={(value) => onSet('diagnostics.collections', value)}
        error={issueAt(issues, 'diagnostics.collections')}
      >
        <SimpleGrid cols={{ base: 1, xs: 2, sm: 3 }} spacing="xs" mt="xs">
          {collections.map((choice) => (
            <Checkbox
              key={choice.value}
              value={choice.value}
              label={choice.label}
              disabled={choice.disabledReason !== undefined && chosen.includes(choice.value)}
              description={choice.disabledReason}
            />
          ))}
        </SimpleGrid>
      </Checkbox.Group>
      <FieldChoices {...props} field="diagnostics.frequency" label="Output frequency" columns={1} />
    </Stack>
  );
}
