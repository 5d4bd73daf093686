/**
 * Ensembles created in batches (docs/CAMPAIGNS.md, "Creation in batches"), on
 * dynalite: more than 200 members answer CREATING with the work split in
 * batches of 250 (nothing of a refused request written), a batch delivered
 * twice writes nothing twice, members wait (WAITING) until the last batch
 * releases them all at once, a pause during creation keeps them held, and a
 * batch failing its last receive shows the ensemble CREATION_FAILED until a
 * re-drive completes it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { pauseOrResumeEnsemble } from '#services/submission/src/domain/ensemble-control.js';
import {
  CREATION_MAX_RECEIVES,
  recordCreationFailure,
  writeCreationBatch,
  type CreationWorkerPorts,
} from '#services/submission/src/domain/ensemble-creation.js';
import {
  cancelEnsemble,
  createEnsemble,
  getEnsemble,
  SYNC_MEMBER_LIMIT,
} from '#services/submission/src/domain/ensembles.js';
import { ConflictError, ValidationError } from '#shared/kernel/errors.js';
import { memberSimulationId } from '#shared/kernel/repository/ensembles.js';
import type { EnsembleCreationBatch, EnsembleCreationMembers } from '#schemas/generated/types.js';
import { exampleSpec } from '#test/helpers/specs.js';
import { alice, startSubmissionStores, type SubmissionStores } from '#test/helpers/submission-stores.js';

let stores: SubmissionStores;
let ports: CreationWorkerPorts;
const files = new Map<string, EnsembleCreationMembers>();
let sent: EnsembleCreationBatch[] = [];
let puts = 0;

beforeAll(async () => {
  stores = await startSubmissionStores();
  ports = {
    ...stores,
    objects: { putObject: async () => void (puts += 1) },
    now: () => new Date(),
    creation: {
      batches: {
        put: async (members) => void files.set(`${members.ensembleId}/${members.batch}`, members),
        get: async (ensembleId, batch) => files.get(`${ensembleId}/${batch}`),
      },
      queue: { send: async (messages) => void sent.push(...messages) },
    },
  };
}, 60_000);

afterAll(async () => {
  await stores?.dynamo.stop();
});

beforeEach(() => {
  sent = [];
  stores.published.length = 0;
});

/** A list sweep of `n` members, each its own label. */
function listRequest(n: number, change: (i: number) => Record<string, unknown> = () => ({})) {
  return {
    name: 'large list',
    base: exampleSpec(),
    sweep: { list: Array.from({ length: n }, (_, i) => ({ label: `m${i}`, ...change(i) })) },
  };
}

async function statuses(ensembleId: string, n: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const ids = Array.from({ length: n }, (_, i) => memberSimulationId(ensembleId, i));
  for (let i = 0; i < ids.length; i += 100) {
    for (const s of await stores.repository.getMany(ids.slice(i, i + 100)))
      counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  }
  return counts;
}

function submittedIds(): string[] {
  return stores.published
    .filter((e) => e.detailType === 'Simulation Submitted')
    .map((e) => (e.detail as { simulationId: string }).simulationId);
}

