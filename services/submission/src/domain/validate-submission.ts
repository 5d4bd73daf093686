import { ValidationError, type FieldIssue } from '#shared/kernel/errors.js';
import { validateSimulationSpec, type ResolvedSimulationSpec } from '#shared/science/spec/validate-spec.js';

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
