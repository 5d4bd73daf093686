/**
 * An ensemble request (base spec + sweep) expanded into its members' specs.
 *
 * Every member is an ordinary simulation spec, validated by the same
 * validator as a POST /simulations body; a refusal names the member
 * (`members[3].grid.resolution`), the request's own fields keep their paths
 * (`sweep.product`, `base.period.start`). Member order is the member index:
 * - `list`: the entries in order;
 * - `product`: every combination, met years outermost, then each scale
 *   factor sweep in turn, then diagnostics (the last list varies fastest);
 * - `perturbation`: member 0 the unperturbed base (unless `baseMember` is
 *   false), then member i perturbs state-vector element i (1-based), as the
 *   Integrated Methane Inversion numbers its Jacobian runs.
 */
import type {
  EmissionScaleFactor,
  EnsembleMemberChanges,
  EnsembleRequest,
  FieldIssue,
  SimulationSpec,
} from '#schemas/generated/types.js';
import { ensembleRequestSchema } from '#schemas/generated/schemas.js';
import { issuesFromAjv, validatorFor } from '#schemas/validator.js';
import { validateSimulationSpec, type ResolvedSimulationSpec } from '../spec/validate-spec.js';

export const ENSEMBLE_LIMITS = {
  /** AWS Batch's largest array job: one SubmitJob for all of them. */
  maxMembers: 10_000,
  /** Issues reported at most: a sweep that breaks every member says so without a 10,000-line answer. */
  maxIssues: 50,
} as const;

export type SweepKind = 'list' | 'product' | 'perturbation';

export interface EnsembleMemberPlan {
  memberIndex: number;
  label?: string;
  spec: ResolvedSimulationSpec;
}

export interface ExpandedEnsemble {
  name: string;
  description: string;
  sweepKind: SweepKind;
  hasBaseMember: boolean;
  perturbationFactor?: number;
  members: EnsembleMemberPlan[];
}

export type EnsembleExpansionResult =
  { ok: true; ensemble: ExpandedEnsemble } | { ok: false; issues: FieldIssue[] };

const validateRequest = validatorFor<EnsembleRequest>(ensembleRequestSchema.$id);

/** The spec of a member before validation: the base with the member's changes. */
interface MemberDraft {
  label?: string;
  changes: EnsembleMemberChanges;
}

/** The member's name: the ensemble's and its index, within the spec's 100 characters. */
export function memberName(ensembleName: string, memberIndex: number): string {
  return `${ensembleName} m${memberIndex}`;
}

/** An ISO instant moved by whole years (29 February becomes 28 February in a common year). */
export function shiftYears(iso: string, years: number): string {
  const date = new Date(iso);
  const shifted = new Date(date.getTime());
  shifted.setUTCFullYear(date.getUTCFullYear() + years);
  if (shifted.getUTCDate() !== date.getUTCDate()) shifted.setUTCDate(0);
  return shifted.toISOString().replace('.000Z', 'Z');
}

function memberSpec(base: SimulationSpec, name: string, index: number, draft: MemberDraft): SimulationSpec {
  const spec: SimulationSpec = structuredClone(base);
  spec.name = memberName(name, index);
  const { metYear, scaleFactors, diagnostics, tags } = draft.changes;
  if (metYear !== undefined) {
    const years = metYear - new Date(base.period.start).getUTCFullYear();
    spec.period = { start: shiftYears(base.period.start, years), end: shiftYears(base.period.end, years) };
  }
  if (scaleFactors !== undefined && scaleFactors.length > 0) {
    spec.emissions = {
      ...spec.emissions,
      scaleFactors: [...(spec.emissions?.scaleFactors ?? []), ...structuredClone(scaleFactors)],
    };
  }
  if (diagnostics !== undefined) spec.diagnostics = structuredClone(diagnostics);
  if (tags !== undefined) spec.tags = { ...spec.tags, ...tags };
  return spec;
}

function productSize(product: NonNullable<EnsembleRequest['sweep']['product']>): number {
  let size = product.metYears?.length ?? 1;
  for (const sweep of product.scaleFactors ?? []) size *= sweep.factors.length;
  return size * (product.diagnostics?.length ?? 1);
}

function productDrafts(product: NonNullable<EnsembleRequest['sweep']['product']>): MemberDraft[] {
  type Axis = { label: string; apply: (changes: EnsembleMemberChanges) => void }[];
  const axes: Axis[] = [];
  if (product.metYears) {
    axes.push(
      product.metYears.map((year) => ({ label: `met${year}`, apply: (c) => void (c.metYear = year) })),
    );
  }
  (product.scaleFactors ?? []).forEach((sweep, s) => {
    const { factors, ...rest } = sweep;
    axes.push(
      factors.map((factor) => ({
        label: `${sweep.label ?? `sf${s + 1}`}=${factor}`,
        apply: (c) => void (c.scaleFactors = [...(c.scaleFactors ?? []), { ...rest, factor }]),
      })),
    );
  });
  if (product.diagnostics) {
    const diagnostics = product.diagnostics;
    axes.push(diagnostics.map((d, i) => ({ label: `diag${i + 1}`, apply: (c) => void (c.diagnostics = d) })));
  }
  let drafts: MemberDraft[] = [{ changes: {} }];
  for (const axis of axes) {
    drafts = drafts.flatMap((draft) =>
      axis.map((value) => {
        const changes = structuredClone(draft.changes);
        value.apply(changes);
        return { label: draft.label ? `${draft.label}_${value.label}` : value.label, changes };
      }),
    );
  }
  return drafts;
}

