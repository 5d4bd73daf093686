import { ValidationError, type FieldIssue } from '#shared/kernel/errors.js';
import { validateSimulationSpec, type ResolvedSimulationSpec } from '#shared/science/spec/validate-spec.js';
import type { RunEstimate } from '#schemas/generated/types.js';

export interface SubmissionRules {
  /** Only the local platform runs jobs on the `local` backend. */
  localBackendEnabled: boolean;
}

export interface ValidSubmission {
  spec: ResolvedSimulationSpec;
  warnings: FieldIssue[];
}

/**
 * The checks every route that takes a spec makes (POST /simulations,
 * /simulation-plans, /estimates), so a plan is refused exactly when the
 * submission would be.
 */
export function validateSubmission(body: unknown, rules: SubmissionRules): ValidSubmission {
  const validated = validateSimulationSpec(body);
  if (!validated.ok) {
    throw new ValidationError('the simulation spec is invalid', validated.issues);
  }
  const spec = validated.spec;
  if (spec.compute.backend === 'local' && !rules.localBackendEnabled) {
    throw new ValidationError('the simulation spec is invalid', [
      {
        field: 'compute.backend',
        message: 'the local backend runs jobs only on the local platform (npm start); here, use aws-batch',
      },
    ]);
  }
  return { spec, warnings: validated.warnings };
}

/**
 * The spec's maxCostUsd against the estimate: refused when even the low end of
 * the cheapest option exceeds it (the run could not finish within it; the
 * cost tracker would cancel it part way, its money spent for nothing).
 * POST /estimates does not refuse: it is where one finds what limit fits.
 */
export function checkCostLimit(spec: ResolvedSimulationSpec, estimate: RunEstimate): void {
  const limit = spec.maxCostUsd;
  if (limit === undefined || estimate.options.length === 0) return;
  const cheapest = estimate.options.reduce((a, b) => (b.costUsd.low < a.costUsd.low ? b : a));
  if (cheapest.costUsd.low <= limit) return;
  throw new ValidationError('the estimated cost exceeds maxCostUsd', [
    {
      field: 'maxCostUsd',
      message: `even the low end of the estimate ($${cheapest.costUsd.low.toFixed(2)} on ${cheapest.instanceType}, expected $${cheapest.costUsd.expected.toFixed(2)}) exceeds the $${limit} limit: raise maxCostUsd or shorten the run (POST /estimates shows the figures)`,
    },
  ]);
}
