import { Stack, Textarea, TextInput } from '@mantine/core';
import { FieldChoices } from './ChoiceGroup.js';
import { issueAt } from './StepIssues.js';
import { fieldValue } from './wizard-draft.js';
import type { StepProps } from './step-props.js';

/** Step 1: name, model, simulation type and its extra option (createRunDir.sh's first questions). */
export function SimulationStep(props: StepProps) {
  const { draft, onSet, issues } = props;
  return (
    <Stack gap="lg">
      <TextInput
        label="Name"
        description="Shown in listings and notices, e.g. July 2019 fullchem 4x5"
        required
        value={String(fieldValue(draft, 'name') ?? '')}
        onChange={(event) => onSet('name', event.currentTarget.value)}
        error={issueAt(issues, 'name')}
      />
      <Textarea
        label="Description"
        description="Your notes: why this run exists, what it is compared with"
        rows={2}
        value={String(fieldValue(draft, 'description') ?? '')}
        onChange={(event) => onSet('description', event.currentTarget.value || undefined)}
        error={issueAt(issues, 'description')}
      />
      <FieldChoices {...props} field="model" label="Model" />
      <FieldChoices {...props} field="simulation.type" label="Simulation type" columns={3} />
      <FieldChoices
        {...props}
        field="simulation.extraOption"
        label="Extra option"
        description="createRunDir.sh's extra simulation option"
        columns={3}
      />
    </Stack>
  );
}
