import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { createBudgetStore, type BudgetStore } from '#shared/kernel/repository/budgets.js';
import { seededRandom } from '#shared/kernel/seeded-random.js';
import { ValidationError } from '#shared/kernel/errors.js';
import type { SimulationCost } from '#schemas/generated/types.js';
import { deleteBudget, listBudgets, putBudget } from '#services/cost-tracker/src/domain/budgets-api.js';
import { countInBudgets } from '#services/cost-tracker/src/domain/count-in-budgets.js';
import { aSimulation } from '#test/helpers/simulations.js';
import { startLocalDynamo } from '#test/helpers/local-dynamodb.js';

let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
let budgets: BudgetStore;
const NOW = new Date('2026-12-07T12:00:00Z');
const alice = { userId: 'alice', groups: [], isAdmin: false };
const admin = { userId: 'root', groups: ['admin'], isAdmin: true };
const api = () => ({ budgets, now: () => NOW });

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  budgets = createBudgetStore(dynamo.documentClient, dynamo.tableName);
}, 60_000);

afterAll(async () => {
  await dynamo?.stop();
});

function costOf(simulationId: string, totalUsd: number): SimulationCost {
  return {
    simulationId,
    owner: 'storm',
    kind: 'accrued',
    status: 'RUNNING',
    simulationVersion: 1,
    currency: 'USD',
    totalUsd,
    items: [],
    attempts: [],
    updatedAt: NOW.toISOString(),
  };
}

/** Runs `tasks` with at most `width` at once. */
async function inParallel(tasks: (() => Promise<void>)[], width: number): Promise<void> {
  const queue = [...tasks];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let task = queue.shift(); task; task = queue.shift()) await task();
    }),
  );
}

