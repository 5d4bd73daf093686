import { useMemo } from 'react';
import { Stack } from '@mantine/core';
import { choicesFor } from '#shared/science/spec/choices-for-step.js';
import { ChoiceGroup } from './ChoiceGroup.js';
import { issueAt } from './StepIssues.js';
import { fieldValue } from './wizard-draft.js';
import type { StepProps } from './step-props.js';

/** Step 2: the met field, and the GCAP 2.0 run when it is ModelE2.1. */
export function MeteorologyStep({ draft, onChoose, issues, now }: StepProps) {
  const fields = useMemo(() => choicesFor(draft, 'meteorology.field', { now }), [draft, now]);
  const isGcap2 = fieldValue(draft, 'meteorology.field') === 'ModelE2.1';
  const runs = useMemo(
    () => (isGcap2 ? choicesFor(draft, 'meteorology.gcap2.runId', { now }) : []),
    [draft, now, isGcap2],
  );
  return (
    <Stack gap="lg">
      <ChoiceGroup
        label="Meteorology"
        choices={fields}
        value={fieldValue(draft, 'meteorology.field')}
        onChange={(value) => onChoose('meteorology.field', value)}
        error={issueAt(issues, 'meteorology.field')}
        columns={1}
      />
      {isGcap2 && (
        <ChoiceGroup
          label="GCAP 2.0 scenario and run"
          choices={runs}
          value={fieldValue(draft, 'meteorology.gcap2.runId')}
          onChange={(value) => onChoose('meteorology.gcap2.runId', value)}
          error={issueAt(issues, 'meteorology.gcap2') ?? issueAt(issues, 'meteorology.gcap2.runId')}
          columns={1}
        />
      )}
    </Stack>
  );
}
