/**
 * What a step-by-step spec editor (the web console's new-simulation wizard)
 * may offer: for a partial spec, every option of a field with the reason it is
 * refused, if it is. Nothing here restates a rule: each option is tried by
 * running validateSimulationSpec (the API's own validator) on a candidate
 * spec, and an option is disabled exactly when the validator names that field.
 *
 * A candidate keeps the draft's choices of the fields asked before the one
 * probed, sets the option, and completes the fields asked after it with the
 * first choice the validator accepts for each (in the order createRunDir.sh
 * asks), so a later choice left over from an earlier path through the wizard
 * (a resolution picked for another met field) neither enables nor disables an
 * earlier one.
 */
import type {
  FieldIssue,
  GeosChemModel,
  GridResolution,
  MetField,
  SimulationType,
  VerticalLevels,
} from '#schemas/generated/types.js';
import {
  ALL_MET_FIELDS,
  ALL_RESOLUTIONS,
  ALL_SIMULATION_TYPES,
  describeYears,
  extraOptionsFor,
  gcap2Run,
  gcap2Runs,
  historyCollectionsFor,
  levelsFor,
  metFieldLabel,
  nestedDomainsFor,
  RESTART_COLLECTION,
} from './rundir-rules.js';
import { metFieldAvailability } from '../inputs/availability.js';
import { CUBED_SPHERE_RESOLUTIONS, ROUGH_LAT_LON, isCubedSphere } from './gchp-rules.js';
import { validateSimulationSpec, type ValidateSpecOptions } from './validate-spec.js';

/** The wizard's steps, in order; every spec field belongs to one (stepOfField). */
export const WIZARD_STEPS = [
  'simulation',
  'meteorology',
  'grid',
  'levels',
  'period',
  'compute',
  'review',
] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

/** A spec being edited: any subset of a SimulationSpec's fields, possibly wrong. */
export type SpecDraft = Record<string, unknown>;

export interface Choice<V extends string | number = string> {
  value: V;
  label: string;
  /** Why the API would refuse this option with the draft's earlier choices; absent when it is allowed. */
  disabledReason?: string;
}

/** The fields whose options the wizard enumerates, in the order it asks for them. */
export const CHOICE_FIELDS = [
  'model',
  'simulation.type',
  'simulation.extraOption',
  'meteorology.field',
  'meteorology.gcap2.runId',
  'grid.resolution',
  'grid.nestedDomain',
  'grid.levels',
  'diagnostics.frequency',
  'compute.backend',
  'compute.architecture',
  'compute.purchase',
] as const;
export type ChoiceField = (typeof CHOICE_FIELDS)[number];

/**
 * The step a spec field belongs to (a validator issue's dotted `field`), so an
 * API refusal is shown where the field is edited. Name, description and tags
 * are asked with the simulation type; unknown fields go to the review.
 */
export function stepOfField(field: string): WizardStep {
  const [head, second] = field.split('.');
  switch (head) {
    case 'name':
    case 'description':
    case 'tags':
    case 'model':
    case 'geosChemVersion':
    case 'simulation':
      return 'simulation';
    case 'meteorology':
      return 'meteorology';
    case 'grid':
      return second === 'levels' ? 'levels' : 'grid';
    case 'period':
    case 'diagnostics':
      return 'period';
    case 'compute':
    case 'maxCostUsd':
      return 'compute';
    default:
      return 'review';
  }
}

const FREQUENCIES = ['hourly', '3-hourly', 'daily', 'monthly', 'end'] as const;
const ALL_LEVELS: VerticalLevels[] = [...new Set(ALL_MET_FIELDS.flatMap((met) => levelsFor(met)))].sort(
  (a, b) => b - a,
);

