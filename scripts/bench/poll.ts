/**
 * npm run bench:poll — finder + poller cycles over N active simulations
 * (N = 100, 1,000, 10,000; BENCH_SIZES overrides), against dynalite and an
 * in-process Batch (scripts/bench/simulated-batch.ts). Per cycle: wall time,
 * DescribeJobs calls (must be ceil(due/100)), table writes, events published.
 * The simulations have been RUNNING for 3 h, at steady state on their poll
 * schedule (shared/kernel/repository/poll-schedule.ts: a tick every 15 min):
 * cycle 1 is at a tick with 10% of the jobs finished since the last poll,
 * cycle 2 at the next tick with nothing changed (0 writes), cycle 3 a minute
 * later, between ticks (nothing due).
 */
import '#shared/kernel/quiet-sdk-warning.js';
import { findDueSimulations } from '#services/execution-finder/src/domain/find-due.js';
import type { PollerPorts } from '#services/execution-poller/src/domain/ports.js';
import { POLLER_EVENTS, processEvent } from '#services/execution-poller/src/domain/process-event.js';
import { jobDescriptionFromBatchEvent } from '#shared/kernel/compute/batch-backend.js';
import { parseDeliveredEvent } from '#shared/kernel/events/delivered-event.js';
import { jobNameFor } from '#shared/kernel/compute/backend.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { createTokenBucket } from '#shared/kernel/rate-limit/token-bucket.js';
import {
  createDynamoSimulationRepository,
  type SimulationRepository,
} from '#shared/kernel/repository/simulations.js';
import { createdKey, shardOf, statusShardKey } from '#shared/kernel/repository/keys.js';
import { scheduleAt } from '#shared/kernel/repository/poll-schedule.js';
import { startLocalDynamo } from '#local/aws/standalone-dynamo.js';
import { putItems } from './put-items.js';
import { SimulatedBatch } from './simulated-batch.js';
import { faultSuiteSpec } from '../fault/harness.js';

const SHARDS = 16;
const POLLER_CONCURRENCY = Number(process.env['BENCH_POLLER_CONCURRENCY'] ?? 4);
const sizes = (process.env['BENCH_SIZES'] ?? '100,1000,10000').split(',').map(Number);

const spec = faultSuiteSpec('local');

interface Row {
  n: number;
  cycle: string;
  seconds: number;
  /** Simulations the finder handed to the poller. */
  due: number;
  describeCalls: number;
  expectedDescribe: number;
  writes: number;
  events: number;
}

/** Running for 3 h and 10 s at `now`: a tick of the 15-min band fell 10 s ago. */
const RUNNING_FOR_MS = 3 * 3_600_000 + 10_000;

async function seed(
  dynamo: Awaited<ReturnType<typeof startLocalDynamo>>,
  batch: SimulatedBatch,
  n: number,
  tag: string,
  now: number,
) {
  const jobIds: string[] = [];
  const startedAt = now - RUNNING_FOR_MS;
  // Where the poller left each schedule at its last poll (steady state).
  const schedule = scheduleAt(startedAt, now, 'RUNNING');
  const items = Array.from({ length: n }, (_, i) => {
    const id = `sim_${tag}${String(i).padStart(26 - tag.length, '0')}`;
    const jobId = batch.seed(jobNameFor(id), 'RUNNING', startedAt);
    jobIds.push(jobId);
    const createdAt = new Date(startedAt - 120_000).toISOString();
    const running = new Date(startedAt).toISOString();
    const shard = shardOf(id, SHARDS);
    return {
      id,
      owner: `owner-${i % 50}`,
      name: 'bench',
      status: 'RUNNING',
      version: 4,
      createdAt,
      updatedAt: running,
      backend: 'local',
      spec,
      history: [
        { at: createdAt, from: null, to: 'PENDING', reason: 'submitted' },
        { at: running, from: 'PENDING', to: 'RUNNING', reason: 'the model is running' },
      ],
      job: {
        jobId,
        jobName: jobNameFor(id),
        attempt: 1,
        state: 'RUNNING',
        startedAt: new Date(startedAt).toISOString(),
        logStreamName: `bench/${jobId}`,
        attempts: [],
      },
      createdKey: createdKey(createdAt, id),
      shard,
      statusShard: statusShardKey('RUNNING', shard),
      ...schedule,
      activeOwner: `owner-${i % 50}`,
    };
  });
  await putItems(dynamo.documentClient, dynamo.tableName, items);

  return jobIds;
}

