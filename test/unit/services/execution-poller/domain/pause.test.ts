/**
 * The poller's side of a simulation's pause (issue 17 items 3-4): when a
 * PAUSING simulation's job is stopped, and what its history says once the job
 * ended.
 */
import { describe, expect, it } from '@jest/globals';
import { decidePause, pauseJob, pausedTransition } from '#services/execution-poller/src/domain/pause.js';
import type { PollerPorts, ResumePoint } from '#services/execution-poller/src/domain/ports.js';
import { planFromJob } from '#services/execution-poller/src/domain/reconcile.js';
import type { Simulation } from '#schemas/generated/types.js';
import { aJob, aSimulation, storedDemoSpec } from '#test/helpers/simulations.js';

const requestedAt = '2026-01-01T12:00:00.000Z';
const restart: ResumePoint = {
  name: 'GEOSChem.Restart.20190101_0600z.nc4',
  modelTime: '2019-01-01T06:00:00.000Z',
};
const runningJob = { jobId: 'job-1', jobName: 'gcr-sim', attempt: 1, state: 'RUNNING', attempts: [] };

function pausing(
  overrides: { checkpoint?: boolean; now?: boolean; pause?: Partial<Simulation['pause']> } = {},
) {
  const spec = storedDemoSpec();
  return aSimulation({
    status: 'PAUSING',
    spec: overrides.checkpoint === false ? spec : { ...spec, checkpoint: { intervalHours: 6 } },
    job: runningJob,
    pause: { requestedAt, requestedBy: 'alice', ...(overrides.now ? { now: true } : {}), ...overrides.pause },
  });
}

/** Ports whose restarts listing holds one restart uploaded at `uploadedAt`. */
function fakePorts(uploadedAt: number | undefined) {
  const terminated: string[] = [];
  const updates: Record<string, unknown>[] = [];
  const ports = {
    restarts: {
      resumePoint: async () => undefined,
      latestSince: async (_s: Simulation, sinceMs: number) =>
        uploadedAt !== undefined && uploadedAt >= sinceMs ? restart : undefined,
    },
    repository: {
      update: async (request: { set: Record<string, unknown> }) => {
        updates.push(request.set);
        return { ...pausing(), ...request.set } as Simulation;
      },
    },
    backendFor: () => ({ terminate: async (jobId: string) => void terminated.push(jobId) }),
    rateLimiter: { acquire: async () => undefined },
    isRetryable: () => false,
    now: () => Date.parse(requestedAt) + 60_000,
  } as unknown as PollerPorts;
  return { ports, terminated, updates };
}

describe('deciding when a paused job stops', () => {
  it('stops a running checkpointed job once a restart was written after the request', () => {
    expect(decidePause(pausing(), 'RUNNING', restart)).toEqual({ stop: true, why: 'restart', restart });
  });

  it('keeps a running checkpointed job running while no restart was written since the request', () => {
    expect(decidePause(pausing(), 'RUNNING', undefined)).toEqual({ stop: false });
  });

  it('stops at once a job that has not started, one asked to stop now, and one without checkpoints', () => {
    for (const state of ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING'] as const) {
      expect(decidePause(pausing(), state, undefined)).toMatchObject({ stop: true, why: 'not-started' });
    }
    expect(decidePause(pausing({ now: true }), 'RUNNING', undefined)).toMatchObject({
      stop: true,
      why: 'now',
    });
    expect(decidePause(pausing({ checkpoint: false }), 'RUNNING', undefined)).toMatchObject({
      stop: true,
      why: 'no-checkpoint',
    });
  });

  it('terminates the job and records the restart when one was uploaded after the request', async () => {
    const { ports, terminated, updates } = fakePorts(Date.parse(requestedAt) + 30_000);
    await pauseJob(ports, pausing(), aJob('RUNNING'));
    expect(terminated).toEqual(['job-1']);
    expect(updates).toEqual([
      {
        pause: expect.objectContaining({
          stoppingAt: new Date(Date.parse(requestedAt) + 60_000).toISOString(),
          restart: { name: restart.name, modelTime: restart.modelTime },
        }),
      },
    ]);
  });

  it('leaves the job running when the latest restart was uploaded before the request', async () => {
    const { ports, terminated, updates } = fakePorts(Date.parse(requestedAt) - 30_000);
    await pauseJob(ports, pausing(), aJob('RUNNING'));
    expect(terminated).toEqual([]);
    expect(updates).toEqual([]);
  });
});

describe("a paused job's end", () => {
  const limits = { maxQueueMinutes: 10, maxRuntimeMinutes: 30 };
  const stopped = aJob('FAILED', {
    statusReason: 'paused by alice',
    attempts: [{ exitCode: 143, statusReason: 'paused by alice' }],
  });

  it('moves the simulation to WAITING, naming the restart it stopped at', () => {
    const simulation = pausing({
      pause: { stoppingAt: requestedAt, restart: { name: restart.name, modelTime: restart.modelTime } },
    });
    const plan = planFromJob(simulation, stopped, Date.parse(requestedAt), limits);
    expect(plan.transitions).toEqual([
      {
        to: 'WAITING',
        reason: `paused by alice: stopped at its restart for model time 2019-01-01T06:00Z (${restart.name}); resume with POST /simulations/${simulation.id}/resume`,
      },
    ]);
  });

  it('is a failure when the job failed on its own before the pause stopped it', () => {
    const plan = planFromJob(
      pausing(),
      aJob('FAILED', { exitCode: 3, attempts: [{ exitCode: 3 }] }),
      0,
      limits,
    );
    expect(plan.transitions.map((t) => t.to)).toEqual(['FAILED']);
    expect(pausedTransition(pausing())).toBeUndefined();
  });

  it('says a job stopped before it started resumes from nothing lost', () => {
    const simulation = aSimulation({
      status: 'PAUSING',
      job: { ...runningJob, state: 'RUNNABLE' },
      pause: { requestedAt, requestedBy: 'bob', stoppingAt: requestedAt },
    });
    expect(pausedTransition(simulation)?.reason).toMatch(
      /^paused by bob: its job was stopped before it started/,
    );
  });

  it('ignores a late observation of the stopped job once the simulation is paused', () => {
    const paused = aSimulation({
      status: 'WAITING',
      job: runningJob,
      pause: { requestedAt, requestedBy: 'alice' },
    });
    expect(planFromJob(paused, stopped, 0, limits)).toEqual({ transitions: [] });
  });
});
