/**
 * A 400's issues ({ field, message }, `field` a dotted path such as
 * `thresholds.1` or `url`) sorted onto a form's fields, so each message shows
 * under the input it is about; the rest (the body as a whole, a query
 * parameter) stay for a line above the form.
 */
export interface FormIssues {
  /** The first message for each of the form's fields (`thresholds.1` counts as `thresholds`). */
  byField: Record<string, string>;
  /** Messages about anything else, as `field: message`. */
  others: string[];
}

export function formIssues(body: unknown, formFields: readonly string[]): FormIssues {
  const issues = (body as { error?: { issues?: { field?: unknown; message?: unknown }[] } } | null)?.error
    ?.issues;
  const byField: Record<string, string> = {};
  const others: string[] = [];
  for (const issue of issues ?? []) {
    if (typeof issue.field !== 'string' || typeof issue.message !== 'string') continue;
    const formField = formFields.find(
      (field) => issue.field === field || String(issue.field).startsWith(`${field}.`),
    );
    if (formField === undefined) others.push(`${issue.field}: ${issue.message}`);
    else byField[formField] ??= issue.message;
  }
  return { byField, others };
}
