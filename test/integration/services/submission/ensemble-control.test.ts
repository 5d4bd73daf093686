/**
 * Pause and resume of an ensemble on dynalite: members not yet submitted are
 * held in WAITING (a member a poller has claimed, or whose job runs, is left
 * alone), resume releases and announces them, and a cancel reaches held
 * members at once (they have no job); a WAITING campaign stage cancelled alone
 * is CANCELLED at once too.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cancelSimulation } from '#services/submission/src/domain/cancel-simulation.js';
import { pauseOrResumeEnsemble } from '#services/submission/src/domain/ensemble-control.js';
import {
  cancelEnsemble,
  createEnsemble,
  type EnsemblePorts,
} from '#services/submission/src/domain/ensembles.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { memberSimulationId } from '#shared/kernel/repository/ensembles.js';
import { aSimulation } from '#test/helpers/simulations.js';
import { exampleSpec } from '#test/helpers/specs.js';
import { alice, startSubmissionStores, type SubmissionStores } from '#test/helpers/submission-stores.js';

let stores: SubmissionStores;
let repository: SubmissionStores['repository'];
let ports: EnsemblePorts;
let published: OutgoingEvent[];

beforeAll(async () => {
  stores = await startSubmissionStores();
  ({ repository, published } = stores);
  ports = { ...stores, objects: { putObject: async () => undefined }, now: () => new Date() };
}, 60_000);

afterAll(async () => {
  await stores?.dynamo.stop();
});

describe('ensemble pause and resume', () => {
  it('holds members not yet submitted, leaves claimed and running ones, and releases them on resume', async () => {
    const { ensemble } = await createEnsemble(
      ports,
      { localBackendEnabled: true },
      { caller: alice, body: { name: 'paused', base: exampleSpec(), sweep: { list: [{}, {}, {}, {}] } } },
    );
    const ids = [0, 1, 2, 3].map((i) => memberSimulationId(ensemble.id, i));
    const running = (await repository.get(ids[0]!))!;
    await repository.transition({
      id: running.id,
      expectedVersion: 1,
      from: 'PENDING',
      to: 'SUBMITTED',
      reason: 'job',
    });
    // A poller claimed member 1 and is submitting its job.
    await repository.update({
      id: ids[1]!,
      expectedVersion: 1,
      status: 'PENDING',
      set: { submitClaimedAt: Date.now() },
    });

    const paused = await pauseOrResumeEnsemble(ports, alice, ensemble.id, 'pause');
    expect(paused.counts).toEqual({ SUBMITTED: 1, PENDING: 1, WAITING: 2 });
    const held = (await repository.get(ids[2]!))!;
    expect(held.history.at(-1)).toMatchObject({
      from: 'PENDING',
      to: 'WAITING',
      reason: `held: ensemble ${ensemble.id} paused by alice`,
    });

    published.length = 0;
    const resumed = await pauseOrResumeEnsemble(ports, alice, ensemble.id, 'resume');
    expect(resumed.counts).toEqual({ SUBMITTED: 1, PENDING: 3 });
    expect((await repository.get(ids[3]!))!.history.at(-1)!.reason).toBe(
      `released: ensemble ${ensemble.id} resumed by alice`,
    );
    const submitted = published
      .filter((e) => e.detailType === 'Simulation Submitted')
      .map((e) => (e.detail as { simulationId: string }).simulationId)
      .sort();
    expect(submitted).toEqual([ids[2]!, ids[3]!].sort());

    // Paused again, then cancelled: the held members have no job, CANCELLED at once.
    await pauseOrResumeEnsemble(ports, alice, ensemble.id, 'pause');
    const cancelled = await cancelEnsemble(ports, alice, ensemble.id);
    expect(cancelled.counts).toEqual({ CANCELLING: 2, CANCELLED: 2 });
  }, 60_000);

  it('cancels a WAITING simulation at once', async () => {
    const waiting = aSimulation({ status: 'WAITING' });
    await repository.create(waiting);
    const after = await cancelSimulation(ports, alice, waiting.id);
    expect(after.status).toBe('CANCELLED');
    expect(after.history.at(-1)).toMatchObject({
      from: 'WAITING',
      to: 'CANCELLED',
      reason: 'cancel requested by alice',
    });
  });
});
