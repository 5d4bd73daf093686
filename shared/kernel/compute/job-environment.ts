/**
 * The receiving side of the job environment contract
 * (schemas/job/job-environment.schema.json): a job checks, at start, every
 * contract variable it was given against the schema's rule for it.
 *
 * The rules are read from the schema object itself, but checked by hand: the
 * schema keeps its variables to `type: string` with `pattern`, `enum`,
 * `minLength` and `contentMediaType: application/json`, so the job runner's
 * bundle needs no JSON Schema library (Ajv and every other schema would
 * double its size). A blank variable counts as unset and surrounding blanks
 * are ignored, as the jobs read them. Which variables a job requires is left
 * to it: the runner also takes SIMULATION_ID for GCR_SIMULATION_ID, the demo
 * model GCR_SPEC_FILE for GCR_SPEC.
 */
import { jobEnvironmentSchema } from '#schemas/generated/schemas.js';

type Env = Readonly<Record<string, string | undefined>>;

/** What a contract variable's schema may say; anything else would go unchecked (a unit test keeps it so). */
export interface VariableRule {
  type: 'string';
  description: string;
  pattern?: string;
  enum?: readonly string[];
  minLength?: number;
  contentMediaType?: 'application/json';
  examples?: readonly string[];
}

export const JOB_ENVIRONMENT_RULES: Readonly<Record<string, VariableRule>> = jobEnvironmentSchema.properties;

const MAX_SHOWN = 80;

function shown(value: string): string {
  return JSON.stringify(value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value);
}

function problemWith(name: string, rule: VariableRule, value: string): string | undefined {
  if (rule.enum && !rule.enum.includes(value)) {
    const allowed = rule.enum.map((option) => `"${option}"`);
    return `${name} must be ${allowed.slice(0, -1).join(', ')}${allowed.length > 1 ? ' or ' : ''}${allowed.at(-1)}, got ${shown(value)}`;
  }
  if (rule.minLength !== undefined && value.length < rule.minLength) {
    return `${name} must be at least ${rule.minLength} characters long, got ${shown(value)}`;
  }
  if (rule.pattern !== undefined && !new RegExp(rule.pattern, 'u').test(value)) {
    const example = rule.examples?.[0];
    const expected = example ? `look like ${example} (pattern ${rule.pattern})` : `match ${rule.pattern}`;
    return `${name} must ${expected}, got ${shown(value)}`;
  }
  if (rule.contentMediaType === 'application/json') {
    try {
      JSON.parse(value);
    } catch (error) {
      return `${name} is not JSON: ${(error as Error).message}`;
    }
  }
  return undefined;
}

/**
 * What is wrong with the contract variables that are set, one message per
 * malformed variable, each naming it; empty when all are well-formed. A job
 * exits 78 (EXIT_CODES.configurationError) with them.
 */
export function jobEnvironmentProblems(env: Env): string[] {
  const problems: string[] = [];
  for (const [name, rule] of Object.entries(JOB_ENVIRONMENT_RULES)) {
    const value = env[name]?.trim();
    if (!value) continue;
    const problem = problemWith(name, rule, value);
    if (problem) problems.push(problem);
  }
  return problems;
}