function counting(repository: SimulationRepository, counter: { writes: number }): SimulationRepository {
  return {
    ...repository,
    transition: async (r) => {
      counter.writes += 1;
      return repository.transition(r);
    },
    update: async (r) => {
      counter.writes += 1;
      return repository.update(r);
    },
    reschedulePoll: async (r) => {
      counter.writes += 1;
      return repository.reschedulePoll(r);
    },
    create: async (s, o) => {
      counter.writes += 1;
      return repository.create(s, o);
    },
  };
}

async function cycle(
  ports: PollerPorts,
  finderRepository: SimulationRepository,
  published: OutgoingEvent[],
  now: () => number,
): Promise<number> {
  const pollEvents: OutgoingEvent[] = [];
  const report = await findDueSimulations(
    {
      repository: finderRepository,
      publisher: { publish: async (e) => void pollEvents.push(...e) },
      now,
    },
    { shards: SHARDS, maxSimulationsPerRun: 100_000, concurrency: 16 },
  );
  published.push(...pollEvents);
  // The poller's queue, consumed with Lambda-like concurrency.
  let next = 0;
  await Promise.all(
    Array.from({ length: POLLER_CONCURRENCY }, async () => {
      while (next < pollEvents.length) {
        const e = pollEvents[next++]!;
        // As the poller's handler receives it: a message body, parsed and checked.
        const body = JSON.stringify({ source: e.source, 'detail-type': e.detailType, detail: e.detail });
        await processEvent(ports, parseDeliveredEvent(body, POLLER_EVENTS), jobDescriptionFromBatchEvent);
      }
    }),
  );
  return report.due;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const n of sizes) {
    const dynamo = await startLocalDynamo();
    try {
      const batch = new SimulatedBatch({ throttleShare: 0.02 });
      process.stderr.write(`seeding ${n} running simulations...\n`);
      // The finder's and poller's clock: cycles happen at chosen points of the schedule.
      const clock = { now: Date.now() };
      const jobIds = await seed(dynamo, batch, n, `b${n}`, clock.now);
      const repository = createDynamoSimulationRepository(dynamo.documentClient, {
        tableName: dynamo.tableName,
        statusIndexShards: SHARDS,
      });
      const counter = { writes: 0 };
      const published: OutgoingEvent[] = [];
      const ports: PollerPorts = {
        repository: counting(repository, counter),
        publisher: { publish: async (e) => void published.push(...e) },
        backendFor: () => batch,
        rateLimiter: createTokenBucket({
          client: dynamo.documentClient,
          tableName: dynamo.tableName,
          name: 'batch-api',
          ratePerSecond: 50,
          capacity: 50,
        }),
        jobEnvironment: () => ({}),
        isRetryable: (err) => (err as Error).name === 'TooManyRequestsException',
        ownsJobQueue: () => true,
        now: () => clock.now,
      };

      // Cycle 1: 10% of the jobs finished since the last poll.
      for (const jobId of jobIds.slice(0, Math.ceil(n / 10))) batch.advance(jobId, 'SUCCEEDED');
      for (const [name, advanceMs] of [
        ['10% finished', 0],
        ['nothing changed', 15 * 60_000],
        ['between ticks', 60_000],
      ] as const) {
        clock.now += advanceMs;
        const before = {
          describe: batch.calls.describeAnswered,
          writes: counter.writes,
          events: published.length,
        };
        const t0 = performance.now();
        const due = await cycle(ports, repository, published, () => clock.now);
        const seconds = (performance.now() - t0) / 1000;
        rows.push({
          n,
          cycle: name,
          seconds,
          due,
          describeCalls: batch.calls.describeAnswered - before.describe,
          expectedDescribe: Math.ceil(due / 100),
          writes: counter.writes - before.writes,
          events: published.length - before.events,
        });
      }
    } finally {
      await dynamo.stop();
    }
  }
  console.log(
    '\nfinder + poller cycles (dynalite + in-process Batch; 2% of Batch calls throttled and retried)',
  );
  console.log(
    `${'N'.padStart(6)}  ${'cycle'.padEnd(16)} ${'wall s'.padStart(7)} ${'due'.padStart(6)} ${'DescribeJobs'.padStart(12)} ${'ceil(due/100)'.padStart(13)} ${'writes'.padStart(7)} ${'events'.padStart(7)}`,
  );
  for (const r of rows) {
    console.log(
      `${String(r.n).padStart(6)}  ${r.cycle.padEnd(16)} ${r.seconds.toFixed(2).padStart(7)} ${String(r.due).padStart(6)} ${String(r.describeCalls).padStart(12)} ${String(r.expectedDescribe).padStart(13)} ${String(r.writes).padStart(7)} ${String(r.events).padStart(7)}`,
    );
  }
  console.log('events = poll requests published by the finder + status changes published by the poller');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
