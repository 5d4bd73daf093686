import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { createBudgetStore } from '#shared/kernel/repository/budgets.js';
import { writeCostSummary } from '#shared/kernel/repository/cost-summary.js';
import { createDynamoSimulationRepository } from '#shared/kernel/repository/simulations.js';
import type { Simulation } from '#schemas/generated/types.js';
import { createDynamoCostStore } from '#services/cost-tracker/src/adapters/dynamo-cost-store.js';
import { createFixturePriceBook, onDemandFromTable } from '#services/cost-tracker/src/adapters/price-book.js';
import type { AttemptLaunch, PriceBook, TrackerPorts } from '#services/cost-tracker/src/domain/ports.js';
import { costReport } from '#services/cost-tracker/src/domain/cost-report.js';
import { accrueRunning, recordCost } from '#services/cost-tracker/src/domain/record-cost.js';
import { aSimulation, storedDemoSpec } from '#test/helpers/simulations.js';
import { delivered } from '#test/helpers/events.js';
import { FakeBackend } from '#test/helpers/fake-backend.js';
import type { PollerPorts } from '#services/execution-poller/src/domain/ports.js';
import { POLLER_EVENTS, processEvent } from '#services/execution-poller/src/domain/process-event.js';
import { observeJob, pollSimulations } from '#services/execution-poller/src/domain/observe.js';
import { submitPending } from '#services/execution-poller/src/domain/submit-pending.js';
import { jobDescriptionFromBatchEvent } from '#shared/kernel/compute/batch-backend.js';
import { startCostDynamo } from '#scripts/bench/cost.js';

let dynamo: Awaited<ReturnType<typeof startCostDynamo>>;
let costsTable: string;

beforeAll(async () => {
  dynamo = await startCostDynamo();
  costsTable = dynamo.costsTable;
}, 60_000);

afterAll(async () => {
  await dynamo?.stop();
});

const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);
const iso = (ms: number): string => new Date(ms).toISOString();
const HOUR = 3_600_000;

let published: OutgoingEvent[];
let clock: number;
let priceBook: PriceBook;

beforeEach(() => {
  published = [];
  clock = T0;
  priceBook = createFixturePriceBook();
});

function ports(launch: Omit<AttemptLaunch, 'source'>): TrackerPorts {
  const repository = createDynamoSimulationRepository(dynamo.documentClient, {
    tableName: dynamo.tableName,
    statusIndexShards: 16,
  });
  const publisher = {
    publish: async (events: OutgoingEvent[]) => {
      published.push(...events);
    },
  };
  const now = (): Date => new Date(clock);
  return {
    repository,
    costs: createDynamoCostStore(dynamo.documentClient, { tableName: costsTable, shards: 4 }),
    budgets: createBudgetStore(dynamo.documentClient, dynamo.tableName),
    writeSummary: (simulationId, summary) =>
      writeCostSummary(dynamo.documentClient, dynamo.tableName, simulationId, summary),
    launches: { launchOf: async () => ({ ...launch, source: 'test' }) },
    // Read through, so a test can swap the book (a price table update)
    prices: {
      onDemand: (type) => priceBook.onDemand(type),
      spotHistory: (...args) => priceBook.spotHistory(...args),
    },
    publisher,
    now,
    policy: { rootVolumeGiB: 30 },
    cancel: { repository, publisher, now },
  };
}

async function store(simulation: Simulation): Promise<void> {
  await dynamo.documentClient.send(new PutCommand({ TableName: dynamo.tableName, Item: simulation }));
}

function awsSpec(compute: Record<string, unknown>, extra: Record<string, unknown> = {}): Simulation['spec'] {
  const spec = storedDemoSpec();
  return {
    ...spec,
    ...extra,
    compute: { ...spec.compute, backend: 'aws-batch', ...compute },
  } as Simulation['spec'];
}

function running(id: string, spec: Simulation['spec'], version: number, job: Simulation['job']): Simulation {
  return aSimulation({
    id,
    status: 'RUNNING',
    version,
    backend: 'aws-batch',
    spec,
    updatedAt: iso(T0),
    history: [
      { at: iso(T0 - HOUR), from: null, to: 'PENDING', reason: 'submitted' },
      { at: iso(T0), from: 'STARTING', to: 'RUNNING', reason: 'job running' },
    ],
    ...(job ? { job } : {}),
  });
}

