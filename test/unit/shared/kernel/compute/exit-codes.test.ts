import { describe, expect, it } from '@jest/globals';
import {
  describeExitCode,
  EXIT_CODES,
  isRunnerExitCode,
  RETRYABLE_EXIT_CODES,
} from '#shared/kernel/compute/exit-codes.js';

describe('job runner exit codes', () => {
  it('has the contracted values', () => {
    expect(EXIT_CODES).toEqual({
      success: 0,
      modelFailure: 1,
      inputUnavailable: 69,
      transientInfrastructure: 75,
      configurationError: 78,
    });
  });

  it('retries only transient infrastructure failures', () => {
    expect(RETRYABLE_EXIT_CODES).toEqual([75]);
  });

  it('describes each code in words a researcher can act on', () => {
    expect(describeExitCode(1)).toMatch(/^model failure/);
    expect(describeExitCode(69)).toMatch(/^input data unavailable/);
    expect(describeExitCode(75)).toMatch(/^transient infrastructure failure/);
    expect(describeExitCode(78)).toMatch(/^configuration error/);
    expect(describeExitCode(137)).toMatch(/SIGKILL.*memory/);
    expect(describeExitCode(134)).toBe('killed by signal 6');
    expect(describeExitCode(3)).toBe('exited with code 3');
    expect(isRunnerExitCode(75)).toBe(true);
    expect(isRunnerExitCode(3)).toBe(false);
  });
});
