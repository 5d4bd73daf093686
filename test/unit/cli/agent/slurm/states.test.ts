import { describe, expect, it } from '@jest/globals';
import { slurmStatus, UnknownSlurmStateError } from '#cli/agent/slurm/states.js';

const job = (state: string, extra: object = {}) => ({ jobId: '1', name: 'gcr-x-a1', state, ...extra });

describe("Slurm's job states as simulation statuses", () => {
  it.each([
    ['PENDING', 'RUNNABLE'],
    ['REQUEUED', 'RUNNABLE'],
    ['CONFIGURING', 'STARTING'],
    ['RUNNING', 'RUNNING'],
    ['COMPLETING', 'RUNNING'],
    ['COMPLETED', 'SUCCEEDED'],
    ['FAILED', 'FAILED'],
    ['OUT_OF_MEMORY', 'FAILED'],
    ['TIMEOUT', 'TIMED_OUT'],
    ['CANCELLED', 'CANCELLED'],
  ])('%s is %s', (state, status) => {
    expect(slurmStatus(job(state)).status).toBe(status);
  });

  it('keeps the exit code of a failed job and says it in the reason', () => {
    expect(slurmStatus(job('FAILED', { exitCode: 3, reason: 'NonZeroExitCode' }))).toEqual({
      status: 'FAILED',
      reason: 'the job ended FAILED (NonZeroExitCode): exit code 3',
      retryable: false,
      exitCode: 3,
    });
  });

  it("treats a node failure and a preemption as retryable, not as the run's failure", () => {
    for (const state of ['NODE_FAIL', 'PREEMPTED']) {
      expect(slurmStatus(job(state))).toMatchObject({ status: 'RETRYING', retryable: true });
    }
  });

  it('refuses a state it does not know rather than guess', () => {
    expect(() => slurmStatus(job('LAUNCH_FAILED_NEW'))).toThrow(UnknownSlurmStateError);
  });
});
