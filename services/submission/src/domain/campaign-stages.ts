/**
 * A campaign request turned into its stages' specs, each validated like a
 * POST /simulations body (issues named `stages[1].period.end`), and the rules
 * of the hand-off between stages. Pure: no ports.
 */
import type { FieldIssue } from '#shared/kernel/errors.js';
import { validateSimulationSpec, type ResolvedSimulationSpec } from '#shared/science/spec/validate-spec.js';
import { campaignRequestSchema } from '#schemas/generated/schemas.js';
import type { CampaignRequest, CampaignStageRequest } from '#schemas/generated/types.js';
import { issuesFromAjv, validatorFor } from '#schemas/validator.js';

/** Issues reported at most. */
const MAX_ISSUES = 50;

export interface StagePlan {
  stageIndex: number;
  name: string;
  onFailure: 'stop' | 'continue';
  restartFrom: 'previous' | 'none';
  spec: ResolvedSimulationSpec;
}

export type CampaignPlanResult =
  { ok: true; name: string; description: string; stages: StagePlan[] } | { ok: false; issues: FieldIssue[] };

const validateRequest = validatorFor<CampaignRequest>(campaignRequestSchema.$id);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `overrides` merged into `base`: objects key by key, anything else replaced. */
export function mergeOverrides(base: unknown, overrides: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(overrides)) return structuredClone(overrides);
  const merged: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(overrides)) merged[key] = mergeOverrides(merged[key], value);
  return merged;
}

/** The spec a stage runs, before validation: its own, or the base with its period and overrides. */
function stageDraft(request: CampaignRequest, stage: CampaignStageRequest): unknown {
  if (stage.spec) return stage.spec;
  const draft = mergeOverrides(request.base, stage.overrides ?? {}) as Record<string, unknown>;
  if (stage.period) draft['period'] = stage.period;
  draft['name'] = `${request.name} ${stage.name}`;
  return draft;
}

/**
 * Why stage `index` cannot start from the final restart of the stage before:
 * GEOS-Chem reads its initial restart under the start's time stamp and HEMCO
 * reads it with exact time matching (GC_RESTART ... EFYO), so the stage must
 * start where its predecessor ends, with the same model, simulation and grid
 * (the restart's species and shape).
 */
function handOffIssues(
  previous: ResolvedSimulationSpec,
  spec: ResolvedSimulationSpec,
  index: number,
): FieldIssue[] {
  const field = (name: string) => `stages[${index}].${name}`;
  const issues: FieldIssue[] = [];
  if (Date.parse(spec.period.start) !== Date.parse(previous.period.end)) {
    issues.push({
      field: field('period.start'),
      message: `must be ${previous.period.end}, the end of stage ${index - 1}, to start from its final restart (or set restartFrom "none")`,
    });
  }
  const same: [string, unknown, unknown][] = [
    ['model', spec.model, previous.model],
    ['simulation.type', spec.simulation.type, previous.simulation.type],
    ['grid.resolution', spec.grid.resolution, previous.grid.resolution],
    ['grid.levels', spec.grid.levels, previous.grid.levels],
  ];
  for (const [name, mine, theirs] of same) {
    if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
      issues.push({
        field: field(name),
        message: `must equal stage ${index - 1}'s (${JSON.stringify(theirs)}) to start from its final restart (or set restartFrom "none")`,
      });
    }
  }
  return issues;
}

/** Validates a campaign request and resolves every stage's spec. Never throws on bad input. */
export function planCampaign(input: unknown, options: { now?: Date } = {}): CampaignPlanResult {
  let request: CampaignRequest;
  try {
    request = structuredClone(input) as CampaignRequest;
  } catch {
    return { ok: false, issues: [{ field: 'body', message: 'must be plain JSON' }] };
  }
  // The schema fills defaults into its copy; stage specs are built from the raw request.
  const checked = structuredClone(request);
  if (!validateRequest(checked)) return { ok: false, issues: issuesFromAjv(validateRequest.errors) };

  const issues: FieldIssue[] = [];
  checked.stages.forEach((stage, index) => {
    if (!stage.spec && !request.base) {
      issues.push({
        field: `stages[${index}].spec`,
        message: 'is required when the campaign has no base spec',
      });
    }
    if (stage.spec && (stage.period || stage.overrides)) {
      issues.push({
        field: `stages[${index}].spec`,
        message: 'a stage with a spec of its own takes no period or overrides: change its spec instead',
      });
    }
  });
  if (issues.length > 0) return { ok: false, issues };

  const stages: StagePlan[] = [];
  for (const [index, stage] of checked.stages.entries()) {
    const result = validateSimulationSpec(stageDraft(request, request.stages[index]!), options);
    if (!result.ok) {
      issues.push(...result.issues.map((i) => ({ ...i, field: `stages[${index}].${i.field}` })));
      if (issues.length >= MAX_ISSUES) break;
      continue;
    }
    const restartFrom = index === 0 ? 'none' : (stage.restartFrom ?? 'previous');
    const previous = stages.find((s) => s.stageIndex === index - 1);
    if (restartFrom === 'previous' && previous)
      issues.push(...handOffIssues(previous.spec, result.spec, index));
    stages.push({
      stageIndex: index,
      name: stage.name,
      onFailure: stage.onFailure ?? 'stop',
      restartFrom,
      spec: result.spec,
    });
  }
  if (issues.length > 0) return { ok: false, issues: issues.slice(0, MAX_ISSUES) };
  return { ok: true, name: checked.name, description: checked.description ?? '', stages };
}
