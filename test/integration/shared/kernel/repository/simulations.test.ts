import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StaleVersionError, InvalidTransitionError, ValidationError } from '#shared/kernel/errors.js';
import {
  createDynamoSimulationRepository,
  type SimulationRepository,
} from '#shared/kernel/repository/simulations.js';
import { shardOf } from '#shared/kernel/repository/keys.js';
import { startLocalDynamo } from '#test/helpers/local-dynamodb.js';
import { aSimulation } from '#test/helpers/simulations.js';

const SHARDS = 4;
let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
let repository: SimulationRepository;
let documentClient: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  documentClient = dynamo.documentClient;
  repository = createDynamoSimulationRepository(documentClient, {
    tableName: dynamo.tableName,
    statusIndexShards: SHARDS,
  });
});

afterAll(async () => {
  await dynamo.stop();
});

async function rawItem(id: string): Promise<Record<string, unknown> | undefined> {
  const out = await documentClient.send(new GetCommand({ TableName: dynamo.tableName, Key: { id } }));
  return out.Item;
}

describe('simulation repository on dynalite', () => {
  it('creates a simulation once and reports a second create of the same id as existing', async () => {
    const simulation = aSimulation();
    expect(await repository.create(simulation)).toBe('created');
    expect(await repository.create({ ...simulation, name: 'other' })).toBe('exists');
    expect((await repository.get(simulation.id))?.name).toBe(simulation.name);
  });

  it('never returns index attributes through the API shape', async () => {
    const simulation = aSimulation();
    await repository.create(simulation, { requestFingerprint: 'abc' });
    const stored = await repository.get(simulation.id);
    expect(stored).toEqual(simulation);
    expect(await repository.getWithInternals(simulation.id)).toMatchObject({ requestFingerprint: 'abc' });
  });

  it('applies a transition conditionally on the version and appends it to the history', async () => {
    const simulation = aSimulation();
    await repository.create(simulation);
    const at = new Date('2026-01-02T00:00:00Z');
    const updated = await repository.transition({
      id: simulation.id,
      expectedVersion: 1,
      from: 'PENDING',
      to: 'SUBMITTED',
      reason: 'job submitted',
      at,
      set: { jobId: 'job-1' },
    });
    expect(updated).toMatchObject({ status: 'SUBMITTED', version: 2, updatedAt: at.toISOString() });
    expect(updated.history.at(-1)).toEqual({
      at: at.toISOString(),
      from: 'PENDING',
      to: 'SUBMITTED',
      reason: 'job submitted',
    });
    expect((await rawItem(simulation.id))?.['jobId']).toBe('job-1');
  });

  it('refuses a transition on a stale version', async () => {
    const simulation = aSimulation();
    await repository.create(simulation);
    await repository.transition({
      id: simulation.id,
      expectedVersion: 1,
      from: 'PENDING',
      to: 'SUBMITTED',
      reason: 'a',
    });
    await expect(
      repository.transition({
        id: simulation.id,
        expectedVersion: 1,
        from: 'PENDING',
        to: 'CANCELLING',
        reason: 'b',
      }),
    ).rejects.toBeInstanceOf(StaleVersionError);
    expect((await repository.get(simulation.id))?.status).toBe('SUBMITTED');
  });

  it('refuses a transition the status machine forbids, without writing', async () => {
    const simulation = aSimulation();
    await repository.create(simulation);
    await expect(
      repository.transition({
        id: simulation.id,
        expectedVersion: 1,
        from: 'PENDING',
        to: 'SUCCEEDED',
        reason: 'x',
      }),
    ).rejects.toBeInstanceOf(InvalidTransitionError);
    expect((await repository.get(simulation.id))?.version).toBe(1);
  });

  it('keeps an active simulation on the StatusIndex and drops a terminal one from it', async () => {
    const simulation = aSimulation({ owner: 'status-index-owner' });
    await repository.create(simulation, { nextPollAt: 1_000 });
    const shard = shardOf(simulation.id, SHARDS);
    const due = await repository.queryDue('PENDING', shard, 2_000);
    expect(due.items.map((s) => s.id)).toContain(simulation.id);
    expect((await repository.queryDue('PENDING', shard, 500)).items.map((s) => s.id)).not.toContain(
      simulation.id,
    );

    let current = await repository.transition({
      id: simulation.id,
      expectedVersion: 1,
      from: 'PENDING',
      to: 'SUBMITTED',
      reason: 'a',
      at: new Date(5_000),
    });
    // The new status's first poll is a minute after it began (poll-schedule.ts).
    expect((await repository.queryDue('SUBMITTED', shard, 64_999)).items.map((s) => s.id)).not.toContain(
      simulation.id,
    );
    expect((await repository.queryDue('SUBMITTED', shard, 65_000)).items.map((s) => s.id)).toContain(
      simulation.id,
    );
    current = await repository.transition({
      id: simulation.id,
      expectedVersion: current.version,
      from: 'SUBMITTED',
      to: 'FAILED',
      reason: 'b',
    });
    expect(current.status).toBe('FAILED');
    const item = await rawItem(simulation.id);
    expect(item).not.toHaveProperty('statusShard');
    expect(item).not.toHaveProperty('nextPollAt');
    expect(item).not.toHaveProperty('activeOwner');
    for (const status of ['PENDING', 'SUBMITTED', 'FAILED'] as const) {
      expect(
        (await repository.queryDue(status, shard, Number.MAX_SAFE_INTEGER)).items.map((s) => s.id),
      ).not.toContain(simulation.id);
    }
  });

  it('lists an owner newest first across pages with an opaque cursor', async () => {
    const owner = 'paging-owner';
    const sims = Array.from({ length: 7 }, (_, i) =>
      aSimulation({ owner, createdAt: new Date(Date.UTC(2026, 1, 1, 0, i)).toISOString() }),
    );
    for (const s of sims) await repository.create(s);
    await repository.create(aSimulation({ owner: 'someone-else' }));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await repository.listByOwner(owner, { limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual([...sims].reverse().map((s) => s.id));
  });

  it('filters a listing by status and still fills pages', async () => {
    const owner = 'filter-owner';
    const sims = Array.from({ length: 6 }, () => aSimulation({ owner }));
    for (const s of sims) await repository.create(s);
    for (const s of sims.slice(0, 3)) {
      await repository.transition({
        id: s.id,
        expectedVersion: 1,
        from: 'PENDING',
        to: 'CANCELLING',
        reason: 'x',
      });
    }
    const page = await repository.listByOwner(owner, { limit: 10, status: 'CANCELLING' });
    expect(page.items.map((s) => s.status)).toEqual(['CANCELLING', 'CANCELLING', 'CANCELLING']);
  });

  it('refuses a cursor it did not issue with a field-level validation error', async () => {
    await expect(repository.listByOwner('x', { limit: 5, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
