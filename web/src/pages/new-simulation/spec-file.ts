/**
 * Export and import of a spec as a JSON file. An imported file goes through
 * the API's validator (validateSimulationSpec), so it is refused here for the
 * reasons POST /simulations would give, each naming its field.
 */
import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';
import type { SpecDraft } from '#shared/science/spec/choices-for-step.js';
import type { FieldIssue } from '#schemas/generated/types.js';

/** The draft as the file a researcher downloads (and the CLI's `gcr submit` reads). */
export function specFileText(draft: SpecDraft): string {
  return `${JSON.stringify(draft, null, 2)}\n`;
}

/** A file name from the spec's name: letters, digits, dots and hyphens. */
export function specFileName(draft: SpecDraft): string {
  const name = typeof draft['name'] === 'string' ? draft['name'].trim() : '';
  const safe = name.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${safe || 'simulation-spec'}.json`;
}

export type ImportedSpec = { ok: true; draft: SpecDraft } | { ok: false; issues: FieldIssue[] };

/** A file's text as a spec: not JSON, or refused by the validator, gives the issues by field. */
export function parseSpecFile(text: string, now?: Date): ImportedSpec {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, issues: [{ field: 'body', message: `is not JSON: ${(error as Error).message}` }] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, issues: [{ field: 'body', message: 'must be a JSON object (a simulation spec)' }] };
  }
  const result = validateSimulationSpec(parsed, now ? { now } : {});
  if (!result.ok) return { ok: false, issues: result.issues };
  // The file as written, not the defaults filled in: a later export gives back what was imported.
  return { ok: true, draft: parsed as SpecDraft };
}