describe('budgets', () => {
  it('a budget crossing gives exactly one Budget Threshold Crossed per threshold under duplicated, shuffled updates', async () => {
    await putBudget(api(), { userId: 'storm', groups: [], isAdmin: false }, { limitUsd: 10 });
    const published: OutgoingEvent[] = [];
    const ports = {
      budgets,
      publisher: { publish: async (events: OutgoingEvent[]) => void published.push(...events) },
      now: () => NOW,
    };
    // 40 simulations, each costing 0.1 -> 0.5 in five updates; every update three times, shuffled
    const simulations = Array.from({ length: 40 }, (_, i) =>
      aSimulation({
        id: `sim_STORM${String(i).padStart(22, '0')}`,
        owner: 'storm',
        createdAt: NOW.toISOString(),
      }),
    );
    const updates = simulations.flatMap((simulation) =>
      [0.1, 0.2, 0.3, 0.4, 0.5].flatMap((usd) => [usd, usd, usd].map((amount) => ({ simulation, amount }))),
    );
    const random = seededRandom(13);
    for (let i = updates.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [updates[i], updates[j]] = [updates[j]!, updates[i]!];
    }
    await inParallel(
      updates.map(({ simulation, amount }) => async () => {
        await countInBudgets(ports, simulation, costOf(simulation.id, amount));
      }),
      8,
    );

    const crossed = published.map(
      (e) => e.detail as { thresholdPercent: number; budget: string; month: string },
    );
    expect(crossed.map((d) => d.thresholdPercent).sort((a, b) => a - b)).toEqual([50, 80, 100]);
    expect(new Set(crossed.map((d) => d.budget))).toEqual(new Set(['owner:storm']));
    expect(crossed[0]!.month).toBe('2026-12');
    // Every simulation's cost counted once, at its largest figure: 40 x 0.5
    const list = await listBudgets(api(), { userId: 'storm', groups: [], isAdmin: false }, {});
    expect(list.items).toEqual([
      expect.objectContaining({ budget: 'owner:storm', spentUsd: 20, crossedThresholds: [50, 80, 100] }),
    ]);
  }, 300_000);

  it("a budget's month stays one small item however many runs count in it (a contribution item per run), and an update that died after the month's write is counted once when redelivered", async () => {
    const key = 'owner:many';
    const month = '2026-12';
    // 100 runs, each counted twice and raised once
    for (const round of [1, 1, 2]) {
      await inParallel(
        Array.from({ length: 100 }, (_, i) => async () => {
          await budgets.recordSpend(key, month, `sim_many${String(i).padStart(22, '0')}`, round);
        }),
        8,
      );
    }
    const item = await dynamo.documentClient.send(
      new GetCommand({ TableName: dynamo.tableName, Key: { id: `#spend#${key}#${month}` } }),
    );
    expect(item.Item!['spentUsd']).toBe(200);
    expect(item.Item!['sims']).toBeUndefined();
    // a few hundred bytes, not a map of every run (DynamoDB's item limit is 400 KB)
    expect(JSON.stringify(item.Item).length).toBeLessThan(400);

    // A process dies right after the month's write (its contribution not written yet)
    let dieAfterMonthWrite = true;
    const dying = new Proxy(dynamo.documentClient, {
      get(target, prop, receiver) {
        if (prop !== 'send') return Reflect.get(target, prop, receiver);
        return async (command: { input: { Key?: { id?: string } }; constructor: { name: string } }) => {
          const out = await target.send(command as never);
          if (dieAfterMonthWrite && command.constructor.name === 'UpdateCommand') {
            if (command.input.Key?.id === `#spend#${key}#${month}`) {
              dieAfterMonthWrite = false;
              throw new Error('process died');
            }
          }
          return out;
        };
      },
    });
    const simulationId = `sim_many${'x'.repeat(22)}`;
    await expect(
      createBudgetStore(dying, dynamo.tableName).recordSpend(key, month, simulationId, 5),
    ).rejects.toThrow('process died');
    // its redelivery, and another run's update, count it once
    expect(await budgets.recordSpend(key, month, simulationId, 5)).toBeUndefined();
    expect((await budgets.recordSpend(key, month, 'sim_many_other', 1))!.spentUsd).toBe(206);
    expect((await budgets.spend([key], month)).get(key)!.spentUsd).toBe(206);
  }, 300_000);

  it('sets, lists and removes budgets, with defaults, and names the field of every bad input', async () => {
    const set = await putBudget(api(), alice, { limitUsd: 100 });
    expect(set).toMatchObject({
      budget: 'owner:alice',
      owner: 'alice',
      limitUsd: 100,
      thresholds: [50, 80, 100],
      alertOnly: false,
      month: '2026-12',
      spentUsd: 0,
    });
    await putBudget(api(), admin, {
      limitUsd: 500,
      tag: 'project=ozone',
      thresholds: [90, 25],
      alertOnly: true,
    });
    const listed = await listBudgets(api(), alice, { month: '2026-12' });
    expect(listed.items.map((b) => [b.budget, b.thresholds])).toEqual([
      ['owner:alice', [50, 80, 100]],
      ['tag:project=ozone', [25, 90]],
    ]);

    const fieldOf = async (promise: Promise<unknown>) => {
      const err = (await promise.catch((e: unknown) => e)) as ValidationError;
      expect(err).toBeInstanceOf(ValidationError);
      return err.issues.map((issue) => issue.field);
    };
    expect(await fieldOf(putBudget(api(), alice, { limitUsd: -5 }))).toEqual(['limitUsd']);
    expect(await fieldOf(putBudget(api(), alice, { limitUsd: 'ten' }))).toEqual(['limitUsd']);
    expect(await fieldOf(putBudget(api(), alice, { limitUsd: 5, thresholds: [50, 150] }))).toEqual([
      'thresholds.1',
    ]);
    expect(await fieldOf(putBudget(api(), alice, { limitUsd: 5, thresholds: [0] }))).toEqual([
      'thresholds.0',
    ]);
    expect(await fieldOf(putBudget(api(), alice, { limitUsd: 5, tag: 'project=x' }))).toEqual(['tag']);
    expect(await fieldOf(putBudget(api(), alice, { limitUsd: 5, owner: 'bob' }))).toEqual(['owner']);
    expect(await fieldOf(listBudgets(api(), alice, { month: '2026-13' }))).toEqual(['query.month']);
    expect(await fieldOf(listBudgets(api(), alice, { month: 'december' }))).toEqual(['query.month']);
    expect(await fieldOf(deleteBudget(api(), alice, { tag: 'project=ozone' }))).toEqual(['query.tag']);

    await deleteBudget(api(), alice, {});
    await expect(deleteBudget(api(), alice, {})).rejects.toMatchObject({ code: 'NotFound' });
    expect((await listBudgets(api(), alice, {})).items.map((b) => b.budget)).toEqual(['tag:project=ozone']);
  });
});
