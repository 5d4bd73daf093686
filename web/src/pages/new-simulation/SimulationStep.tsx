import { useMemo } from 'react';
import { Stack, Textarea, TextInput } from '@mantine/core';
import { choicesFor } from '#shared/science/spec/choices-for-step.js';
import { ChoiceGroup } from './ChoiceGroup.js';
import { issueAt } from './StepIssues.js';
import { fieldValue } from './wizard-draft.js';
import type { StepProps } from './step-props.js';

/** Step 1: name, model, simulation type and its extra option (createRunDir.sh's first questions). */
export function SimulationStep({ draft, onChoose, onSet, issues, now }: StepProps) {
  const models = useMemo(() => choicesFor(draft, 'model', { now }), [draft, now]);
  const types = useMemo(() => choicesFor(draft, 'simulation.type', { now }), [draft, now]);
  const extras = useMemo(() => choicesFor(draft, 'simulation.extraOption', { now }), [draft, now]);
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
      <ChoiceGroup
        label="Model"
        choices={models}
        value={fieldValue(draft, 'model') ?? 'gcclassic'}
        onChange={(value) => onChoose('model', value)}
        error={issueAt(issues, 'model')}
      />
      <ChoiceGroup
        label="Simulation type"
        choices={types}
        value={fieldValue(draft, 'simulation.type')}
        onChange={(value) => onChoose('simulation.type', value)}
        error={issueAt(issues, 'simulation.type')}
        columns={3}
      />
      <ChoiceGroup
        label="Extra option"
        description="createRunDir.sh's extra simulation option"
        choices={extras}
        value={fieldValue(draft, 'simulation.extraOption')}
        onChange={(value) => onChoose('simulation.extraOption', value)}
        error={issueAt(issues, 'simulation.extraOption')}
        columns={3}
      />
    </Stack>
  );
}
