/**
 * npm run bench:cost — the cost tracker at scale, against dynalite:
 *
 * 1. Hourly accrual over N running simulations (N = 10,000; BENCH_COST_SIMULATIONS
 *    overrides): the first run prices every one (first sight), the second, an
 *    hour later, is the steady state. Per run: wall time, DynamoDB writes per
 *    simulation, events.
 * 2. Budget storm: M cost updates for one owner (M = 1,000; BENCH_COST_STORM),
 *    every one twice, shuffled, 8 at a time, against a budget they cross:
 *    exactly one Budget Threshold Crossed per threshold.
 *
 * The test suite runs it reduced (test/integration/scripts/bench/cost.test.ts).
 */
import '#shared/kernel/quiet-sdk-warning.js';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { provisionServiceTables, standaloneIntrinsics } from '#local/aws/local-resources.js';
import { repoRoot, startLocalDynamo } from '#local/aws/standalone-dynamo.js';
import { loadService } from '#local/wiring/functions.js';
import { isEntryPoint } from '#shared/kernel/entry-point.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { createBudgetStore } from '#shared/kernel/repository/budgets.js';
import { writeCostSummary } from '#shared/kernel/repository/cost-summary.js';
import { createDynamoSimulationRepository } from '#shared/kernel/repository/simulations.js';
import { seededRandom } from '#shared/kernel/seeded-random.js';
import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';
import type { Simulation, SimulationCost } from '#schemas/generated/types.js';
import { createDynamoCostStore } from '#services/cost-tracker/src/adapters/dynamo-cost-store.js';
import { createFixturePriceBook } from '#services/cost-tracker/src/adapters/price-book.js';
import { countInBudgets } from '#services/cost-tracker/src/domain/count-in-budgets.js';
import type { TrackerPorts } from '#services/cost-tracker/src/domain/ports.js';
import { putBudget } from '#services/cost-tracker/src/domain/budgets-api.js';
import { accrueRunning } from '#services/cost-tracker/src/domain/record-cost.js';

const HOUR = 3_600_000;

/** dynalite with the simulations table and the cost tracker's own (from its serverless.yml). */
export async function startCostDynamo(): Promise<
  Awaited<ReturnType<typeof startLocalDynamo>> & { costsTable: string }
> {
  const dynamo = await startLocalDynamo();
  const service = loadService(path.join(repoRoot, 'services/cost-tracker/serverless.yml'), {
    stage: 'test',
    region: 'us-east-1',
  });
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const tables = await provisionServiceTables(
    service.resources,
    standaloneIntrinsics('us-east-1'),
    client,
    'us-east-1',
  );
  client.destroy();
  return { ...dynamo, costsTable: tables.get('CostsTable')!.name };
}

/** Counts the write requests (items) a document client sends. */
function countingWrites(client: DynamoDBDocumentClient): {
  client: DynamoDBDocumentClient;
  writes: () => number;
} {
  let writes = 0;
  const counted = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return (command: {
        constructor: { name: string };
        input?: { RequestItems?: Record<string, unknown[]> };
      }) => {
        const name = command.constructor.name;
        if (/^(Put|Update|Delete)(Item)?Command$/.test(name)) writes++;
        if (name === 'BatchWriteCommand') {
          for (const items of Object.values(command.input?.RequestItems ?? {})) writes += items.length;
        }
        return (target.send as (c: unknown) => Promise<unknown>)(command);
      };
    },
  });
  return { client: counted, writes: () => writes };
}

export interface CostBenchReport {
  simulations: number;
  accrual: { run: string; seconds: number; writesPerSimulation: number; written: number; events: number }[];
  storm: {
    updates: number;
    deliveries: number;
    seconds: number;
    thresholdEvents: number[];
    spentUsd: number;
    expectedUsd: number;
  };
}

function runningSimulation(index: number, spec: Simulation['spec'], startedAt: number): Simulation {
  const id = `sim_BENCH${String(index).padStart(22, '0')}`;
  const at = new Date(startedAt).toISOString();
  return {
    id,
    owner: `owner-${index % 50}`,
    name: `bench ${index}`,
    status: 'RUNNING',
    version: 4,
    createdAt: at,
    updatedAt: at,
    backend: 'aws-batch',
    spec,
    history: [{ at, from: null, to: 'RUNNING', reason: 'bench' }],
    job: { jobId: `job-${index}`, jobName: `gcr-${id}`, attempt: 1, state: 'RUNNING', startedAt: at },
  };
}

