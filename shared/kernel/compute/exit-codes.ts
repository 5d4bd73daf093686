/**
 * Exit codes of the GEOS-Chem job runner (containers/runner), shared by the
 * runner, the AWS Batch job definition's retry strategy (evaluateOnExit) and
 * the execution poller's FAILED reasons. The non-zero values follow BSD
 * sysexits.h where one fits, so they do not collide with a shell's 126/127 or
 * a signal's 128+N.
 */
export const EXIT_CODES = {
  /** The model ran to its end banner and every output was uploaded. */
  success: 0,
  /** GEOS-Chem exited non-zero or logged a fatal error. Retrying would fail the same way. */
  modelFailure: 1,
  /** An input file the run needs is not in the data bucket (or not at its listed size). */
  inputUnavailable: 69,
  /** S3 staging or upload still failed after the runner's own retries: Batch retries the job. */
  transientInfrastructure: 75,
  /** The job itself is misconfigured: a missing environment variable or run directory. */
  configurationError: 78,
} as const;

export type RunnerExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** The codes AWS Batch retries (evaluateOnExit action RETRY on onExitCode); every other code exits. */
export const RETRYABLE_EXIT_CODES: readonly number[] = [EXIT_CODES.transientInfrastructure];

const DESCRIPTIONS: Readonly<Record<number, string>> = {
  [EXIT_CODES.success]: 'succeeded',
  [EXIT_CODES.modelFailure]:
    'model failure: the model exited with an error or logged a fatal error (see the job log)',
  [EXIT_CODES.inputUnavailable]:
    'input data unavailable: a file the run needs is missing from the input data bucket',
  [EXIT_CODES.transientInfrastructure]:
    'transient infrastructure failure: S3 staging or upload failed after retries',
  [EXIT_CODES.configurationError]:
    'configuration error in the job: a required environment variable or the run directory is missing',
  137: 'killed (SIGKILL), most often for running out of memory',
  139: 'crashed with a segmentation fault (SIGSEGV)',
  143: 'terminated (SIGTERM)',
};

/** True when `code` is one of the runner's own exit codes (not a signal or a shell's). */
export function isRunnerExitCode(code: number): code is RunnerExitCode {
  return (Object.values(EXIT_CODES) as number[]).includes(code);
}

/** A human reason for an exit code, for FAILED status reasons and the runner's last log line. */
export function describeExitCode(code: number): string {
  const known = DESCRIPTIONS[code];
  if (known !== undefined) return known;
  if (code > 128 && code < 160) return `killed by signal ${code - 128}`;
  return `exited with code ${code}`;
}
