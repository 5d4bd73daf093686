/**
 * Purge on dynalite with an in-memory bucket: a preview says what would go
 * (records, objects with count and bytes) and deletes nothing; the delete
 * needs ?confirm=<the id> and everything finished (409 naming what is
 * active); another owner's is a 404; a purge cut short is finished by asking
 * again; an ensemble goes with every attempt of every member and its
 * products, a campaign with its stages and its place in the owner's list.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createCampaign, listCampaigns } from '#services/submission/src/domain/campaigns.js';
import { purge, type PurgePorts } from '#services/submission/src/domain/purge.js';
import { ConflictError, NotFoundError, ValidationError } from '#shared/kernel/errors.js';
import { memberSimulationId } from '#shared/kernel/repository/ensembles.js';
import { createDynamoPurgeStore } from '#shared/kernel/repository/purge.js';
import { aSimulation } from '#test/helpers/simulations.js';
import { exampleSpec } from '#test/helpers/specs.js';
import { alice, bob, startSubmissionStores, type SubmissionStores } from '#test/helpers/submission-stores.js';

let stores: SubmissionStores;
let repository: SubmissionStores['repository'];
let ports: PurgePorts;
/** key -> size */
const bucket = new Map<string, number>();
let failDeletesAfter = Infinity;

beforeAll(async () => {
  stores = await startSubmissionStores();
  repository = stores.repository;
  const records = createDynamoPurgeStore(stores.dynamo.documentClient, stores.dynamo.tableName);
  ports = {
    ...stores,
    records: {
      ...records,
      deleteFinishedSimulation: async (id) => {
        if (failDeletesAfter-- <= 0) throw new Error('DynamoDB went away');
        return records.deleteFinishedSimulation(id);
      },
    },
    bucket: {
      list: async (prefix) =>
        [...bucket].filter(([key]) => key.startsWith(prefix)).map(([key, size]) => ({ key, size })),
      deleteKeys: async (keys) => keys.forEach((key) => bucket.delete(key)),
    },
  };
}, 60_000);

afterAll(async () => {
  await stores?.dynamo.stop();
});

function writeObjects(id: string, sizes: number[], root = 'simulations'): void {
  sizes.forEach((size, i) => bucket.set(`${root}/${id}/outputs/file${i}.nc4`, size));
}