/** The value at a dotted path of the draft, or undefined. */
export function valueAt(spec: SpecDraft, field: string): unknown {
  let node: unknown = spec;
  for (const key of field.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A copy of `spec` with `field` set (undefined removes it); objects on the way are copied, not shared. */
export function withField(spec: SpecDraft, field: string, value: unknown): SpecDraft {
  const [key, ...rest] = field.split('.') as [string, ...string[]];
  const copy: SpecDraft = { ...spec };
  if (rest.length === 0) {
    if (value === undefined) delete copy[key];
    else copy[key] = value;
    return copy;
  }
  const child = copy[key];
  copy[key] = withField(
    typeof child === 'object' && child !== null && !Array.isArray(child) ? (child as SpecDraft) : {},
    rest.join('.'),
    value,
  );
  return copy;
}

function modelOf(spec: SpecDraft): GeosChemModel {
  return valueAt(spec, 'model') === 'gchp' ? 'gchp' : 'gcclassic';
}

/** Every option of a field for this draft, before the validator has had its say. */
function optionsOf(field: ChoiceField, spec: SpecDraft): Choice<string | number>[] {
  switch (field) {
    case 'model':
      return [
        { value: 'gcclassic', label: 'GEOS-Chem Classic' },
        { value: 'gchp', label: 'GCHP (cubed-sphere, multi-node)' },
      ];
    case 'simulation.type':
      return ALL_SIMULATION_TYPES.map((type) => ({ value: type, label: type }));
    case 'simulation.extraOption': {
      const type = valueAt(spec, 'simulation.type') as SimulationType | undefined;
      return (type ? extraOptionsFor(type) : ['none']).map((option) => ({ value: option, label: option }));
    }
    case 'meteorology.field':
      return ALL_MET_FIELDS.map((met) => ({ value: met, label: metFieldLabel(met) }));
    case 'meteorology.gcap2.runId':
      return gcap2Runs().map((run) => ({
        value: run.runId,
        label: `${run.scenario}: ${run.runId} (${describeYears(run.years)})`,
      }));
    case 'grid.resolution':
      return modelOf(spec) === 'gchp'
        ? CUBED_SPHERE_RESOLUTIONS.map((cs) => ({ value: cs, label: `${cs} (about ${ROUGH_LAT_LON[cs]})` }))
        : ALL_RESOLUTIONS.map((resolution) => ({ value: resolution, label: resolution }));
    case 'grid.nestedDomain': {
      const resolution = valueAt(spec, 'grid.resolution') as GridResolution | undefined;
      const regions = resolution && !isCubedSphere(resolution) ? nestedDomainsFor(resolution) : [];
      return [
        { value: 'global', label: 'Global' },
        ...regions.map((region) => ({ value: region.code, label: `${region.name} (${region.code})` })),
      ];
    }
    case 'grid.levels':
      return ALL_LEVELS.map((levels) => ({ value: levels, label: `${levels} levels` }));
    case 'diagnostics.frequency':
      return FREQUENCIES.map((frequency) => ({
        value: frequency,
        label: frequency === 'end' ? 'once, at the end' : frequency,
      }));
    case 'compute.backend':
      return [
        { value: 'aws-batch', label: 'AWS Batch' },
        { value: 'local', label: 'Local (this machine)' },
      ];
    case 'compute.architecture':
      return [
        { value: 'x86_64', label: 'x86_64' },
        { value: 'arm64', label: 'arm64 (AWS Graviton)' },
      ];
    case 'compute.purchase':
      return [
        { value: 'spot', label: 'Spot' },
        { value: 'on-demand', label: 'On-demand' },
      ];
  }
}

/** Sets a choice (undefined removes it); a GCAP 2.0 run also sets its scenario, which it belongs to. */
export function withChoice(spec: SpecDraft, field: ChoiceField, value: unknown): SpecDraft {
  if (field === 'meteorology.gcap2.runId') {
    const run = typeof value === 'string' ? gcap2Run(value) : undefined;
    return withField(
      spec,
      'meteorology.gcap2',
      run ? { scenario: run.scenario, runId: run.runId } : undefined,
    );
  }
  return withField(spec, field, value);
}

/** Whether the field is asked at all for this draft (the GCAP 2.0 run only with ModelE2.1). */
function isAsked(field: ChoiceField, spec: SpecDraft): boolean {
  if (field === 'meteorology.gcap2.runId') return valueAt(spec, 'meteorology.field') === 'ModelE2.1';
  return true;
}

/** A period the met field has data for: a past day, or one in the GCAP 2.0 run's years. */
function placeholderPeriod(spec: SpecDraft): { start: string; end: string } {
  const runId = valueAt(spec, 'meteorology.gcap2.runId');
  const run = typeof runId === 'string' ? gcap2Run(runId) : undefined;
  const year = run && valueAt(spec, 'meteorology.field') === 'ModelE2.1' ? run.years[0]![0] : 2019;
  return { start: `${year}-01-01T00:00:00Z`, end: `${year}-01-02T00:00:00Z` };
}

/**
 * Schema-complete stand-ins for what the wizard has not asked yet; each only
 * ever draws an issue on its own field. Collections: just the restart, written
 * at the end, which every simulation offers and every period allows.
 */
function withPlaceholders(spec: SpecDraft, fromStep: number): SpecDraft {
  let out = spec;
  const after = (step: WizardStep): boolean => WIZARD_STEPS.indexOf(step) > fromStep;
  // Any schema refusal hides every rule's issue, so a name being typed must not stand in the way.
  out = withField(out, 'name', 'draft');
  if (after('period')) {
    out = withField(out, 'period', placeholderPeriod(out));
    out = withField(out, 'diagnostics', { collections: [RESTART_COLLECTION], frequency: 'end' });
  } else if (valueAt(out, 'period.start') === undefined || valueAt(out, 'period.end') === undefined) {
    out = withField(out, 'period', { ...placeholderPeriod(out), ...(valueAt(out, 'period') as object) });
  }
  if (after('compute')) {
    out = withField(out, 'compute', undefined);
    out = withField(out, 'maxCostUsd', undefined);
  }
  return out;
}

function issuesOn(issues: readonly FieldIssue[], field: string): FieldIssue[] {
  return issues.filter((issue) => issue.field === field || issue.field.startsWith(`${field}.`));
}

function validationIssues(spec: SpecDraft, options: ValidateSpecOptions): FieldIssue[] {
  const result = validateSimulationSpec(spec, options);
  return result.ok ? [] : result.issues;
}

/** The validator's issue on a choice field (the GCAP 2.0 run's issues are named meteorology.gcap2...). */
function issueFieldOf(field: ChoiceField): string {
  return field === 'meteorology.gcap2.runId' ? 'meteorology.gcap2' : field;
}

/**
 * The draft with every choice field after `index` replaced by the first
 * option the validator accepts there (or removed when it is not asked), and
 * placeholders for the steps after `fromStep`.
 */
function completeAfter(
  spec: SpecDraft,
  index: number,
  fromStep: number,
  options: ValidateSpecOptions,
): SpecDraft {
  let out = withPlaceholders(spec, fromStep);
  for (const field of CHOICE_FIELDS.slice(index + 1)) {
    const step = WIZARD_STEPS.indexOf(stepOfField(field));
    if (!isAsked(field, out)) {
      out = withChoice(out, field, undefined);
      continue;
    }
    if (step <= fromStep && valueAt(out, field) !== undefined) continue;
    if (step > fromStep && (field.startsWith('compute.') || field === 'diagnostics.frequency')) continue;
    const candidates = optionsOf(field, out);
    const accepted =
      candidates.find(
        (option) =>
          issuesOn(
            validationIssues(withPlaceholders(withChoice(out, field, option.value), fromStep), options),
            issueFieldOf(field),
          ).length === 0,
      ) ?? candidates[0];
    out = withChoice(out, field, accepted?.value);
  }
  return withPlaceholders(out, fromStep);
}

/** Index in CHOICE_FIELDS of the last choice asked at or before the step (-1 when none is). */
function lastChoiceAsked(fromStep: number): number {
  return CHOICE_FIELDS.reduce(
    (last, field, index) => (WIZARD_STEPS.indexOf(stepOfField(field)) <= fromStep ? index : last),
    -1,
  );
}

/**
 * Every option of `field` for this draft, each with the validator's reason
 * when the API would refuse it. Choices of the fields asked before `field`
 * come from the draft; the draft's later choices are ignored.
 */
export function choicesFor(
  draft: SpecDraft,
  field: ChoiceField,
  options: ValidateSpecOptions = {},
): Choice<string | number>[] {
  const index = CHOICE_FIELDS.indexOf(field);
  const fromStep = WIZARD_STEPS.indexOf(stepOfField(field));
  // Earlier steps' fields from the draft; this step's later fields and every later step completed afresh.
  let base: SpecDraft = draft;
  for (const later of CHOICE_FIELDS.slice(index + 1)) base = withChoice(base, later, undefined);
  return optionsOf(field, base).map((option) => {
    const candidate = completeAfter(withChoice(base, field, option.value), index, fromStep, options);
    const issue = issuesOn(validationIssues(candidate, options), issueFieldOf(field))[0];
    return issue ? { ...option, disabledReason: issue.message } : option;
  });
}

/**
 * The validator's issues that belong to `step` (stepOfField), for the draft
 * completed past that step: what stops the wizard from moving on, each shown
 * at its field.
 */
export function issuesForStep(
  draft: SpecDraft,
  step: WizardStep,
  options: ValidateSpecOptions = {},
): FieldIssue[] {
  const fromStep = WIZARD_STEPS.indexOf(step);
  const lastAsked = lastChoiceAsked(fromStep);
  const candidate = withField(completeAfter(draft, lastAsked, fromStep, options), 'name', draft['name']);
  return validationIssues(candidate, options).filter((issue) => stepOfField(issue.field) === step);
}

/**
 * The HISTORY.rc collections of the draft's simulation, the restart among
 * them required (the validator refuses a spec without it).
 */
export function collectionChoices(draft: SpecDraft): Choice[] {
  const type = valueAt(draft, 'simulation.type') as SimulationType | undefined;
  if (!type) return [];
  let offered: string[];
  try {
    offered = historyCollectionsFor(type, modelOf(draft)).offered;
  } catch {
    return [];
  }
  return offered.map((name) => {
    if (name !== RESTART_COLLECTION) return { value: name, label: name };
    const spec = withField(
      withPlaceholders(draft, WIZARD_STEPS.indexOf('period')),
      'diagnostics.collections',
      ['SpeciesConc'].filter((c) => offered.includes(c)),
    );
    const issue = issuesOn(validationIssues(spec, {}), 'diagnostics.collections').find(
      (candidate) => candidate.field === 'diagnostics.collections',
    );
    return {
      value: name,
      label: name,
      disabledReason: issue ? `always on: the spec ${issue.message}` : undefined,
    };
  });
}

/** The met field's data years as the validator and the input plan see them, for a date picker's bounds. */
export function periodBounds(
  draft: SpecDraft,
  now: Date = new Date(),
): { earliest?: string; latest?: string; reason: string } {
  const met = valueAt(draft, 'meteorology.field') as MetField | undefined;
  if (met === 'ModelE2.1') {
    const runId = valueAt(draft, 'meteorology.gcap2.runId');
    const run = typeof runId === 'string' ? gcap2Run(runId) : undefined;
    if (!run) return { reason: 'choose the GCAP 2.0 run first' };
    const first = run.years[0]![0];
    const last = run.years[run.years.length - 1]![1];
    return {
      earliest: `${first}-01-01`,
      latest: `${last + 1}-01-01`,
      reason: `GCAP 2.0 run ${run.runId} has ModelE2.1 meteorology for ${describeYears(run.years)} only`,
    };
  }
  if (!met)
    return {
      latest: now.toISOString().slice(0, 10),
      reason: 'reanalysis meteorology exists only for the past',
    };
  const firstDate = metFieldAvailability(met)?.firstDate;
  return {
    ...(firstDate ? { earliest: firstDate } : {}),
    latest: now.toISOString().slice(0, 10),
    reason:
      `${metFieldLabel(met)} meteorology exists only for the past` +
      (firstDate ? `, and the public GEOS-Chem data for it begins ${firstDate}` : ''),
  };
}

/**
 * Free-valued fields offered from a list (the instance types an estimate
 * priced): each value with the validator's reason when the draft, completed,
 * is refused on `field` or on one of `alsoOn` with it (an instance too small
 * for the vCPUs is an issue on compute.vcpus).
 */
export function choicesOfValues(
  draft: SpecDraft,
  field: string,
  values: readonly { value: string; label: string }[],
  alsoOn: readonly string[] = [],
  options: ValidateSpecOptions = {},
): Choice[] {
  const fromStep = WIZARD_STEPS.indexOf(stepOfField(field));
  const lastAsked = lastChoiceAsked(fromStep);
  // Issues the draft has without this field's value are not this value's fault.
  const before = validationIssues(completeAfter(draft, lastAsked, fromStep, options), options).filter(
    (issue) => alsoOn.includes(issue.field),
  );
  return values.map((option) => {
    const candidate = completeAfter(withField(draft, field, option.value), lastAsked, fromStep, options);
    const issues = validationIssues(candidate, options);
    const issue =
      issuesOn(issues, field)[0] ??
      issues.find(
        (found) => alsoOn.includes(found.field) && !before.some((known) => known.message === found.message),
      );
    return issue ? { ...option, disabledReason: issue.message } : option;
  });
}
