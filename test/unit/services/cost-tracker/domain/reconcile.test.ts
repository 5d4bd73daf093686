import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { AttemptCost, SimulationCost } from '#schemas/generated/types.js';
import { readCurLineItems } from '#services/cost-tracker/src/adapters/cur-parquet.js';
import { reconcileCosts, type CostReconciliation } from '#services/cost-tracker/src/domain/reconcile.js';
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
});
