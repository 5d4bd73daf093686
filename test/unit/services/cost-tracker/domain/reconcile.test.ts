import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { AttemptCost, SimulationCost } from '#schemas/generated/types.js';
import { readCurLineItems } from '#services/cost-tracker/src/adapters/cur-parquet.js';
import { createArrayMemberCosts } from '#services/cost-tracker/src/adapters/array-member-costs.js';
import {
  reconcileCosts,
  splitArrayLineItems,
  type CostReconciliation,
  type CurLineItem,
} from '#services/cost-tracker/src/domain/reconcile.js';
import { memberSimulationId } from '#shared/kernel/repository/ensembles.js';
import {
  CUR_FIXTURE,
  CUR_FIXTURE_ENSEMBLE,
  curFixtureBuffer,
  curFixtureChildTask,
} from '#scripts/cur/make-cur-fixture.js';

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
    // The array job's line items name only its ensemble, whose members this test does not price.
    expect(report.untracked).toEqual([CUR_FIXTURE_ENSEMBLE]);
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
      CUR_FIXTURE_ENSEMBLE,
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

  describe("an ensemble's array job (children tagged with the parent's gcr:ensemble-id)", () => {
    const member = (index: number): string => memberSimulationId(CUR_FIXTURE_ENSEMBLE, index, 1);
    /** A member's cost: one attempt of `vcpus` of the fixture's c7g.4xlarge (16 vCPUs), from 10:00 for `hours`. */
    const memberCost = (index: number, vcpus: number, hours: number, computeUsd: number, taskArn?: string) =>
      ({
        simulationId: member(index),
        kind: 'final',
        attempts: [
          {
            ...attempt(1, DAY + 10 * H, DAY + (10 + hours) * H, computeUsd),
            instanceType: 'c7g.4xlarge',
            nodes: 1,
            share: { vcpu: vcpus / 16, memory: vcpus / 32, applied: vcpus / 16 },
            ...(taskArn ? { taskArns: [taskArn] } : {}),
          },
        ],
      }) as SimulationCost;
    // Member 0 recorded its child's task (DescribeJobs of <parent>:0); members 1 and 2 did not (a stand-in launch).
    const members = [
      memberCost(0, 4, 2, 0.09, curFixtureChildTask(0)),
      memberCost(1, 4, 2, 0.09),
      memberCost(2, 8, 1, 0.09),
    ];

    it("gives a child's line items to the member that recorded its task, and splits the others' by tracked vCPU-seconds", async () => {
      const stored: CostReconciliation[] = [];
      const report = await reconcileCosts({
        lineItems: () => readCurLineItems(fixtureFile()),
        costs: { get: async (id) => tracked[id] },
        trackedCosts: async () => [...Object.values(tracked), ...members],
        arrayMembers: async (ensembleId) => (ensembleId === CUR_FIXTURE_ENSEMBLE ? members : []),
        store: async (r) => {
          stored.push(r);
        },
        now: () => new Date(DAY + 30 * H),
      });
      expect(report.untracked).toEqual([]);
      const byId = new Map(report.reconciled.map((r) => [r.simulationId, r]));
      // By its task: its two hours, 0.05 each; no split.
      expect(byId.get(member(0))).toMatchObject({ billedUsd: 0.1, lineItems: 2, lineItemsByTaskArn: 2 });
      expect(byId.get(member(0))).not.toHaveProperty('attribution');
      // 10:00: children 1 and 2's 0.15 by 4:8 vCPUs; 11:00: child 1's 0.05 to member 1 alone (member 2 ended at 11:00).
      expect(byId.get(member(1))).toMatchObject({
        billedUsd: 0.1,
        trackedUsd: 0.09,
        differenceUsd: -0.01,
        lineItems: 0,
        attribution: 'split by tracked usage',
        splitUsd: 0.1,
        attempts: [{ attempt: 1, billedUsd: 0.1, differenceUsd: -0.01 }],
      });
      expect(byId.get(member(2))).toMatchObject({
        billedUsd: 0.1,
        attribution: 'split by tracked usage',
        splitUsd: 0.1,
        attempts: [{ attempt: 1, billedUsd: 0.1 }],
      });
      // Nothing of the array's 0.30 is lost or counted twice; the single jobs are as before.
      const arrayBilled = [0, 1, 2].reduce((sum, i) => sum + byId.get(member(i))!.billedUsd, 0);
      expect(arrayBilled).toBeCloseTo(0.3, 10);
      expect(byId.get('sim_CURFIXTUREONDEMAND00000001')).toMatchObject({ billedUsd: 1.2568 });
      expect(report.reconciled).toHaveLength(5);
      expect(stored).toEqual(report.reconciled);
    });

    it('splits in proportion to vCPU-seconds in the hour, overall when no attempt covers it, and among every attempt when all recorded tasks', () => {
      const item = (hour: number, usd: number): CurLineItem => ({
        taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/gcr-prod-spot_Batch_1/unknown',
        instanceId: 'i-0abc',
        simulationId: undefined,
        ensembleId: CUR_FIXTURE_ENSEMBLE,
        usageStartMs: DAY + hour * H,
        usageEndMs: DAY + (hour + 1) * H,
        splitCostUsd: usd,
        unusedCostUsd: 0,
      });
      const untasked = [memberCost(1, 4, 2, 0.09), memberCost(2, 8, 1, 0.09)];
      // 09:00 is before every attempt: 4 vCPU x 2 h against 8 vCPU x 1 h overall, half each.
      const early = splitArrayLineItems(untasked, [item(9, 0.2)], DAY + 30 * H);
      expect(early.unsplitUsd).toBe(0);
      expect(early.shares.get(member(1))![0]!.usd).toBeCloseTo(0.1, 10);
      expect(early.shares.get(member(2))![0]!.usd).toBeCloseTo(0.1, 10);
      // Every member recorded a task, yet an item names another (a task they did not record): all take part.
      const tasked = [memberCost(0, 4, 2, 0.09, curFixtureChildTask(0)), memberCost(3, 12, 2, 0.2, 'arn:x')];
      const all = splitArrayLineItems(tasked, [item(10, 0.4)], DAY + 30 * H);
      expect(all.shares.get(member(0))![0]!.usd).toBeCloseTo(0.1, 10);
      expect(all.shares.get(member(3))![0]!.usd).toBeCloseTo(0.3, 10);
      // No member priced: nothing to split it by.
      expect(splitArrayLineItems([], [item(10, 0.4)], DAY + 30 * H)).toEqual({
        shares: new Map(),
        unsplitUsd: 0.4,
      });
    });

    it('finds the members that ran as children of an array job (job id <parent>:<index>), not those run alone', async () => {
      const jobOf: Record<string, string> = {
        [member(0)]: 'a1b2c3d4-0000-4000-8000-000000000001:0',
        [member(1)]: 'a1b2c3d4-0000-4000-8000-000000000001:1',
        [member(2)]: 'f0e1d2c3-0000-4000-8000-000000000002',
      };
      const arrayMembers = createArrayMemberCosts({
        ensembles: {
          get: async (id) => (id === CUR_FIXTURE_ENSEMBLE ? ({ memberCount: 4 } as never) : undefined),
        },
        simulations: {
          getMany: async (ids) =>
            ids.flatMap((id) => (jobOf[id] ? [{ id, job: { jobId: jobOf[id] } } as never] : [])),
        },
        costs: { get: async (id) => members.find((m) => m.simulationId === id) },
      });
      const found = await arrayMembers(CUR_FIXTURE_ENSEMBLE);
      expect(found.map((c) => c.simulationId).sort()).toEqual([member(0), member(1)].sort());
      expect(await arrayMembers('ens_unknown00000000000000000000')).toEqual([]);
    });
  });
});
