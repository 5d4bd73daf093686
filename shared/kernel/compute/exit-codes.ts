/**
 * Exit codes of a job: names for the codes of
 * schemas/job/job-exit-code.schema.json, which is their source of truth. The
 * job runner (containers/runner) and the demo model exit with them, the AWS
 * Batch job definitions' retry strategy (evaluateOnExit) retries the schema's
 * RetryableJobExitCode ones, and the execution poller turns them into FAILED
 * reasons. tsc checks that EXIT_CODES and the reasons below cover exactly the
 * schema's codes; test/unit/shared/kernel/compute/exit-codes.test.ts checks
 * the root serverless.yml's evaluateOnExit rules against the schema.
 */
import { jobExitCodeSchema } from '#schemas/generated/schemas.js';
import type { JobExitCode, RetryableJobExitCode } from '#schemas/generated/types.js';

export const EXIT_CODES = {
  /** The model ran to its end banner and every output was uploaded. */
  success: 0,
  /** GEOS-Chem exited non-zero or logged a fatal error. Retrying would fail the same way. */
  modelFailure: 1,
  /** An input file the run needs is not in the data bucket (or not at its listed size). */
  inputUnavailable: 69,
  /** S3 staging or upload still failed after the runner's own retries: Batch retries the job. */
  transientInfrastructure: 75,
  /** The job itself is misconfigured: a missing or malformed environment variable, or no run directory. */
  configurationError: 78,
} as const satisfies Record<string, JobExitCode>;

/** Fails to compile when the schema has a code EXIT_CODES does not name. */
type AssertNone<T extends never> = T;
type _EveryJobExitCodeNamed = AssertNone<Exclude<JobExitCode, (typeof EXIT_CODES)[keyof typeof EXIT_CODES]>>;

const { FinalJobExitCode: final, RetryableJobExitCode: retryable } = jobExitCodeSchema.$defs;

/** The codes AWS Batch retries (evaluateOnExit action RETRY on onExitCode); every other code exits. */
export const RETRYABLE_EXIT_CODES: readonly RetryableJobExitCode[] = retryable.oneOf.map(
  (code) => code.const,
);

const JOB_EXIT_CODES: readonly number[] = [...final.oneOf, ...retryable.oneOf].map((code) => code.const);

/** The FAILED reason (and the runner's last log line) of each code of the contract. */
const REASONS: Readonly<Record<JobExitCode, string>> = {
  [EXIT_CODES.success]: 'succeeded',
  [EXIT_CODES.modelFailure]:
    'model failure: the model exited with an error or logged a fatal error (see the job log)',
  [EXIT_CODES.inputUnavailable]:
    'input data unavailable: a file the run needs is missing from the input data bucket',
  [EXIT_CODES.transientInfrastructure]:
    'transient infrastructure failure: S3 staging or upload failed after retries',
  [EXIT_CODES.configurationError]:
    'configuration error in the job: a required environment variable or the run directory is missing',
};

const SIGNAL_REASONS: Readonly<Record<number, string>> = {
  137: 'killed (SIGKILL), most often for running out of memory',
  139: 'crashed with a segmentation fault (SIGSEGV)',
  143: 'terminated (SIGTERM)',
};

/** True when `code` is one of the job contract's exit codes (not a signal, a shell's or a model's own). */
export function isJobExitCode(code: number): code is JobExitCode {
  return JOB_EXIT_CODES.includes(code);
}

/** A human reason for an exit code, for FAILED status reasons and the runner's last log line. */
export function describeExitCode(code: number): string {
  if (isJobExitCode(code)) return REASONS[code];
  const signal = SIGNAL_REASONS[code];
  if (signal !== undefined) return signal;
  if (code > 128 && code < 160) return `killed by signal ${code - 128}`;
  return `exited with code ${code}`;
}
