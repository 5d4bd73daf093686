import { describe, expect, it } from '@jest/globals';
import type { PollerPorts, ResumePoint } from '#services/execution-poller/src/domain/ports.js';
import { planFromJob } from '#services/execution-poller/src/domain/reconcile.js';
import { resumeNoteFor } from '#services/execution-poller/src/domain/resume.js';
import { aJob, aSimulation, storedDemoSpec } from '#test/helpers/simulations.js';

const limits = { maxQueueMinutes: 10, maxRuntimeMinutes: 30 };
const now = Date.parse('2026-01-01T12:00:00Z');
const tracked = { jobId: 'job-1', jobName: 'gcr-sim', attempt: 1, state: 'RUNNING', attempts: [] };
const reclaimed = aJob('RUNNING', { attempts: [{ statusReason: 'Host EC2 (instance i-1) terminated.' }] });

function checkpointed() {
  return aSimulation({
    status: 'RUNNING',
    job: tracked,
    spec: { ...storedDemoSpec(), checkpoint: { intervalHours: 6 } },
  });
}

function portsFinding(point: ResumePoint | undefined, asked: number[] = []): PollerPorts {
  return {
    restarts: {
      resumePoint: async (_simulation: unknown, beforeAttempt: number) => {
        asked.push(beforeAttempt);
        return point;
      },
    },
  } as unknown as PollerPorts;
}

describe('what a retried attempt resumes from, in the RETRYING entry', () => {
  it('names the restart of the earlier attempt and its model time', async () => {
    const asked: number[] = [];
    const ports = portsFinding(
      { name: 'GEOSChem.Restart.20190701_0600z.nc4', modelTime: '2019-07-01T06:00:00.000Z', attempt: 1 },
      asked,
    );
    const simulation = checkpointed();
    const note = await resumeNoteFor(ports, simulation, reclaimed);
    expect(asked).toEqual([2]);
    const plan = planFromJob(simulation, reclaimed, now, limits, note);
    expect(plan.transitions[0]).toEqual({
      to: 'RETRYING',
      reason:
        'infrastructure failure: spot reclaim or host loss (Host EC2 (instance i-1) terminated.); ' +
        'starting attempt 2 of 4, resumed from model time 2019-07-01T06:00Z (restart of attempt 1)',
    });
  });

  it('says the attempt starts from the beginning when no restart was written yet', async () => {
    const note = await resumeNoteFor(portsFinding(undefined), checkpointed(), reclaimed);
    expect(note).toBe('no restart written yet: the attempt starts from the beginning');
  });

  it('looks nothing up for a run without checkpoints or an observation of the same attempt', async () => {
    const asked: number[] = [];
    const ports = portsFinding(undefined, asked);
    const plain = aSimulation({ status: 'RUNNING', job: tracked });
    expect(await resumeNoteFor(ports, plain, reclaimed)).toBeUndefined();
    expect(await resumeNoteFor(ports, checkpointed(), aJob('RUNNING'))).toBeUndefined();
    expect(asked).toEqual([]);
  });
});
