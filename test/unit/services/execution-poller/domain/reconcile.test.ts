import { describe, expect, it } from '@jest/globals';
import { currentAttempt, planFromJob } from '#services/execution-poller/src/domain/reconcile.js';
import { aJob, aSimulation } from '#test/helpers/simulations.js';

const limits = { maxQueueMinutes: 10, maxRuntimeMinutes: 30 };
const now = Date.parse('2026-01-01T12:00:00Z');
const job = (status: string) => ({
  jobId: 'job-1',
  jobName: 'gcr-sim',
  attempt: 1,
  state: status,
  attempts: [],
});

describe('planning a simulation from its job', () => {
  it('follows the job one state forward', () => {
    const simulation = aSimulation({ status: 'SUBMITTED', job: job('SUBMITTED') });
    const plan = planFromJob(simulation, aJob('RUNNABLE'), now, limits);
    expect(plan.transitions).toEqual([{ to: 'RUNNABLE', reason: 'waiting for capacity' }]);
    expect(plan.job).toMatchObject({ state: 'RUNNABLE', runnableSince: new Date(now).toISOString() });
  });

  it('skips forward when a poll missed states', () => {
    const simulation = aSimulation({ status: 'SUBMITTED', job: job('SUBMITTED') });
    const plan = planFromJob(
      simulation,
      aJob('SUCCEEDED', { exitCode: 0, attempts: [{ exitCode: 0 }] }),
      now,
      limits,
    );
    expect(plan.transitions.map((t) => t.to)).toEqual(['SUCCEEDED']);
  });

  it('ignores an observation behind the simulation (out-of-order event)', () => {
    const simulation = aSimulation({ status: 'RUNNING', job: job('RUNNING') });
    expect(planFromJob(simulation, aJob('RUNNABLE'), now, limits)).toEqual({ transitions: [] });
  });

  it('writes nothing when nothing changed', () => {
    const simulation = aSimulation({
      status: 'RUNNING',
      job: { ...job('RUNNING'), submittedAt: new Date(now).toISOString() },
    });
    expect(planFromJob(simulation, aJob('RUNNING'), now, limits)).toEqual({ transitions: [] });
  });

  it('ignores a terminal simulation whatever the job says', () => {
    const simulation = aSimulation({ status: 'SUCCEEDED', job: job('SUCCEEDED') });
    expect(planFromJob(simulation, aJob('RUNNING'), now, limits)).toEqual({ transitions: [] });
  });

  it('fails at once on a model error, with its exit code', () => {
    const simulation = aSimulation({ status: 'RUNNING', job: job('RUNNING') });
    const failed = aJob('FAILED', {
      exitCode: 3,
      statusReason: 'Essential container in task exited',
      attempts: [{ exitCode: 3 }],
    });
    const plan = planFromJob(simulation, failed, now, limits);
    expect(plan.transitions).toEqual([
      {
        to: 'FAILED',
        reason: 'model failure: the model exited with code 3 (Essential container in task exited)',
      },
    ]);
  });

  it('turns a spot reclaim into RETRYING then the new attempt', () => {
    const simulation = aSimulation({ status: 'RUNNING', job: job('RUNNING') });
    const retried = aJob('RUNNABLE', { attempts: [{ statusReason: 'Host EC2 (instance i-1) terminated.' }] });
    const plan = planFromJob(simulation, retried, now, limits);
    expect(plan.transitions.map((t) => t.to)).toEqual(['RETRYING', 'RUNNABLE']);
    expect(plan.transitions[0]!.reason).toMatch(/spot reclaim or host loss.*attempt 2 of 4/);
    expect(plan.job?.attempt).toBe(2);
  });

  it('ignores an event of an earlier attempt after a retry', () => {
    const simulation = aSimulation({ status: 'RUNNABLE', job: { ...job('RUNNABLE'), attempt: 2 } });
    expect(planFromJob(simulation, aJob('RUNNING'), now, limits)).toEqual({ transitions: [] });
  });

  it('says when spot reclaims used up every attempt', () => {
    const simulation = aSimulation({ status: 'RUNNING', job: { ...job('RUNNING'), attempt: 4 } });
    const lost = { statusReason: 'Host EC2 (instance i-4) terminated.' };
    const plan = planFromJob(
      simulation,
      aJob('FAILED', { statusReason: lost.statusReason, attempts: [lost, lost, lost, lost] }),
      now,
      limits,
    );
    expect(plan.transitions[0]).toMatchObject({ to: 'FAILED' });
    expect(plan.transitions[0]!.reason).toMatch(/infrastructure failure: spot reclaim or host loss/);
  });

  it('ends a cancelled job as CANCELLED', () => {
    const simulation = aSimulation({ status: 'CANCELLING', job: job('RUNNING') });
    const plan = planFromJob(
      simulation,
      aJob('FAILED', { statusReason: 'cancelled by alice', attempts: [{}] }),
      now,
      limits,
    );
    expect(plan.transitions.map((t) => t.to)).toEqual(['CANCELLED']);
  });

  it('times out a job stuck RUNNABLE past its queue limit, naming the blocking reason', () => {
    const since = new Date(now - 11 * 60_000).toISOString();
    const simulation = aSimulation({ status: 'RUNNABLE', job: { ...job('RUNNABLE'), runnableSince: since } });
    const plan = planFromJob(
      simulation,
      aJob('RUNNABLE', { statusReason: 'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - no spot capacity' }),
      now,
      limits,
    );
    expect(plan.terminate?.reason).toMatch(
      /over its 10 min queue limit: CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY/,
    );
    expect(plan.transitions.map((t) => t.to)).toEqual(['TIMED_OUT']);
  });

  it('times out a job running past its runtime limit', () => {
    const simulation = aSimulation({ status: 'RUNNING', job: job('RUNNING') });
    const plan = planFromJob(simulation, aJob('RUNNING', { startedAt: now - 31 * 60_000 }), now, limits);
    expect(plan.terminate?.reason).toMatch(/over its 30 min runtime limit/);
    expect(plan.transitions.map((t) => t.to)).toEqual(['TIMED_OUT']);
  });

  it('maps Batch killing an attempt at its timeout to TIMED_OUT', () => {
    const simulation = aSimulation({ status: 'RUNNING', job: job('RUNNING') });
    const plan = planFromJob(
      simulation,
      aJob('FAILED', { statusReason: 'Job attempt duration exceeded timeout', attempts: [{}] }),
      now,
      limits,
    );
    expect(plan.transitions.map((t) => t.to)).toEqual(['TIMED_OUT']);
  });

  it('counts the current attempt the way Batch lists attempts', () => {
    expect(currentAttempt(aJob('RUNNING'))).toBe(1);
    expect(currentAttempt(aJob('RUNNING', { attempts: [{}] }))).toBe(2);
    expect(currentAttempt(aJob('SUCCEEDED', { attempts: [{}, {}] }))).toBe(2);
  });
});