describe('purge', () => {
  it('previews, refuses without the confirmation, deletes with it, and then answers 404', async () => {
    const simulation = aSimulation({ status: 'SUCCEEDED' });
    await repository.create(simulation);
    writeObjects(simulation.id, [1000, 2500]);
    const preview = await purge(ports, alice, 'simulation', simulation.id, { dryRun: true });
    expect(preview).toEqual({
      kind: 'simulation',
      id: simulation.id,
      dryRun: true,
      simulations: [simulation.id],
      records: 1,
      objects: { count: 2, bytes: 3500, prefixes: [`simulations/${simulation.id}/`] },
    });
    expect(await repository.get(simulation.id)).toBeDefined();

    for (const confirm of [undefined, 'sim_other']) {
      const refused = await purge(ports, alice, 'simulation', simulation.id, {
        dryRun: false,
        ...(confirm ? { confirm } : {}),
      }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ValidationError);
      expect((refused as ValidationError).issues[0]!.field).toBe('query.confirm');
    }
    await expect(purge(ports, bob, 'simulation', simulation.id, { dryRun: true })).rejects.toThrow(
      NotFoundError,
    );

    const done = await purge(ports, alice, 'simulation', simulation.id, {
      dryRun: false,
      confirm: simulation.id,
    });
    expect(done).toMatchObject({ dryRun: false, records: 1, objects: { count: 2, bytes: 3500 } });
    expect(await repository.get(simulation.id)).toBeUndefined();
    expect([...bucket.keys()].filter((k) => k.includes(simulation.id))).toEqual([]);
    await expect(
      purge(ports, alice, 'simulation', simulation.id, { dryRun: false, confirm: simulation.id }),
    ).rejects.toThrow(NotFoundError);
  });

  it('refuses while it is active, naming it, and while its last event is unpublished', async () => {
    const running = aSimulation({ status: 'RUNNING' });
    await repository.create(running);
    await expect(purge(ports, alice, 'simulation', running.id, { dryRun: true })).rejects.toThrow(
      new RegExp(`not finished: ${running.id} RUNNING; cancel it first`),
    );
    // Ended, but its terminal event still in the outbox (on the StatusIndex): kept until published.
    const ended = await repository.transition({
      id: running.id,
      expectedVersion: running.version,
      from: 'RUNNING',
      to: 'SUCCEEDED',
      reason: 'done',
      event: { source: 'gcr.execution-poller', detailType: 'Simulation Status Changed', detail: {} },
    });
    const refused = await purge(ports, alice, 'simulation', ended.id, {
      dryRun: false,
      confirm: ended.id,
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as ConflictError).message).toMatch(/last event is not published yet/);
    expect(await repository.get(ended.id)).toBeDefined();
  });

  it('purges an ensemble whole (every attempt, its products), never a member alone', async () => {
    const { ensembles } = stores;
    const ensembleId = `ens_${'p'.repeat(26)}`;
    await ensembles.create({
      id: ensembleId,
      owner: 'alice',
      name: 'e',
      description: '',
      createdAt: new Date().toISOString(),
      sweepKind: 'list',
      memberCount: 2,
      hasBaseMember: false,
      attempts: { '1': 2 },
      labels: {},
    });
    const ids = [
      memberSimulationId(ensembleId, 0),
      memberSimulationId(ensembleId, 1),
      memberSimulationId(ensembleId, 1, 2),
    ];
    for (const [i, id] of ids.entries()) {
      await repository.create(
        aSimulation({
          id,
          ensembleId,
          memberIndex: i === 0 ? 0 : 1,
          status: i === 1 ? 'FAILED' : 'SUCCEEDED',
        }),
      );
      writeObjects(id, [10]);
    }
    bucket.set(`ensembles/${ensembleId}/manifest.json`, 5);
    await expect(purge(ports, alice, 'simulation', ids[0]!, { dryRun: true })).rejects.toThrow(
      /member 0 of ensemble .*: purge the ensemble/,
    );
    const done = await purge(ports, alice, 'ensemble', ensembleId, { dryRun: false, confirm: ensembleId });
    expect(done).toMatchObject({
      simulations: [...ids].sort(),
      records: 4,
      objects: { count: 4, bytes: 35 },
    });
    expect(await repository.getMany(ids)).toEqual([]);
    expect(await ensembles.get(ensembleId)).toBeUndefined();
    expect([...bucket.keys()].filter((k) => k.includes(ensembleId))).toEqual([]);
  });

  it("finishes a campaign's purge cut short by asking again; the campaign leaves its owner's list", async () => {
    const { campaigns } = stores;
    const base = exampleSpec();
    const { campaign } = await createCampaign(
      {
        repository,
        campaigns,
        publisher: { publish: async () => undefined },
        objects: { putObject: async (o) => void bucket.set(o.key, o.body.length) },
        restarts: {
          findRestart: async () => undefined,
          copy: async () => undefined,
          readText: async () => undefined,
        },
        now: () => new Date(),
      },
      { localBackendEnabled: true },
      {
        caller: alice,
        body: {
          name: 'purged',
          base,
          stages: [
            { name: 'a', period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' } },
            { name: 'b', period: { start: '2019-01-02T00:00:00Z', end: '2019-01-03T00:00:00Z' } },
          ],
        },
      },
    );
    const [first, second] = campaign.stages.map((s) => s.simulationId) as [string, string];
    await expect(purge(ports, alice, 'campaign', campaign.id, { dryRun: true })).rejects.toThrow(
      new RegExp(`campaign ${campaign.id} is not finished: ${first} PENDING, ${second} WAITING`),
    );
    for (const id of [first, second]) {
      const stage = (await repository.get(id))!;
      await repository.transition({
        id,
        expectedVersion: stage.version,
        from: stage.status,
        to: stage.status === 'WAITING' ? 'CANCELLED' : 'FAILED',
        reason: 'ended',
      });
    }
    const preview = await purge(ports, alice, 'campaign', campaign.id, { dryRun: true });
    expect(preview.records).toBe(3);
    expect(preview.objects.count).toBeGreaterThan(0);

    failDeletesAfter = 1;
    await expect(
      purge(ports, alice, 'campaign', campaign.id, { dryRun: false, confirm: campaign.id }),
    ).rejects.toThrow('DynamoDB went away');
    failDeletesAfter = Infinity;
    const rest = await purge(ports, alice, 'campaign', campaign.id, { dryRun: false, confirm: campaign.id });
    expect(rest).toMatchObject({ records: 2, objects: { count: 0 } });
    expect(await repository.getMany([first, second])).toEqual([]);
    expect(
      (await listCampaigns({ repository, campaigns }, alice, { offset: 0, limit: 100 })).campaigns,
    ).toEqual([]);
  });
});
