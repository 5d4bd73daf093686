import { useMemo } from 'react';
import { choicesFor } from '#shared/science/spec/choices-for-step.js';
import { ChoiceGroup } from './ChoiceGroup.js';
import { issueAt } from './StepIssues.js';
import { fieldValue } from './wizard-draft.js';
import type { StepProps } from './step-props.js';

/** Step 4: vertical levels (native, or the reduced grid some met fields offer). */
export function LevelsStep({ draft, onChoose, issues, now }: StepProps) {
  const levels = useMemo(() => choicesFor(draft, 'grid.levels', { now }), [draft, now]);
  return (
    <ChoiceGroup
      label="Vertical levels"
      choices={levels}
      value={fieldValue(draft, 'grid.levels')}
      onChange={(value) => onChoose('grid.levels', value)}
      error={issueAt(issues, 'grid.levels')}
      columns={3}
    />
  );
}
