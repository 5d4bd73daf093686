/**
 * The per-owner active slots (shared/kernel/repository/active-slots.ts) on
 * dynalite: exact under parallel reservations, idempotent, released by
 * terminal transitions, and never leaked by a crash between two steps.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  createDynamoSimulationRepository,
  type SimulationRepository,
} from '#shared/kernel/repository/simulations.js';
import { RESERVATION_GRACE_MS } from '#shared/kernel/repository/active-slots.js';
import { startLocalDynamo } from '#test/helpers/local-dynamodb.js';
import { aSimulation } from '#test/helpers/simulations.js';

let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
let repository: SimulationRepository;
const NOW = Date.UTC(2026, 5, 1);
let owners = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  repository = createDynamoSimulationRepository(dynamo.documentClient, {
    tableName: dynamo.tableName,
    statusIndexShards: 16,
  });
}, 60_000);

afterAll(async () => {
  await dynamo?.stop();
});

function newOwner(): string {
  owners += 1;
  return `slot-owner-${owners}`;
}

async function slotsOf(owner: string): Promise<string[]> {
  const out = await dynamo.documentClient.send(
    new GetCommand({ TableName: dynamo.tableName, Key: { id: `#active#${owner}` }, ConsistentRead: true }),
  );
  return Object.keys((out.Item?.['slots'] ?? {}) as object).sort();
}

/** Reserve, then create, as POST /simulations does. */
async function submit(owner: string, limit: number, nowMs = NOW) {
  const simulation = aSimulation({ owner });
  const slot = await repository.reserveActiveSlot({ owner, id: simulation.id, limit, nowMs });
  if (slot.reserved) await repository.create(simulation);
  return { simulation, slot };
}

/** A terminal write that skips the repository, as a writer that died before releasing the slot leaves it. */
async function endBehindTheRepositorysBack(id: string): Promise<void> {
  await dynamo.documentClient.send(
    new UpdateCommand({
      TableName: dynamo.tableName,
      Key: { id },
      UpdateExpression: 'SET #status = :failed REMOVE activeOwner, statusShard, nextPollAt',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':failed': 'FAILED' },
    }),
  );
}

describe('the active-simulation limit is exact under concurrency', () => {
  it('gives exactly 3 of 10 parallel reservations a slot against a limit of 3, and names the count to the others', async () => {
    const owner = newOwner();
    const results = await Promise.all(Array.from({ length: 10 }, () => submit(owner, 3)));
    const granted = results.filter((r) => r.slot.reserved);
    expect(granted).toHaveLength(3);
    for (const r of results.filter((x) => !x.slot.reserved))
      expect(r.slot).toEqual({ reserved: false, active: 3 });
    expect(await slotsOf(owner)).toEqual(granted.map((r) => r.simulation.id).sort());
  });

  it('counts a reservation of the same id (an idempotent replay) once', async () => {
    const owner = newOwner();
    const simulation = aSimulation({ owner });
    const replays = await Promise.all(
      Array.from({ length: 5 }, () =>
        repository.reserveActiveSlot({ owner, id: simulation.id, limit: 2, nowMs: NOW }),
      ),
    );
    expect(replays).toEqual(Array.from({ length: 5 }, () => ({ reserved: true })));
    expect(await slotsOf(owner)).toEqual([simulation.id]);
    expect((await submit(owner, 2)).slot.reserved).toBe(true);
    expect((await submit(owner, 2)).slot).toEqual({ reserved: false, active: 2 });
  });

  it('frees the slot in the terminal transition, not before', async () => {
    const owner = newOwner();
    const { simulation } = await submit(owner, 1);
    const running = await repository.transition({
      id: simulation.id,
      expectedVersion: 1,
      from: 'PENDING',
      to: 'SUBMITTED',
      reason: 'x',
    });
    expect((await submit(owner, 1)).slot.reserved).toBe(false);
    await repository.transition({
      id: simulation.id,
      expectedVersion: running.version,
      from: 'SUBMITTED',
      to: 'FAILED',
      reason: 'x',
    });
    expect(await slotsOf(owner)).toEqual([]);
    expect((await submit(owner, 1)).slot.reserved).toBe(true);
  });
});

describe('a crash between two steps does not leak a slot', () => {
  it('reclaims the slot of a simulation that ended without releasing it', async () => {
    const owner = newOwner();
    const { simulation } = await submit(owner, 1);
    await endBehindTheRepositorysBack(simulation.id);
    expect(await slotsOf(owner)).toEqual([simulation.id]);
    const next = await submit(owner, 1);
    expect(next.slot.reserved).toBe(true);
    expect(await slotsOf(owner)).toEqual([next.simulation.id]);
  });

  it('keeps the slot of a reservation whose item is not there yet, and reclaims it after the grace period', async () => {
    const owner = newOwner();
    const died = aSimulation({ owner });
    // Reserved, then the request died before creating the item.
    expect(await repository.reserveActiveSlot({ owner, id: died.id, limit: 1, nowMs: NOW })).toEqual({
      reserved: true,
    });
    expect((await submit(owner, 1, NOW + 1_000)).slot).toEqual({ reserved: false, active: 1 });
    const later = await submit(owner, 1, NOW + RESERVATION_GRACE_MS + 1_000);
    expect(later.slot.reserved).toBe(true);
    expect(await slotsOf(owner)).toEqual([later.simulation.id]);
  });

  it("seeds an owner's first reservation from the simulations already active (made before the slots existed)", async () => {
    const owner = newOwner();
    const earlier = [
      aSimulation({ owner }),
      aSimulation({ owner }),
      aSimulation({ owner, status: 'SUCCEEDED' }),
    ];
    for (const s of earlier) await repository.create(s);
    expect((await submit(owner, 3)).slot.reserved).toBe(true);
    expect((await submit(owner, 3)).slot).toEqual({ reserved: false, active: 3 });
  });
});
