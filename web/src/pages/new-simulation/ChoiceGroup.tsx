import { useMemo } from 'react';
import { Radio, SimpleGrid } from '@mantine/core';
import { choicesFor, type Choice, type ChoiceField } from '#shared/science/spec/choices-for-step.js';
import { issueAt } from './StepIssues.js';
import { fieldValue } from './wizard-draft.js';
import type { StepProps } from './step-props.js';

interface ChoiceGroupProps {
  label: string;
  description?: string;
  choices: Choice<string | number>[];
  value: unknown;
  onChange: (value: string | number) => void;
  error?: string | undefined;
  /** Columns from the small breakpoint up (one column on a phone). */
  columns?: number;
}

/**
 * One question of the wizard as radio buttons. A refused option stays in the
 * list, disabled, with the API's reason as its visible description (a tooltip
 * would hide it from the keyboard and from touch screens).
 */
export function ChoiceGroup({
  label,
  description,
  choices,
  value,
  onChange,
  error,
  columns = 2,
}: ChoiceGroupProps) {
  return (
    <Radio.Group
      label={label}
      description={description}
      value={value === undefined || value === null ? null : String(value)}
      onChange={(picked) => {
        const choice = choices.find((option) => String(option.value) === picked);
        if (choice) onChange(choice.value);
      }}
      error={error}
    >
      <SimpleGrid cols={{ base: 1, sm: columns }} spacing="sm" mt="xs">
        {choices.map((choice) => (
          <Radio
            key={String(choice.value)}
            value={String(choice.value)}
            label={choice.label}
            disabled={choice.disabledReason !== undefined}
            description={choice.disabledReason ? `Not available: ${choice.disabledReason}` : undefined}
          />
        ))}
      </SimpleGrid>
    </Radio.Group>
  );
}

interface FieldChoicesProps extends StepProps {
  field: ChoiceField;
  label: string;
  description?: string | undefined;
  columns?: number;
  /** The options when the step has computed them already (the grid step draws its domains too). */
  choices?: Choice<string | number>[];
}

/** A choice field of the spec as a ChoiceGroup: its options and reasons from choicesFor, its value and issue from the draft. */
export function FieldChoices({
  field,
  label,
  description,
  columns,
  choices,
  draft,
  onChoose,
  issues,
  now,
}: FieldChoicesProps) {
  const computed = useMemo(() => choices ?? choicesFor(draft, field, { now }), [choices, draft, field, now]);
  // The validator names the GCAP 2.0 choice meteorology.gcap2 (or .runId).
  const issueField = field === 'meteorology.gcap2.runId' ? 'meteorology.gcap2' : field;
  return (
    <ChoiceGroup
      label={label}
      description={description}
      choices={computed}
      value={fieldValue(draft, field)}
      onChange={(value) => onChoose(field, value)}
      error={issueAt(issues, issueField) ?? issueAt(issues, field)}
      columns={columns}
    />
  );
}
