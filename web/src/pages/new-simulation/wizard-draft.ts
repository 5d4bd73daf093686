/**
 * The wizard's state as plain data: the spec draft, and the moves on it. Which
 * options are allowed comes from shared/science/spec/choices-for-step.ts (the
 * API's own validator), never from rules written here.
 */
import {
  CHOICE_FIELDS,
  choicesFor,
  collectionChoices,
  stepOfField,
  valueAt,
  withChoice,
  withField,
  WIZARD_STEPS,
  type ChoiceField,
  type SpecDraft,
  type WizardStep,
} from '#shared/science/spec/choices-for-step.js';
import type { FieldIssue } from '#schemas/generated/types.js';

/** Where a new simulation starts: the first choices the wizard would settle on, a day of 2019 written hourly. */
export const INITIAL_DRAFT: SpecDraft = {
  name: '',
  model: 'gcclassic',
  simulation: { type: 'fullchem', extraOption: 'none' },
  period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' },
  diagnostics: { collections: ['SpeciesConc', 'Restart'], frequency: 'hourly' },
};

/** The value at a dotted path of the draft (`grid.resolution`), or undefined. */
export const fieldValue = valueAt;

/** The choice fields a step asks, in order. */
export function choiceFieldsOf(step: WizardStep): ChoiceField[] {
  return CHOICE_FIELDS.filter((field) => stepOfField(field) === step);
}

/**
 * The draft with every choice of `step` on an allowed option: a choice the
 * earlier steps made impossible (or never made) moves to the first allowed
 * one; the GCAP 2.0 run is dropped when the met field is not ModelE2.1.
 */
export function settleStep(draft: SpecDraft, step: WizardStep, now?: Date): SpecDraft {
  let out = step === 'period' ? withOfferedCollections(draft) : draft;
  for (const field of choiceFieldsOf(step)) {
    if (field === 'meteorology.gcap2.runId' && fieldValue(out, 'meteorology.field') !== 'ModelE2.1') {
      out = withField(out, 'meteorology.gcap2', undefined);
      continue;
    }
    const choices = choicesFor(out, field, now ? { now } : {});
    const current = fieldValue(out, field);
    if (choices.some((choice) => choice.value === current && !choice.disabledReason)) continue;
    const first = choices.find((choice) => !choice.disabledReason) ?? choices[0];
    if (first) out = withChoice(out, field, first.value);
  }
  return out;
}

/**
 * Collections another simulation type offered (Carbon, after switching from
 * carbon to fullchem) are dropped: the period step lists only this
 * simulation's, so a stale one could not be unticked there.
 */
function withOfferedCollections(draft: SpecDraft): SpecDraft {
  const chosen = fieldValue(draft, 'diagnostics.collections');
  if (!Array.isArray(chosen)) return draft;
  const offered = new Set(collectionChoices(draft).map((choice) => choice.value));
  if (offered.size === 0) return draft;
  const kept = chosen.filter((name) => offered.has(String(name)));
  return kept.length === chosen.length ? draft : withField(draft, 'diagnostics.collections', kept);
}

/** The draft after the researcher picks an option: the step's later choices settle again. */
export function choose(draft: SpecDraft, field: ChoiceField, value: string | number, now?: Date): SpecDraft {
  return settleStep(withChoice(draft, field, value), stepOfField(field), now);
}

/** Issues grouped by the step that edits their field. */
export function issuesByStep(issues: readonly FieldIssue[]): Map<WizardStep, FieldIssue[]> {
  const byStep = new Map<WizardStep, FieldIssue[]>();
  for (const issue of issues) {
    const step = stepOfField(issue.field);
    byStep.set(step, [...(byStep.get(step) ?? []), issue]);
  }
  return byStep;
}

/** The first step (in the wizard's order) that has an issue, if any. */
export function firstStepWithIssues(issues: readonly FieldIssue[]): WizardStep | undefined {
  const byStep = issuesByStep(issues);
  return WIZARD_STEPS.find((step) => byStep.has(step));
}

/** `YYYY-MM-DD` of a spec instant (UTC), or '' when it is not one. */
export function dayOf(instant: unknown): string {
  return typeof instant === 'string' && /^\d{4}-\d{2}-\d{2}/.test(instant) ? instant.slice(0, 10) : '';
}

/** The spec instant at 00:00 UTC of a `YYYY-MM-DD` day. */
export function instantOf(day: string): string {
  return `${day}T00:00:00Z`;
}