export async function runCostBench(options: {
  simulations: number;
  stormUpdates: number;
}): Promise<CostBenchReport> {
  const dynamo = await startCostDynamo();
  try {
    const raw = validateSimulationSpec({
      name: 'bench',
      simulation: { type: 'TransportTracers' },
      meteorology: { field: 'merra2' },
      grid: { resolution: '4x5' },
      period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' },
      compute: {
        backend: 'aws-batch',
        architecture: 'arm64',
        instanceType: 'c7g.4xlarge',
        purchase: 'spot',
        vcpus: 16,
        memoryMiB: 16_384,
      },
      tags: { project: 'bench' },
    });
    if (!raw.ok) throw new Error(`bench spec invalid: ${JSON.stringify(raw.issues)}`);
    const t0 = Date.UTC(2026, 11, 1, 0, 0, 0);
    const simulations = Array.from({ length: options.simulations }, (_, i) =>
      runningSimulation(i, raw.spec, t0),
    );
    for (let i = 0; i < simulations.length; i += 25) {
      await dynamo.documentClient.send(
        new BatchWriteCommand({
          RequestItems: {
            [dynamo.tableName]: simulations.slice(i, i + 25).map((item) => ({ PutRequest: { Item: item } })),
          },
        }),
      );
    }

    const counting = countingWrites(dynamo.documentClient);
    let clock = t0 + HOUR;
    const events: OutgoingEvent[] = [];
    const repository = createDynamoSimulationRepository(counting.client, {
      tableName: dynamo.tableName,
      statusIndexShards: 16,
    });
    const publisher = { publish: async (batch: OutgoingEvent[]) => void events.push(...batch) };
    const now = (): Date => new Date(clock);
    const ports: TrackerPorts = {
      repository,
      costs: createDynamoCostStore(counting.client, { tableName: dynamo.costsTable, shards: 16 }),
      budgets: createBudgetStore(counting.client, dynamo.tableName),
      launches: {
        launchOf: async () => ({
          instanceType: 'c7g.4xlarge',
          availabilityZone: 'us-east-1a',
          purchase: 'spot',
          nodes: 1,
          source: 'bench',
        }),
      },
      prices: createFixturePriceBook(),
      publisher,
      now,
      policy: { rootVolumeGiB: 30 },
      writeSummary: (id, summary) => writeCostSummary(counting.client, dynamo.tableName, id, summary),
      cancel: { repository, publisher, now },
    };

    // The first run finds no cost (the status changes' triggers priced none here): every one is new
    const accrual: CostBenchReport['accrual'] = [];
    for (const run of ['first sight (no cost stored)', 'an hour later (steady state)']) {
      const writesBefore = counting.writes();
      const eventsBefore = events.length;
      const started = performance.now();
      const report = await accrueRunningOrSeed(ports, simulations, run.startsWith('first'));
      accrual.push({
        run,
        seconds: (performance.now() - started) / 1000,
        writesPerSimulation: (counting.writes() - writesBefore) / simulations.length,
        written: report,
        events: events.length - eventsBefore,
      });
      clock += HOUR;
    }

    // Budget storm: one owner, a budget the updates cross, every update twice, shuffled
    const owner = 'storm-owner';
    await putBudget(
      { budgets: ports.budgets, now },
      { userId: owner, groups: [], isAdmin: false },
      { limitUsd: 100 },
    );
    const stormSimulations = Array.from({ length: Math.ceil(options.stormUpdates / 4) }, (_, i) => ({
      ...runningSimulation(1_000_000 + i, raw.spec, t0),
      owner,
    }));
    const finalUsd = (200 / stormSimulations.length) * 1.0; // their final costs sum to $200, twice the limit
    const updates = stormSimulations
      .flatMap((simulation) =>
        [0.25, 0.5, 0.75, 1].flatMap((f) => {
          const cost = {
            simulationId: simulation.id,
            totalUsd: Number((finalUsd * f).toFixed(6)),
          } as SimulationCost;
          return [
            { simulation, cost },
            { simulation, cost },
          ];
        }),
      )
      .slice(0, options.stormUpdates * 2);
    const random = seededRandom(1_000);
    for (let i = updates.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [updates[i], updates[j]] = [updates[j]!, updates[i]!];
    }
    const stormEvents: OutgoingEvent[] = [];
    const stormPorts = {
      ...ports,
      publisher: { publish: async (batch: OutgoingEvent[]) => void stormEvents.push(...batch) },
    };
    const started = performance.now();
    const queue = [...updates];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let u = queue.shift(); u; u = queue.shift())
          await countInBudgets(stormPorts, u.simulation, u.cost);
      }),
    );
    const spend = await ports.budgets.spend([`owner:${owner}`], '2026-12');
    return {
      simulations: options.simulations,
      accrual,
      storm: {
        updates: updates.length / 2,
        deliveries: updates.length,
        seconds: (performance.now() - started) / 1000,
        thresholdEvents: stormEvents
          .map((e) => (e.detail as { thresholdPercent: number }).thresholdPercent)
          .sort((a, b) => a - b),
        spentUsd: Math.round(spend.get(`owner:${owner}`)!.spentUsd * 100) / 100,
        expectedUsd: Math.round(finalUsd * stormSimulations.length * 100) / 100,
      },
    };
  } finally {
    await dynamo.stop();
  }
}

/**
 * The first run stands for the status changes that priced each simulation as
 * it started (the AccruingIndex lists only costs that exist): each is
 * recorded once; the second run is the hourly accrual itself.
 */
async function accrueRunningOrSeed(
  ports: TrackerPorts,
  simulations: Simulation[],
  seed: boolean,
): Promise<number> {
  if (!seed) return (await accrueRunning(ports)).written;
  const { recordCost } = await import('#services/cost-tracker/src/domain/record-cost.js');
  const queue = simulations.map((s) => s.id);
  let written = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        if ((await recordCost(ports, id)).outcome === 'written') written++;
      }
    }),
  );
  return written;
}

async function main(): Promise<void> {
  const simulations = Number(process.env['BENCH_COST_SIMULATIONS'] ?? 10_000);
  const stormUpdates = Number(process.env['BENCH_COST_STORM'] ?? 1_000);
  const report = await runCostBench({ simulations, stormUpdates });
  console.log(`cost tracker, ${simulations.toLocaleString('en-US')} running simulations`);
  for (const row of report.accrual) {
    console.log(
      `  ${row.run}: ${row.seconds.toFixed(1)} s, ${row.writesPerSimulation.toFixed(2)} DynamoDB writes per simulation, ${row.written} costs written, ${row.events} events`,
    );
  }
  const s = report.storm;
  console.log(
    `budget storm: ${s.updates} updates delivered ${s.deliveries} times, shuffled, 8 at a time: ${s.seconds.toFixed(1)} s; ` +
      `Budget Threshold Crossed for [${s.thresholdEvents.join(', ')}]; spend $${s.spentUsd} (expected $${s.expectedUsd})`,
  );
}

if (isEntryPoint(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