describe('ensemble creation in batches', () => {
  it('splits, writes each batch once, and releases every member when the last lands', async () => {
    const created = await createEnsemble(
      ports,
      { localBackendEnabled: true },
      { caller: alice, body: listRequest(501) },
    );
    expect(created.batched).toBe(true);
    const id = created.ensemble.id;
    expect(created.ensemble).toMatchObject({
      status: 'CREATING',
      memberCount: 501,
      creation: { status: 'CREATING', membersTotal: 501, membersCreated: 0, batchSize: 250 },
      counts: {},
    });
    expect(sent).toEqual([0, 1, 2].map((batch) => ({ ensembleId: id, batch })));
    expect(files.get(`${id}/1`)!.members.map((m) => m.memberIndex)).toEqual(
      Array.from({ length: 250 }, (_, i) => 250 + i),
    );
    expect(files.get(`${id}/2`)!.members).toEqual([
      expect.objectContaining({ memberIndex: 500, label: 'm500' }),
    ]);
    expect(await stores.repository.get(memberSimulationId(id, 0))).toBeUndefined();

    // Batch 1 twice (a redelivery): the second writes nothing.
    expect(await writeCreationBatch(ports, { ensembleId: id, batch: 1 })).toBe('written');
    const putsAfterFirst = puts;
    expect(await writeCreationBatch(ports, { ensembleId: id, batch: 1 })).toBe('written');
    expect(puts).toBe(putsAfterFirst);
    expect(await statuses(id, 501)).toEqual(new Map([['WAITING', 250]]));
    const member = (await stores.repository.get(memberSimulationId(id, 260)))!;
    expect(member).toMatchObject({ status: 'WAITING', version: 1, memberIndex: 260, memberLabel: 'm260' });
    expect(member.history[0]!.reason).toContain('being created');

    const progress = await getEnsemble(stores, alice, id);
    expect(progress).toMatchObject({
      status: 'CREATING',
      creation: { membersCreated: 250 },
      counts: { WAITING: 250 },
    });
    expect(progress.members).toHaveLength(100);
    expect(progress.members![0]!.memberIndex).toBe(250);
    await expect(cancelEnsemble(ports, alice, id)).rejects.toThrow(ConflictError);

    // The others out of order; nothing is released before the last.
    expect(await writeCreationBatch(ports, { ensembleId: id, batch: 2 })).toBe('written');
    expect(submittedIds()).toEqual([]);
    expect(await writeCreationBatch(ports, { ensembleId: id, batch: 0 })).toBe('released');
    expect(await statuses(id, 501)).toEqual(new Map([['PENDING', 501]]));
    const announced = submittedIds();
    expect(announced).toHaveLength(501);
    expect(new Set(announced).size).toBe(501);
    const done = await getEnsemble(stores, alice, id);
    expect(done).toMatchObject({
      status: 'ACTIVE',
      creation: { status: 'COMPLETE', membersCreated: 501 },
      counts: { PENDING: 501 },
    });
    // A late duplicate of a batch changes nothing.
    expect(await writeCreationBatch(ports, { ensembleId: id, batch: 0 })).toBe('already-complete');
    expect(submittedIds()).toHaveLength(501);
  }, 180_000);

  it(`keeps ${SYNC_MEMBER_LIMIT} members or fewer within the request (201)`, async () => {
    const created = await createEnsemble(
      ports,
      { localBackendEnabled: true },
      { caller: alice, body: listRequest(3) },
    );
    expect(created.batched).toBe(false);
    expect(created.ensemble.creation).toBeUndefined();
    expect(sent).toEqual([]);
  }, 60_000);

  it('refuses a bad member by field and index before anything is written', async () => {
    const request = listRequest(300, (i) => (i === 257 ? { metYear: 2099 } : {}));
    const refused = await createEnsemble(
      ports,
      { localBackendEnabled: true },
      { caller: alice, body: request },
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).issues[0]!.field).toMatch(/^members\[257\]\./);
    expect(sent).toEqual([]);
  }, 60_000);

  it('holds the members of an ensemble paused while being created, until resumed', async () => {
    const { ensemble } = await createEnsemble(
      ports,
      { localBackendEnabled: true },
      { caller: alice, body: listRequest(201), idempotencyKey: 'held-201' },
    );
    await pauseOrResumeEnsemble(ports, alice, ensemble.id, 'pause');
    expect(await writeCreationBatch(ports, { ensembleId: ensemble.id, batch: 0 })).toBe('held');
    expect(await statuses(ensemble.id, 201)).toEqual(new Map([['WAITING', 201]]));
    expect(submittedIds()).toEqual([]);
    expect((await getEnsemble(stores, alice, ensemble.id)).creation).toMatchObject({
      status: 'COMPLETE',
      heldWhenCreated: true,
    });
    await pauseOrResumeEnsemble(ports, alice, ensemble.id, 'resume');
    expect(await statuses(ensemble.id, 201)).toEqual(new Map([['PENDING', 201]]));
  }, 120_000);

  it('shows CREATION_FAILED after a batch failed its last receive, and completes on a re-drive', async () => {
    const { ensemble } = await createEnsemble(
      ports,
      { localBackendEnabled: true },
      { caller: alice, body: listRequest(260) },
    );
    await writeCreationBatch(ports, { ensembleId: ensemble.id, batch: 0 });
    expect(CREATION_MAX_RECEIVES).toBe(5);
    await recordCreationFailure(ports, { ensembleId: ensemble.id, batch: 1 }, new Error('S3 is down'));
    const failed = await getEnsemble(stores, alice, ensemble.id);
    expect(failed.status).toBe('CREATION_FAILED');
    expect(failed.creation!.reason).toMatch(/^batch 1 \(members 250 to 259\) failed 5 times: S3 is down/);
    expect(failed.counts).toEqual({ WAITING: 250 });

    expect(await writeCreationBatch(ports, { ensembleId: ensemble.id, batch: 1 })).toBe('released');
    const redriven = await getEnsemble(stores, alice, ensemble.id);
    expect(redriven.status).toBe('ACTIVE');
    expect(redriven.creation).not.toHaveProperty('reason');
    expect(redriven.counts).toEqual({ PENDING: 260 });
  }, 120_000);
});