/** Where the tests' on-demand runs are launched. */
const C5_ON_DEMAND = {
  instanceType: 'c5.4xlarge',
  availabilityZone: 'us-east-1a',
  purchase: 'on-demand',
  nodes: 1,
} as const;

/** A run filling a c5.4xlarge on demand (16 vCPUs, 16 GiB), RUNNING since T0: its spec, job and ports. */
function wholeOnDemandC5(id: string, jobId: string) {
  return {
    spec: awsSpec({ instanceType: 'c5.4xlarge', purchase: 'on-demand', vcpus: 16, memoryMiB: 16_384 }),
    job: { jobId, jobName: `gcr-${id}`, attempt: 1, state: 'RUNNING', startedAt: iso(T0) },
    t: ports(C5_ON_DEMAND),
  };
}

describe('cost tracker: recording a simulation cost', () => {
  it('a spot attempt reclaimed and retried shows both attempts in the cost', async () => {
    const id = 'sim_COSTSPOTRETRY0000000000001';
    const spec = awsSpec({ instanceType: 'c7g.4xlarge', purchase: 'spot', vcpus: 16, memoryMiB: 16_384 });
    const reclaimedAt = T0 + HOUR;
    const restartedAt = T0 + HOUR + 10 * 60_000;
    const stoppedAt = restartedAt + 2 * HOUR;
    await store({
      ...running(id, spec, 9, {
        jobId: 'job-1',
        jobName: `gcr-${id}`,
        attempt: 2,
        state: 'SUCCEEDED',
        startedAt: iso(restartedAt),
        stoppedAt: iso(stoppedAt),
        attempts: [
          {
            startedAt: iso(T0),
            stoppedAt: iso(reclaimedAt),
            statusReason: 'Host EC2 (instance i-0abc) terminated.',
          },
          { startedAt: iso(restartedAt), stoppedAt: iso(stoppedAt), exitCode: 0 },
        ],
      }),
      status: 'SUCCEEDED',
    });
    clock = stoppedAt + 60_000;
    const t = ports({
      instanceType: 'c7g.4xlarge',
      availabilityZone: 'us-east-1a',
      purchase: 'spot',
      nodes: 1,
    });

    const result = await recordCost(t, id);

    expect(result.outcome).toBe('written');
    const cost = result.cost!;
    expect(cost.kind).toBe('final');
    expect(cost.attempts.map((a) => [a.attempt, a.purchase, a.seconds, a.ended])).toEqual([
      [1, 'spot', 3600, true],
      [2, 'spot', 7200, true],
    ]);
    expect(cost.attempts[0]!.statusReason).toMatch(/^Host EC2/);
    // The fixture's spot price for c7g.4xlarge from 2026-11-15: 0.2321 USD/h; the whole instance
    expect(cost.attempts[0]!.computeUsd).toBeCloseTo(0.2321, 4);
    expect(cost.attempts[1]!.computeUsd).toBeCloseTo(0.4642, 4);
    const compute = cost.items.find((i) => i.item === 'compute')!;
    expect(compute.usd).toBeCloseTo(0.6963, 4);
    expect(cost.totalUsd).toBeGreaterThan(compute.usd); // the root volume for 3 h too
    expect(published.map((e) => (e.detail as { kind: string }).kind)).toEqual(['final']);
  });

  it('a price table update after the run leaves the run cost unchanged', async () => {
    const id = 'sim_COSTPRICEUPDATE000000000001';
    const spec = awsSpec({ instanceType: 'c5.4xlarge', purchase: 'on-demand', vcpus: 8, memoryMiB: 8192 });
    const job = { jobId: 'job-2', jobName: `gcr-${id}`, attempt: 1, state: 'RUNNING', startedAt: iso(T0) };
    await store(running(id, spec, 5, job));
    const t = ports(C5_ON_DEMAND);

    clock = T0 + HOUR;
    const accrued = (await recordCost(t, id)).cost!;
    expect(accrued.kind).toBe('accrued');
    // c5.4xlarge on-demand 0.68 USD/h, half of it (8 of 16 vCPUs, 8 of 32 GiB): 0.34 for the hour
    expect(accrued.attempts[0]!.share).toEqual({ vcpu: 0.5, memory: 0.25, applied: 0.5 });
    expect(accrued.attempts[0]!.computeUsd).toBeCloseTo(0.34, 4);

    // The price table changes while it runs: the attempt keeps the price of its launch
    priceBook = {
      ...createFixturePriceBook(),
      onDemand: (type) => {
        const price = onDemandFromTable(type)!;
        return { ...price, usdPerHour: price.usdPerHour * 3, asOf: '2027-01-01T00:00:00Z' };
      },
    };
    await store({
      ...running(id, spec, 6, { ...job, state: 'SUCCEEDED', stoppedAt: iso(T0 + 2 * HOUR) }),
      status: 'SUCCEEDED',
    });
    clock = T0 + 2 * HOUR + 30_000;
    const final = (await recordCost(t, id)).cost!;
    expect(final.kind).toBe('final');
    expect(final.attempts[0]!.computeUsd).toBeCloseTo(0.68, 4);
    expect(final.attempts[0]!.price.asOf).toBe(accrued.attempts[0]!.price.asOf);
    // The simulation's document carries it in one line
    expect((await t.repository.get(id))!.cost).toEqual({
      kind: 'final',
      totalUsd: final.totalUsd,
      simulationVersion: 6,
      updatedAt: final.updatedAt,
    });

    // and after the run: a later trigger (duplicate, hourly) rewrites nothing
    clock = T0 + 30 * 24 * HOUR;
    const again = await recordCost(t, id);
    expect(again.outcome).toBe('final-already');
    expect(again.cost!.totalUsd).toBe(final.totalUsd);
    expect(published).toHaveLength(2);
  });

  it('headline figures: cost per simulated day and the estimate beside the final cost (final / expected), neither ratio while it accrues', async () => {
    const id = 'sim_COSTHEADLINE00000000000001';
    const { spec, job, t } = wholeOnDemandC5(id, 'job-6');
    await store(running(id, spec, 3, job));
    clock = T0 + HOUR;
    const accrued = (await recordCost(t, id)).cost!;
    // The demo spec simulates one day; the estimate is of the instance the run is on
    expect(accrued.headline).toMatchObject({ simulatedDays: 1, estimate: { instanceType: 'c5.4xlarge' } });
    expect(accrued.headline!.costPerSimulatedDayUsd).toBeUndefined();
    expect(accrued.headline!.finalOverExpected).toBeUndefined();

    await store({
      ...running(id, spec, 4, { ...job, state: 'SUCCEEDED', stoppedAt: iso(T0 + 2 * HOUR) }),
      status: 'SUCCEEDED',
    });
    clock = T0 + 2 * HOUR + 1000;
    const final = (await recordCost(t, id)).cost!;
    const { headline } = final;
    expect(headline!.costPerSimulatedDayUsd).toBe(final.totalUsd);
    expect(headline!.estimate!.lowUsd).toBeLessThanOrEqual(headline!.estimate!.expectedUsd);
    expect(headline!.finalOverExpected).toBeCloseTo(final.totalUsd / headline!.estimate!.expectedUsd, 3);
  });

  it("adds the outputs' S3 storage per month to a final cost once the results are listed, and nothing else", async () => {
    const id = 'sim_COSTSTORAGE0000000000000001';
    const spec = awsSpec({ instanceType: 'c5.4xlarge', purchase: 'on-demand', vcpus: 16, memoryMiB: 16_384 });
    const job = {
      jobId: 'job-5',
      jobName: `gcr-${id}`,
      attempt: 1,
      state: 'SUCCEEDED',
      startedAt: iso(T0),
      stoppedAt: iso(T0 + HOUR),
    };
    const t = ports(C5_ON_DEMAND);
    await store({ ...running(id, spec, 5, job), status: 'SUCCEEDED' });
    clock = T0 + HOUR + 1000;
    const final = (await recordCost(t, id)).cost!;
    expect(final.items.find((i) => i.item === 's3-storage')).toMatchObject({ known: false, usd: 0 });

    await store({
      ...running(id, spec, 5, job),
      status: 'SUCCEEDED',
      results: { status: 'READY', updatedAt: iso(T0 + 2 * HOUR), totalBytes: 10 * 2 ** 30, fileCount: 3 },
    });
    clock = T0 + 2 * HOUR;
    const amended = await recordCost(t, id);
    expect(amended.outcome).toBe('written');
    expect(amended.cost!.items.find((i) => i.item === 's3-storage')).toMatchObject({
      known: true,
      usd: 0.23,
      perMonth: true,
    });
    expect(amended.cost!.totalUsd).toBe(final.totalUsd);
    expect(amended.cost!.attempts).toEqual(final.attempts);
    expect((await recordCost(t, id)).outcome).toBe('final-already');
  });

  it('duplicated and out-of-order triggers never move a cost back to an older simulation version', async () => {
    const id = 'sim_COSTOUTOFORDER0000000000001';
    const { spec, job, t } = wholeOnDemandC5(id, 'job-3');
    await store(running(id, spec, 7, job));
    clock = T0 + HOUR;
    expect((await recordCost(t, id)).outcome).toBe('written');
    // The same trigger again: nothing changed, nothing written or published
    expect((await recordCost(t, id)).outcome).toBe('unchanged');
    // A stale read of the simulation (an older version) loses against the stored cost
    await store(running(id, spec, 6, job));
    expect((await recordCost(t, id)).outcome).toBe('stale');
    expect(published).toHaveLength(1);
  });

  it('a running simulation whose accrued cost reaches its maxCostUsd is cancelled with reason "cost limit reached"', async () => {
    const id = 'sim_COSTLIMIT00000000000000001';
    const spec = awsSpec(
      { instanceType: 'c5.4xlarge', purchase: 'on-demand', vcpus: 16, memoryMiB: 16_384 },
      { maxCostUsd: 1 },
    );
    const job = { jobId: 'job-4', jobName: `gcr-${id}`, attempt: 1, state: 'RUNNING', startedAt: iso(T0) };
    const t = ports(C5_ON_DEMAND);
    await store(running(id, spec, 4, job));

    clock = T0 + HOUR; // 0.68 + EBS: under the limit
    expect((await recordCost(t, id)).cancelled).toBeUndefined();
    clock = T0 + 2 * HOUR; // 1.36: over it
    const report = await accrueRunning(t);
    expect(report).toMatchObject({ written: 1, cancelled: 1, failed: 0 });

    const simulation = await t.repository.get(id);
    expect(simulation!.status).toBe('CANCELLING');
    expect(simulation!.history.at(-1)!.reason).toMatch(
      /^cost limit reached: accrued \$1\.3\d of the \$1 maxCostUsd$/,
    );
    const cancel = published.find((e) => e.detailType === 'Simulation Status Changed')!;
    expect(cancel.source).toBe('gcr.cost-tracker');
    expect(cancel.detail).toMatchObject({ to: 'CANCELLING', simulationId: id });
    const costEvent = published.filter((e) => e.detailType === 'Simulation Cost Updated').at(-1)!;
    expect(costEvent.detail).toMatchObject({ costLimitReached: true, maxCostUsd: 1 });
  });

  it('a run reaching its maxCostUsd ends CANCELLED with the reason "cost limit reached", through the poller as a user cancel does', async () => {
    const t = ports(C5_ON_DEMAND);
    // The execution poller over the same table, its jobs on an in-memory backend
    const backend = new FakeBackend();
    const poller: PollerPorts = {
      repository: t.cancel.repository as PollerPorts['repository'],
      publisher: t.publisher,
      backendFor: () => backend,
      rateLimiter: { acquire: async () => undefined },
      jobEnvironment: (s) => ({ GCR_SIMULATION_ID: s.id }),
      isRetryable: () => false,
      ownsJobQueue: () => true,
      now: () => clock,
      sleep: async () => undefined,
    };
    const simulation = aSimulation({
      id: 'sim_COSTLIMITTOCANCELLED0000001',
      backend: 'aws-batch',
      spec: awsSpec(
        { instanceType: 'c5.4xlarge', purchase: 'on-demand', vcpus: 16, memoryMiB: 16_384 },
        { maxCostUsd: 1 },
      ),
    });
    await poller.repository.create(simulation);
    await submitPending(poller, simulation.id);
    const { jobId } = backend.only();
    await observeJob(poller, simulation.id, backend.move(jobId, 'RUNNING', { startedAt: T0 }));
    expect((await t.repository.get(simulation.id))!.status).toBe('RUNNING');
    // Its Simulation Status Changed to RUNNING reaches the tracker: a cost, accruing
    clock = T0 + 60_000;
    expect((await recordCost(t, simulation.id)).cost).toMatchObject({ kind: 'accrued' });

    clock = T0 + 2 * HOUR; // 1.36 accrued: over the $1 limit
    expect((await accrueRunning(t)).cancelled).toBe(1);
    // The cancel request reaches the poller as a user's does: its Simulation Status Changed to CANCELLING
    const cancelRequest = published.find(
      (e) => e.detailType === 'Simulation Status Changed' && (e.detail as { to: string }).to === 'CANCELLING',
    )!;
    await processEvent(poller, delivered(cancelRequest, POLLER_EVENTS), jobDescriptionFromBatchEvent);
    expect(backend.calls.terminate).toBe(1);
    // Batch lists the terminated attempt with its start and stop
    Object.assign(backend.only().attempts[0]!, { startedAt: T0, stoppedAt: clock });
    await pollSimulations(poller, 'aws-batch', [simulation.id]);

    const ended = (await t.repository.get(simulation.id))!;
    expect(ended.status).toBe('CANCELLED');
    expect(ended.history.map((h) => h.to).slice(-2)).toEqual(['CANCELLING', 'CANCELLED']);
    expect(ended.history.at(-2)!.reason).toMatch(
      /^cost limit reached: accrued \$1\.3\d of the \$1 maxCostUsd$/,
    );
    expect(ended.history.at(-1)!.reason).toMatch(/cost-tracker/);
    expect(ended.cancelRequestedBy).toBe('cost-tracker');
    // and its cost is final at the cancel
    clock += 60_000;
    const final = await recordCost(t, simulation.id);
    expect(final.cost).toMatchObject({ kind: 'final', status: 'CANCELLED' });
    expect(final.cost!.totalUsd).toBeGreaterThanOrEqual(1);
  });

  it('GET /costs groups the month costs by owner, tag, simulation type or instance type, and names a bad query field', async () => {
    const t = ports(C5_ON_DEMAND);
    const report = (
      query: Record<string, string>,
      caller = { userId: 'alice', groups: [], isAdmin: false },
    ) => costReport({ costs: t.costs, now: () => new Date(T0) }, caller, query);
    // The simulations above were submitted in January 2026 (the helper's createdAt), by alice
    const byInstance = await report({ month: '2026-01', groupBy: 'instanceType' });
    expect(byInstance.simulations).toBeGreaterThanOrEqual(4);
    expect(byInstance.groups.map((g) => g.key).sort()).toEqual(['c5.4xlarge', 'c7g.4xlarge']);
    const spot = byInstance.groups.find((g) => g.key === 'c7g.4xlarge')!;
    expect(spot).toMatchObject({ simulations: 1, accruedUsd: 0 });
    const byOwner = await report({ month: '2026-01' });
    expect(byOwner.groups.map((g) => [g.key, g.totalUsd])).toEqual([['alice', byOwner.totalUsd]]);
    expect(
      (await report({ month: '2026-01' }, { userId: 'bob', groups: [], isAdmin: false })).simulations,
    ).toBe(0);
    expect((await report({ month: '2026-02' })).groups).toEqual([]);

    const fieldOf = async (query: Record<string, string>) =>
      ((await report(query).catch((e: unknown) => e)) as { issues: { field: string }[] }).issues.map(
        (i) => i.field,
      );
    expect(await fieldOf({ month: '2026-00' })).toEqual(['query.month']);
    expect(await fieldOf({ groupBy: 'colour' })).toEqual(['query.groupBy']);
    expect(await fieldOf({ by: 'tag' })).toEqual(['query']);
  });
});
