import { Stack } from '@mantine/core';
import { FieldChoices } from './ChoiceGroup.js';
import { fieldValue } from './wizard-draft.js';
import type { StepProps } from './step-props.js';

/** Step 2: the met field, and the GCAP 2.0 run when it is ModelE2.1. */
export function MeteorologyStep(props: StepProps) {
  return (
    <Stack gap="lg">
      <FieldChoices {...props} field="meteorology.field" label="Meteorology" columns={1} />
      {fieldValue(props.draft, 'meteorology.field') === 'ModelE2.1' && (
        <FieldChoices
          {...props}
          field="meteorology.gcap2.runId"
          label="GCAP 2.0 scenario and run"
          columns={1}
        />
      )}
    </Stack>
  );
}
