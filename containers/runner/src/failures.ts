/** Failures that end the runner with a specific exit code (shared/kernel/compute/exit-codes.ts). */
import { EXIT_CODES } from '#shared/kernel/compute/exit-codes.js';

export class RunnerFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'RunnerFailure';
  }
}

/** Missing environment or run directory: exit 78, never retried. */
export class ConfigurationError extends RunnerFailure {
  constructor(message: string) {
    super(message, EXIT_CODES.configurationError);
    this.name = 'ConfigurationError';
  }
}

/** An input file is missing or not at its listed size: exit 69, never retried. */
export class InputUnavailableError extends RunnerFailure {
  constructor(message: string) {
    super(message, EXIT_CODES.inputUnavailable);
    this.name = 'InputUnavailableError';
  }
}

/** S3 still failing after the runner's retries: exit 75, Batch retries the job. */
export class TransientInfrastructureError extends RunnerFailure {
  constructor(message: string) {
    super(message, EXIT_CODES.transientInfrastructure);
    this.name = 'TransientInfrastructureError';
  }
}
