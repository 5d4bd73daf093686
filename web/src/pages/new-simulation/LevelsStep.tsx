import { FieldChoices } from './ChoiceGroup.js';
import type { StepProps } from './step-props.js';

/** Step 4: vertical levels (native, or the reduced grid some met fields offer). */
export function LevelsStep(props: StepProps) {
  return <FieldChoices {...props} field="grid.levels" label="Vertical levels" columns={3} />;
}
