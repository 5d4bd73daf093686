/**
 * POST /simulation-plans and POST /estimates: what a submission would do with
 * a spec, computed without storing anything or publishing any event.
 */
import { estimateRun } from '#shared/science/estimate/estimate-run.js';
import { planInputs } from '#shared/science/inputs/plan-inputs.js';
import type { GeneratedRunDirectory } from '#shared/science/rundir/generate.js';
import { metFieldLabel } from '#shared/science/spec/rundir-rules.js';
import type { ResolvedSimulationSpec } from '#shared/science/spec/validate-spec.js';
import type {
  PlanWarning,
  PlannedRunDirectory,
  RunDirectorySummary,
  RunEstimate,
  SimulationPlan,
} from '#schemas/generated/types.js';
import { buildRunDirectory } from './run-directory.js';
import { checkCostLimit, validateSubmission, type SubmissionRules } from './validate-submission.js';
import type { SiteStore } from '#shared/kernel/repository/sites.js';
import { checkSlurmSite } from './sites-api.js';

const HOUR_MS = 3_600_000;

/** The timesteps geoschem_config.yml states, if it does. */
function timestepsOf(
  files: Record<string, string>,
): { transportSeconds: number; chemistrySeconds: number } | undefined {
  const config = files['geoschem_config.yml'];
  const transport = config && /^\s*transport_timestep_in_s:\s*(\d+)/m.exec(config);
  const chemistry = config && /^\s*chemistry_timestep_in_s:\s*(\d+)/m.exec(config);
  if (!transport || !chemistry) return undefined;
  return { transportSeconds: Number(transport[1]), chemistrySeconds: Number(chemistry[1]) };
}

function domainOf(spec: ResolvedSimulationSpec): string {
  const { nestedDomain, bounds } = spec.grid;
  if (nestedDomain === 'custom' && bounds) {
    return `custom (lon ${bounds.lonMin} to ${bounds.lonMax}, lat ${bounds.latMin} to ${bounds.latMax})`;
  }
  return nestedDomain;
}

export function summarizeRunDirectory(
  spec: ResolvedSimulationSpec,
  generated: GeneratedRunDirectory,
): RunDirectorySummary {
  const { type, extraOption } = spec.simulation;
  const timesteps = timestepsOf(generated.files);
  return {
    model: spec.model,
    simulation: extraOption === 'none' ? type : `${type} (${extraOption})`,
    met: metFieldLabel(spec.meteorology.field),
    grid: spec.grid.resolution,
    levels: spec.grid.levels,
    domain: domainOf(spec),
    period: {
      start: spec.period.start,
      end: spec.period.end,
      hours: (Date.parse(spec.period.end) - Date.parse(spec.period.start)) / HOUR_MS,
    },
    ...(timesteps ? { timesteps } : {}),
    collections: spec.diagnostics.collections,
    frequency: spec.diagnostics.frequency,
  };
}

export function plannedRunDirectory(
  spec: ResolvedSimulationSpec,
  generated: GeneratedRunDirectory,
): PlannedRunDirectory {
  return {
    name: generated.name,
    files: Object.entries(generated.files).map(([name, text]) => ({
      name,
      bytes: Buffer.byteLength(text, 'utf8'),
    })),
    assumptions: generated.assumptions,
    summary: summarizeRunDirectory(spec, generated),
  };
}

/** The plan of a spec: 400 exactly when POST /simulations would refuse it. */
export function planSimulation(body: unknown, rules: SubmissionRules): SimulationPlan {
  const { spec, warnings } = validateSubmission(body, rules);
  const generated = buildRunDirectory(spec);
  const inputs = planInputs(spec);
  const estimate = estimateRun(spec);
  checkCostLimit(spec, estimate);
  const tagged = (source: PlanWarning['source']) => (w: { field: string; message: string }) => ({
    field: w.field,
    message: w.message,
    source,
  });
  return {
    spec,
    runDirectory: plannedRunDirectory(spec, generated),
    inputs,
    estimate,
    warnings: [
      ...warnings.map(tagged('spec')),
      ...inputs.warnings.map(tagged('inputs')),
      ...estimate.warnings.map(tagged('estimate')),
    ],
  };
}

/** POST /estimates: the estimate alone, after the same checks (a spec without a run directory is refused too). */
export function estimateSimulation(body: unknown, rules: SubmissionRules): RunEstimate {
  const { spec } = validateSubmission(body, rules);
  buildRunDirectory(spec);
  return estimateRun(spec);
}

/**
 * POST /simulation-plans and POST /estimates with the site check POST
 * /simulations makes: a slurm spec's site must exist and have room for it.
 */
export async function planAtSite<T extends SimulationPlan | RunEstimate>(
  sites: Pick<SiteStore, 'get'>,
  body: unknown,
  rules: SubmissionRules,
  plan: (body: unknown, rules: SubmissionRules) => T,
): Promise<T> {
  const { spec } = validateSubmission(body, rules);
  await checkSlurmSite(spec, sites);
  return plan(body, rules);
}
