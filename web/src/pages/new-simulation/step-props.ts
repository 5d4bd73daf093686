import type { ChoiceField, SpecDraft } from '#shared/science/spec/choices-for-step.js';
import type { FieldIssue } from '#schemas/generated/types.js';

/** What every step component gets from the wizard. */
export interface StepProps {
  draft: SpecDraft;
  /** Picks an option of a choice field (later choices of the step settle again). */
  onChoose: (field: ChoiceField, value: string | number) => void;
  /** Sets a free field (name, dates, numbers); undefined removes it. */
  onSet: (field: string, value: unknown) => void;
  /** The validator's and the API's issues on this step's fields. */
  issues: readonly FieldIssue[];
  /** "Today" for the rules that need it (tests pin it). */
  now: Date;
}