function perturbationDrafts(
  perturbation: NonNullable<EnsembleRequest['sweep']['perturbation']>,
): MemberDraft[] {
  const factor = perturbation.factor ?? 1.5;
  const drafts: MemberDraft[] = perturbation.baseMember === false ? [] : [{ label: 'base', changes: {} }];
  perturbation.elements.forEach((region, i) => {
    const element = i + 1;
    const scaleFactor: EmissionScaleFactor = {
      label: `element${element}`,
      factor,
      ...(perturbation.species !== undefined ? { species: perturbation.species } : {}),
      ...(perturbation.inventories !== undefined ? { inventories: perturbation.inventories } : {}),
      region,
    };
    drafts.push({ label: `element${element}`, changes: { scaleFactors: [scaleFactor] } });
  });
  return drafts;
}

/** Checks of the sweep the schema cannot express (one of three, sizes, a perturbation's target). */
function sweepIssues(request: EnsembleRequest): FieldIssue[] {
  const sweep = request.sweep;
  const kinds = (['list', 'product', 'perturbation'] as const).filter((kind) => sweep[kind] !== undefined);
  if (kinds.length !== 1)
    return [{ field: 'sweep', message: 'give exactly one of list, product or perturbation' }];
  const issues: FieldIssue[] = [];
  if (sweep.product) {
    const size = productSize(sweep.product);
    if (size > ENSEMBLE_LIMITS.maxMembers) {
      issues.push({
        field: 'sweep.product',
        message: `makes ${size} members; an ensemble has at most ${ENSEMBLE_LIMITS.maxMembers}`,
      });
    }
    (sweep.product.scaleFactors ?? []).forEach((s, i) => {
      if (s.species === undefined && s.inventories === undefined)
        issues.push({
          field: `sweep.product.scaleFactors[${i}]`,
          message: 'name the species, the inventories, or both',
        });
    });
  }
  const perturbation = sweep.perturbation;
  if (perturbation) {
    if (perturbation.species === undefined && perturbation.inventories === undefined)
      issues.push({ field: 'sweep.perturbation', message: 'name the species, the inventories, or both' });
    if ((perturbation.factor ?? 1.5) === 1)
      issues.push({ field: 'sweep.perturbation.factor', message: 'a factor of 1 perturbs nothing' });
    const members = perturbation.elements.length + (perturbation.baseMember === false ? 0 : 1);
    if (members > ENSEMBLE_LIMITS.maxMembers) {
      issues.push({
        field: 'sweep.perturbation.elements',
        message: `makes ${members} members with the base; an ensemble has at most ${ENSEMBLE_LIMITS.maxMembers}`,
      });
    }
  }
  return issues;
}

/**
 * Expands and validates an ensemble request. Nothing here throws on bad
 * input; the input is never modified.
 */
export function expandEnsemble(input: unknown, options: { now?: Date } = {}): EnsembleExpansionResult {
  let request: EnsembleRequest;
  try {
    request = structuredClone(input) as EnsembleRequest;
  } catch {
    return { ok: false, issues: [{ field: 'body', message: 'must be plain JSON' }] };
  }
  // The schema fills defaults into its copy; members are built from the raw base,
  // so each member's validation sees exactly what the caller wrote.
  const checked = structuredClone(request);
  if (!validateRequest(checked)) return { ok: false, issues: issuesFromAjv(validateRequest.errors) };
  const structural = sweepIssues(checked);
  if (structural.length > 0) return { ok: false, issues: structural };

  // A broken base would break every member alike: say it once, under `base`.
  const base = validateSimulationSpec(request.base, options);
  if (!base.ok) return { ok: false, issues: base.issues.map((i) => ({ ...i, field: `base.${i.field}` })) };

  const sweep = checked.sweep;
  const sweepKind: SweepKind = sweep.list ? 'list' : sweep.product ? 'product' : 'perturbation';
  const drafts: MemberDraft[] = sweep.list
    ? sweep.list.map((changes) => ({
        ...(changes.label !== undefined ? { label: changes.label } : {}),
        changes,
      }))
    : sweep.product
      ? productDrafts(sweep.product)
      : perturbationDrafts(sweep.perturbation!);

  const issues: FieldIssue[] = [];
  const members: EnsembleMemberPlan[] = [];
  for (const [index, draft] of drafts.entries()) {
    const result = validateSimulationSpec(memberSpec(request.base, checked.name, index, draft), options);
    if (result.ok) {
      members.push({
        memberIndex: index,
        ...(draft.label !== undefined ? { label: draft.label } : {}),
        spec: result.spec,
      });
      continue;
    }
    for (const issue of result.issues) {
      issues.push({ field: `members[${index}].${issue.field}`, message: issue.message });
    }
    if (issues.length >= ENSEMBLE_LIMITS.maxIssues) break;
  }
  if (issues.length > 0) return { ok: false, issues: issues.slice(0, ENSEMBLE_LIMITS.maxIssues) };

  const hasBaseMember = sweepKind === 'perturbation' && sweep.perturbation!.baseMember !== false;
  return {
    ok: true,
    ensemble: {
      name: checked.name,
      description: checked.description ?? '',
      sweepKind,
      hasBaseMember,
      ...(sweepKind === 'perturbation' ? { perturbationFactor: sweep.perturbation!.factor ?? 1.5 } : {}),
      members,
    },
  };
}
