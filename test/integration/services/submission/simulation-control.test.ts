/**
 * Pause and resume of one simulation on dynalite (issue 17 items 3-4): held at
 * once before its job is submitted, PAUSING with a job, 409 for a running run
 * without checkpoints unless `now`, 409s that say what to do instead, and a
 * resume that names the restart its next attempt starts from.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  pauseSimulation,
  resumeSimulation,
  type SimulationControlPorts,
} from '#services/submission/src/domain/simulation-control.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import type { Simulation } from '#schemas/generated/types.js';
import { aSimulation, storedDemoSpec } from '#test/helpers/simulations.js';
import { alice, bob, startSubmissionStores, type SubmissionStores } from '#test/helpers/submission-stores.js';

let stores: SubmissionStores;
let repository: SubmissionStores['repository'];
let ports: SimulationControlPorts;
let published: OutgoingEvent[];

beforeAll(async () => {
  stores = await startSubmissionStores();
  ({ repository, published } = stores);
  ports = {
    ...stores,
    now: () => new Date(),
    latestRestart: async () => ({
      name: 'GEOSChem.Restart.20190102_0000z.nc4',
      modelTime: '2019-01-02T00:00:00.000Z',
    }),
  };
}, 60_000);

afterAll(async () => {
  await stores?.dynamo.stop();
});

const job = { jobId: 'job-1', jobName: 'gcr-sim', attempt: 1, state: 'RUNNING', attempts: [] };
const checkpointed = () => ({ ...storedDemoSpec(), checkpoint: { intervalHours: 24 } });

async function stored(overrides: Partial<Simulation>): Promise<Simulation> {
  const simulation = aSimulation(overrides);
  await repository.create(simulation);
  return simulation;
}

describe('pausing a simulation', () => {
  it('holds a simulation not yet submitted at once, and resumes it PENDING, announced', async () => {
    const simulation = await stored({});
    const paused = await pauseSimulation(ports, alice, simulation.id, { now: false });
    expect(paused.status).toBe('WAITING');
    expect(paused.pause).toMatchObject({ requestedBy: 'alice' });
    expect(paused.history.at(-1)).toMatchObject({
      to: 'WAITING',
      reason: 'paused by alice before its job was submitted',
    });

    await expect(pauseSimulation(ports, alice, simulation.id, { now: false })).rejects.toThrow(
      /is already paused .*resume it with POST \/simulations\/sim_\w+\/resume/,
    );
    published.length = 0;
    const resumed = await resumeSimulation(ports, alice, simulation.id);
    expect(resumed.status).toBe('PENDING');
    expect(resumed.pause).toBeUndefined();
    expect(resumed.history.at(-1)!.reason).toBe('resumed by alice');
    expect(published.map((e) => e.detailType)).toEqual(['Simulation Status Changed', 'Simulation Submitted']);
  }, 30_000);

  it('asks the poller to stop a running checkpointed run at its next restart (PAUSING)', async () => {
    const simulation = await stored({ status: 'RUNNING', spec: checkpointed(), job });
    published.length = 0;
    const pausing = await pauseSimulation(ports, alice, simulation.id, { now: false });
    expect(pausing.status).toBe('PAUSING');
    expect(pausing.history.at(-1)!.reason).toBe(
      'pause requested by alice: its job stops at its next restart (every 24 h of model time)',
    );
    expect(published[0]).toMatchObject({
      detailType: 'Simulation Status Changed',
      detail: { to: 'PAUSING' },
    });
    // Asking again changes nothing; asking `now` makes it stop at once.
    expect((await pauseSimulation(ports, alice, simulation.id, { now: false })).version).toBe(
      pausing.version,
    );
    expect((await pauseSimulation(ports, alice, simulation.id, { now: true })).pause?.now).toBe(true);
    await expect(resumeSimulation(ports, alice, simulation.id)).rejects.toThrow(
      /is PAUSING.*resume it once it is paused/,
    );
  }, 30_000);

  it('refuses a running run without checkpoints (409) unless now, which says it starts again from the beginning', async () => {
    const simulation = await stored({
      status: 'RUNNING',
      job,
      progress: { percent: 40, updatedAt: new Date().toISOString() },
    });
    const refusal = pauseSimulation(ports, alice, simulation.id, { now: false });
    await expect(refusal).rejects.toMatchObject({ code: 'Conflict' });
    await expect(refusal).rejects.toThrow(/RUNNING without checkpoints.*40% done so far is lost.*\?now=true/);
    const now = await pauseSimulation(ports, alice, simulation.id, { now: true });
    expect(now.status).toBe('PAUSING');
    expect(now.history.at(-1)!.reason).toMatch(
      /stopped now \(now=true\); it resumes from the beginning of its period/,
    );
  }, 30_000);

  it('stops a queued job at once, whatever its checkpoints', async () => {
    const simulation = await stored({ status: 'RUNNABLE', job: { ...job, state: 'RUNNABLE' } });
    const pausing = await pauseSimulation(ports, alice, simulation.id, { now: false });
    expect(pausing.history.at(-1)!.reason).toBe(
      'pause requested by alice: its job has not started and is stopped now',
    );
  }, 30_000);

  it('answers 409 with the status for what cannot be paused, and what to do instead', async () => {
    const done = await stored({ status: 'SUCCEEDED' });
    await expect(pauseSimulation(ports, alice, done.id, { now: false })).rejects.toThrow(
      /already ended as SUCCEEDED/,
    );
    const held = await stored({ status: 'WAITING', ensembleId: 'ens_x', memberIndex: 2 });
    await expect(resumeSimulation(ports, alice, held.id)).rejects.toThrow(
      /held by the pause of its ensemble ens_x: resume the ensemble instead \(POST \/ensembles\/ens_x\/resume/,
    );
    const stage = await stored({ status: 'WAITING', campaignId: 'cmp_x', stageIndex: 1 });
    await expect(pauseSimulation(ports, alice, stage.id, { now: false })).rejects.toThrow(
      /stage 1 of campaign cmp_x.*pause the campaign/,
    );
    const running = await stored({ status: 'RUNNING', job });
    await expect(resumeSimulation(ports, alice, running.id)).rejects.toThrow(/is RUNNING, not paused/);
    await expect(pauseSimulation(ports, bob, running.id, { now: true })).rejects.toMatchObject({
      code: 'NotFound',
    });
  }, 30_000);

  it("names the restart a resumed run's next attempt starts from", async () => {
    const simulation = await stored({
      status: 'WAITING',
      spec: checkpointed(),
      job: { ...job, state: 'FAILED', attempts: [{ exitCode: 143 }] },
      pause: { requestedAt: new Date().toISOString(), requestedBy: 'alice' },
    });
    const resumed = await resumeSimulation(ports, alice, simulation.id);
    expect(resumed.history.at(-1)!.reason).toBe(
      'resumed by alice; attempt 2 resumed from model time 2019-01-02T00:00Z (restart GEOSChem.Restart.20190102_0000z.nc4)',
    );
  }, 30_000);
});
