import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { AttemptCost, SimulationCost } from '#schemas/generated/types.js';
import { readCurLineItems } from '#services/cost-tracker/src/adapters/cur-parquet.js';
import {
  reconcileCosts,
  type CostReconciliation,
  type CurLineItem,
} from '#services/cost-tracker/src/domain/reconcile.js';
import { CUR_FIXTURE, curFixtureBuffer } from '#scripts/cur/make-cur-fixture.js';

const H = 3_600_000;
const DAY = Date.UTC(2026, 10, 3);
const iso = (ms: number): string => new Date(ms).toISOString();

function attempt(n: number, startMs: number, stopMs: number, computeUsd: number): AttemptCost {
  return { attempt: n, startedAt: iso(startMs), stoppedAt: iso(stopMs), computeUsd } as AttemptCost;
}

const tracked: Record<string, SimulationCost> = {
  sim_CURFIXTURESPOT000000000001: {
    simulationId: 'sim_CURFIXTURESPOT000000000001',
    kind: 'final',
    attempts: [
      attempt(1, DAY + 10 * H, DAY + 11 * H, 0.2),
      attempt(2, DAY + 11 * H + 10 * 60_000, DAY + 13 * H + 10 * 60_000, 0.44),
    ],
  } as SimulationCost,
  sim_CURFIXTUREONDEMAND00000001: {
    simulationId: 'sim_CURFIXTUREONDEMAND00000001',
    kind: 'final',
    attempts: [attempt(1, DAY + 14 * H, DAY + 16 * H, 1.1568)],
  } as SimulationCost,
};

function fixtureFile(): ArrayBuffer {
  const bytes = readFileSync(CUR_FIXTURE);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

describe('reconciliation against the CUR 2.0 split cost allocation export', () => {
  it('the committed Parquet fixture is what its script writes', () => {
    expect(Buffer.from(fixtureFile()).equals(Buffer.from(curFixtureBuffer()))).toBe(true);
  });

  it('reconciliation over the Parquet fixture reports tracked vs billed per job and attempt', async () => {
    const stored: CostReconciliation[] = [];
    const report = await reconcileCosts({
      lineItems: () => readCurLineItems(fixtureFile()),
      costs: { get: async (id) => tracked[id] },
      store: async (r) => {
        stored.push(r);
      },
      now: () => new Date(DAY + 30 * H),
    });
    expect(report.untracked).toEqual([]);
    const byId = new Map(report.reconciled.map((r) => [r.simulationId, r]));
    // Spot: 0.21 billed for the reclaimed attempt, 0.435 for the retry (its three hours of line items).
    expect(byId.get('sim_CURFIXTURESPOT000000000001')).toMatchObject({
      trackedUsd: 0.64,
      billedUsd: 0.645,
      differenceUsd: -0.005,
      lineItems: 4,
      unmatchedUsd: 0,
      attempts: [
        { attempt: 1, trackedUsd: 0.2, billedUsd: 0.21, differenceUsd: -0.01 },
        { attempt: 2, trackedUsd: 0.44, billedUsd: 0.435, differenceUsd: 0.005 },
      ],
    });
    // On-demand: half the instance tracked as the whole (its max share), billed half plus unused.
    expect(byId.get('sim_CURFIXTUREONDEMAND00000001')).toMatchObject({
      trackedUsd: 1.1568,
      billedUsd: 1.2568,
      differenceUsd: -0.1,
      attempts: [{ attempt: 1, billedUsd: 1.2568 }],
    });
    // Somebody else's task and the instances' own rows are left out; each result is stored.
    expect(report.reconciled).toHaveLength(2);
    expect(stored).toEqual(report.reconciled);
  });

  it('names the simulations the export bills that the tracker never priced', async () => {
    const report = await reconcileCosts({
      lineItems: () => readCurLineItems(fixtureFile()),
      costs: { get: async () => undefined },
      store: async () => {},
      now: () => new Date(DAY + 30 * H),
    });
    expect(report.untracked.sort()).toEqual([
      'sim_CURFIXTUREONDEMAND00000001',
      'sim_CURFIXTURESPOT000000000001',
    ]);
  });

  it("matches line items by the attempt's task ARN first: an export whose tag is not activated, and a retry's task in its predecessor's hour", async () => {
    const task = (id: string): string =>
      `arn:aws:ecs:us-east-1:123456789012:task/gcr-prod-spot_Batch_1/${id}`;
    const id = 'sim_cursbytaskarn0000000000001';
    // A spot attempt reclaimed at 10:40, its retry from 10:45: the retry's 10:00 line item covers the
    // first attempt more by hour, but names the retry's task.
    const cost = {
      simulationId: id,
      kind: 'final',
      attempts: [
        { ...attempt(1, DAY + 10 * H, DAY + 10 * H + 40 * 60_000, 0.1), taskArns: [task('t1')] },
        { ...attempt(2, DAY + 10 * H + 45 * 60_000, DAY + 12 * H, 0.26), taskArns: [task('t2')] },
      ],
    } as SimulationCost;
    const item = (taskArn: string, hour: number, usd: number): CurLineItem => ({
      taskArn,
      instanceId: 'i-0abc',
      simulationId: undefined, // gcr:simulation-id not activated as a cost allocation tag
      usageStartMs: DAY + hour * H,
      usageEndMs: DAY + (hour + 1) * H,
      splitCostUsd: usd,
      unusedCostUsd: 0,
    });
    const report = await reconcileCosts({
      lineItems: async () => [
        item(task('t1'), 10, 0.1),
        item(task('t2'), 10, 0.05),
        item(task('t2'), 11, 0.2),
        item(task('other'), 11, 1),
      ],
      costs: { get: async (simulationId) => (simulationId === id ? cost : undefined) },
      trackedCosts: async () => [cost],
      store: async () => {},
      now: () => new Date(DAY + 30 * H),
    });
    expect(report.untracked).toEqual([]);
    expect(report.reconciled).toHaveLength(1);
    expect(report.reconciled[0]).toMatchObject({
      simulationId: id,
      lineItems: 3,
      lineItemsByTaskArn: 3,
      billedUsd: 0.35,
      unmatchedUsd: 0,
      attempts: [
        { attempt: 1, billedUsd: 0.1, differenceUsd: 0 },
        { attempt: 2, billedUsd: 0.25, differenceUsd: 0.01 },
      ],
    });
  });
});
