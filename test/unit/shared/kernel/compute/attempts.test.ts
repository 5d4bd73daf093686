import { describe, expect, it } from '@jest/globals';
import { attemptFromEnvironment, attemptsRun, simulationAttempt } from '#shared/kernel/compute/attempts.js';

describe("a simulation's attempts across its jobs (a paused run resumed as a new job)", () => {
  it("counts the job's own attempt on from the attempts its earlier jobs ran", () => {
    expect(attemptFromEnvironment({})).toBe(1);
    expect(attemptFromEnvironment({ AWS_BATCH_JOB_ATTEMPT: '2' })).toBe(2);
    // Resumed after one attempt: Batch starts the new job at 1, the simulation is at its attempt 2.
    expect(attemptFromEnvironment({ AWS_BATCH_JOB_ATTEMPT: '1', GCR_EARLIER_ATTEMPTS: '1' })).toBe(2);
    expect(attemptFromEnvironment({ AWS_BATCH_JOB_ATTEMPT: '3', GCR_EARLIER_ATTEMPTS: ' 2 ' })).toBe(5);
    expect(attemptFromEnvironment({ AWS_BATCH_JOB_ATTEMPT: 'x', GCR_EARLIER_ATTEMPTS: '-1' })).toBe(1);
  });

  it('reads the attempts run, and a job attempt as the simulation numbers it, from the job record', () => {
    const job = { jobId: 'j', jobName: 'n', attempt: 2, attemptsBefore: 1, attempts: [{}, {}] };
    expect(attemptsRun(job)).toBe(3);
    expect(attemptsRun(undefined)).toBe(0);
    expect(simulationAttempt(job, 2)).toBe(3);
    expect(simulationAttempt(undefined, 1)).toBe(1);
  });
});
