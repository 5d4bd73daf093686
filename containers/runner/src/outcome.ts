/** How the model's end maps to the runner's exit code. Pure. */
import { EXIT_CODES } from '#shared/kernel/compute/exit-codes.js';
import type { LogSummary } from '#shared/science/run/log-scanner.js';

export interface ModelEnd {
  /** The process's exit code (null when a signal ended it). */
  code: number | null;
  signal: NodeJS.Signals | null;
  log: LogSummary;
  /** GC Classic prints its end banner on success; GCHP does not, so only the exit code counts there. */
  requireEndBanner: boolean;
  /** The runner itself was asked to stop (SIGTERM from Batch: terminate or spot reclaim). */
  stopRequested: boolean;
}

export interface Outcome {
  exitCode: number;
  /** Why, in words, for the status file and the log. */
  message: string;
}

/** SIGTERM's conventional code, used when the job was told to stop. */
export const TERMINATED_EXIT_CODE = 143;

export function modelOutcome(end: ModelEnd): Outcome {
  if (end.stopRequested) {
    return {
      exitCode: TERMINATED_EXIT_CODE,
      message: 'the job was told to stop (SIGTERM) and stopped the model',
    };
  }
  if (end.signal) {
    const hint = end.signal === 'SIGKILL' ? ' (most often: out of memory)' : '';
    return {
      exitCode: EXIT_CODES.modelFailure,
      message: `the model was killed by ${end.signal}${hint}${end.log.fatalError ? `: ${end.log.fatalError}` : ''}`,
    };
  }
  if (end.code !== 0) {
    return {
      exitCode: EXIT_CODES.modelFailure,
      message: `the model exited with code ${end.code}${end.log.fatalError ? `: ${end.log.fatalError}` : ''}`,
    };
  }
  if (end.log.fatalError) {
    return {
      exitCode: EXIT_CODES.modelFailure,
      message: `the model exited with code 0 but logged a fatal error: ${end.log.fatalError}`,
    };
  }
  if (end.requireEndBanner && !end.log.sawEndBanner) {
    return {
      exitCode: EXIT_CODES.modelFailure,
      message: 'the model exited with code 0 without printing "E N D   O F   G E O S -- C H E M"',
    };
  }
  return { exitCode: EXIT_CODES.success, message: 'the model finished' };
}
