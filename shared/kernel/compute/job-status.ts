/**
 * The reading side of a job's status file (schemas/job/job-status.schema.json),
 * which the job runner and the demo model keep at GCR_STATUS_S3_URI.
 */
import { jobStatusFileSchema } from '#schemas/generated/schemas.js';
import type { FieldIssue, JobStatusFile } from '#schemas/generated/types.js';
import { issuesFromAjv, validatorFor } from '#schemas/validator.js';

const validateStatus = validatorFor<JobStatusFile>(jobStatusFileSchema.$id);

export type JobStatusReading = { ok: true; status: JobStatusFile } | { ok: false; issues: FieldIssue[] };

/**
 * Parses and checks a status file's text. A file without `schemaVersion`
 * (written before the schema had one) is read as version 1; anything that is
 * not JSON or does not match the schema is refused with the issues found.
 */
export function readJobStatusFile(text: string): JobStatusReading {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, issues: [{ field: 'body', message: `is not JSON: ${(error as Error).message}` }] };
  }
  const candidate =
    parsed && typeof parsed === 'object' && !Array.isArray(parsed) && !('schemaVersion' in parsed)
      ? { schemaVersion: '1', ...parsed }
      : parsed;
  if (!validateStatus(candidate)) return { ok: false, issues: issuesFromAjv(validateStatus.errors) };
  return { ok: true, status: candidate };
}
