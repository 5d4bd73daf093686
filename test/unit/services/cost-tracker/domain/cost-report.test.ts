import { describe, expect, it } from '@jest/globals';
import type { SimulationCost } from '#schemas/generated/types.js';
import { costReport } from '#services/cost-tracker/src/domain/cost-report.js';

const MONTH = '2026-12';
const alice = { userId: 'alice', groups: [], isAdmin: false };
const admin = { userId: 'root', groups: ['admins'], isAdmin: true };

function aCost(simulationId: string, owner: string, totalUsd: number, extra: Partial<SimulationCost> = {}) {
  return {
    simulationId,
    owner,
    kind: 'final',
    status: 'SUCCEEDED',
    simulationVersion: 5,
    currency: 'USD',
    totalUsd,
    items: [],
    attempts: [],
    updatedAt: '2026-12-02T00:00:00.000Z',
    ...extra,
  } as SimulationCost;
}

const reconciliation = (simulationId: string, trackedUsd: number, billedUsd: number) => ({
  simulationId,
  trackedUsd,
  billedUsd,
  differenceUsd: trackedUsd - billedUsd,
  lineItems: 1,
  unmatchedUsd: 0,
  attempts: [],
  reconciledAt: '2026-12-03T00:00:00.000Z',
});

/** A cost store holding alice's two runs (one reconciled) and bob's one; listMonth narrows by owner as MonthIndex does. */
function ports() {
  const costs = [
    aCost('sim-a1', 'alice', 3, { reconciliation: reconciliation('sim-a1', 2.5, 2.75) }),
    aCost('sim-a2', 'alice', 1, { kind: 'accrued' }),
    aCost('sim-b1', 'bob', 10),
  ];
  const asked: (string | undefined)[] = [];
  return {
    asked,
    ports: {
      now: () => new Date(Date.UTC(2026, 11, 7)),
      costs: {
        listMonth: async (_month: string, owner?: string) => {
          asked.push(owner);
          return costs.filter((cost) => owner === undefined || cost.owner === owner);
        },
      },
    },
  };
}

describe('costReport', () => {
  it("narrows an admin's report to one owner with owner=, and says so", async () => {
    const { ports: p, asked } = ports();
    const report = await costReport(p, admin, { month: MONTH, owner: 'bob' });
    expect(asked).toEqual(['bob']);
    expect(report).toMatchObject({ owner: 'bob', totalUsd: 10, simulations: 1 });
    expect((await costReport(p, admin, { month: MONTH })).totalUsd).toBe(14);
  });

  it("refuses another owner's costs to a non-admin, naming query.owner, and accepts their own id", async () => {
    const { ports: p } = ports();
    const refused = await costReport(p, alice, { owner: 'bob' }).catch((e: unknown) => e);
    expect((refused as { issues: { field: string }[] }).issues.map((i) => i.field)).toEqual(['query.owner']);
    expect((await costReport(p, alice, { owner: 'alice' })).totalUsd).toBe(4);
  });

  it('sets what the bill confirms beside the tracked amounts: the reconciled runs, tracked and billed', async () => {
    const { ports: p } = ports();
    const report = await costReport(p, alice, { month: MONTH });
    expect(report.reconciled).toEqual({ simulations: 1, trackedUsd: 2.5, billedUsd: 2.75 });
    expect((await costReport(p, admin, { owner: 'bob' })).reconciled).toEqual({
      simulations: 0,
      trackedUsd: 0,
      billedUsd: 0,
    });
  });
});
