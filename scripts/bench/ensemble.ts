/**
 * npm run bench:ensemble — an ensemble of N members (N = 1,000; BENCH_SIZES
 * overrides) through the execution poller against dynalite and the in-process
 * Batch of bench:poll (scripts/bench/simulated-batch.ts), twice: as one array
 * job (the poller's array path) and as one job per member (the path before
 * arrays, and a retried member's). Each member's Simulation Submitted event is
 * delivered as the poller's queue delivers them; then every child runs and
 * ends as Batch would move it, each step followed by a finder + poller cycle
 * (the polls a lost event leaves to). Counts: SubmitJob calls, DescribeJobs
 * calls (one per 100 members a poll, at most 50 a second: the shared token
 * bucket), the peak DescribeJobs rate, table writes, events, and the time
 * until every member is terminal.
 *
 * `-- --create N` measures the creation of an N-member ensemble in batches
 * (scripts/bench/ensemble-create.ts); `-- --platform local --members N` runs
 * N members through the local platform end to end (scripts/bench/ensemble-local.ts).
 */
import '#shared/kernel/quiet-sdk-warning.js';
import { findDueSimulations } from '#services/execution-finder/src/domain/find-due.js';
import type { PollerPorts } from '#services/execution-poller/src/domain/ports.js';
import { POLLER_EVENTS, processEvent } from '#services/execution-poller/src/domain/process-event.js';
import { arrayIndexKey, arrayPrefix, parseArrayIndex } from '#shared/kernel/compute/array-members.js';
import { jobDescriptionFromBatchEvent } from '#shared/kernel/compute/batch-backend.js';
import { simulationSubmitted } from '#shared/kernel/events/catalog.js';
import { parseDeliveredEvent } from '#shared/kernel/events/delivered-event.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { createTokenBucket } from '#shared/kernel/rate-limit/token-bucket.js';
import {
  createDynamoEnsembleArrayStore,
  type EnsembleArrayStore,
} from '#shared/kernel/repository/ensemble-arrays.js';
import { createDynamoEnsembleStore, memberSimulationId } from '#shared/kernel/repository/ensembles.js';
import { createdKey, shardOf, statusShardKey } from '#shared/kernel/repository/keys.js';
import {
  createDynamoSimulationRepository,
  type SimulationRepository,
} from '#shared/kernel/repository/simulations.js';
import { isTerminal } from '#shared/kernel/status.js';
import { isEntryPoint } from '#shared/kernel/entry-point.js';
import { startLocalDynamo } from '#local/aws/standalone-dynamo.js';
import { faultSuiteSpec } from '../fault/harness.js';
import { printCreationRow, runCreationBench } from './ensemble-create.js';
import { printLocalRow, runLocalPlatformBench } from './ensemble-local.js';
import { putItems } from './put-items.js';
import { SimulatedBatch } from './simulated-batch.js';

const SHARDS = 16;
const POLLER_CONCURRENCY = Number(process.env['BENCH_POLLER_CONCURRENCY'] ?? 4);
/** AWS Batch's DescribeJobs budget shared by the pollers (BATCH_REQUESTS_PER_SECOND). */
const BATCH_RATE = 50;

export interface EnsembleBenchRow {
  members: number;
  mode: 'array job' | 'one job each';
  submitJobCalls: number;
  describeJobsCalls: number;
  /** ceil(members polled / 100), summed over the cycles. */
  describeBudget: number;
  /** Most DescribeJobs answered within any one second. */
  peakDescribePerSecond: number;
  writes: number;
  events: number;
  submitSeconds: number;
  secondsToAllTerminal: number;
}

function counting(
  repository: SimulationRepository,
  arrays: EnsembleArrayStore,
  counter: { writes: number },
): { repository: SimulationRepository; arrays: EnsembleArrayStore } {
  const count =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    async (...a: A) => {
      counter.writes += 1;
      return f(...a);
    };
  return {
    repository: {
      ...repository,
      transition: count(repository.transition),
      update: count(repository.update),
      reschedulePoll: count(repository.reschedulePoll),
      clearPendingEvent: count(repository.clearPendingEvent),
    },
    arrays: { ...arrays, claim: count(arrays.claim), finish: count(arrays.finish) },
  };
}

/** The ensemble item and its members, PENDING, as the submission service writes them. */
async function seed(dynamo: Awaited<ReturnType<typeof startLocalDynamo>>, ensembleId: string, n: number) {
  const spec = faultSuiteSpec('local');
  const createdAt = new Date().toISOString();
  await createDynamoEnsembleStore(dynamo.documentClient, dynamo.tableName).create({
    id: ensembleId,
    owner: 'bench',
    name: 'bench',
    description: '',
    createdAt,
    sweepKind: 'list',
    memberCount: n,
    hasBaseMember: false,
    attempts: {},
    labels: {},
  });
  const ids = Array.from({ length: n }, (_, i) => memberSimulationId(ensembleId, i));
  const items = ids.map((id, i) => {
    const shard = shardOf(id, SHARDS);
    return {
      id,
      owner: 'bench',
      name: `member ${i}`,
      status: 'PENDING',
      version: 1,
      createdAt,
      updatedAt: createdAt,
      backend: 'local',
      spec,
      history: [{ at: createdAt, from: null, to: 'PENDING', reason: 'submitted' }],
      ensembleId,
      memberIndex: i,
      createdKey: createdKey(createdAt, id),
      shard,
      statusShard: statusShardKey('PENDING', shard),
      nextPollAt: Date.now() + 60_000,
    };
  });
  await putItems(dynamo.documentClient, dynamo.tableName, items);

  return ids;
}

/** Delivers events to the poller as its queue does: a message body, parsed, a few consumers at once. */
async function deliver(ports: PollerPorts, events: OutgoingEvent[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: POLLER_CONCURRENCY }, async () => {
      while (next < events.length) {
        const e = events[next++]!;
        const body = JSON.stringify({ source: e.source, 'detail-type': e.detailType, detail: e.detail });
        await processEvent(ports, parseDeliveredEvent(body, POLLER_EVENTS), jobDescriptionFromBatchEvent);
      }
    }),
  );
}

function peakPerSecond(times: readonly number[]): number {
  let peak = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= 1000) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

/** One run: N members submitted, run and ended, as one array job or one job each. */
export async function runEnsembleBench(
  n: number,
  arraysOn: boolean,
  options: { throttleShare?: number } = {},
): Promise<EnsembleBenchRow> {
  const dynamo = await startLocalDynamo();
  try {
    const batch = new SimulatedBatch({ throttleShare: options.throttleShare ?? 0.02 });
    const ensembleId = `ens_${String(n).padStart(26, '0')}`;
    const ids = await seed(dynamo, ensembleId, n);
    const counter = { writes: 0 };
    const counted = counting(
      createDynamoSimulationRepository(dynamo.documentClient, {
        tableName: dynamo.tableName,
        statusIndexShards: SHARDS,
      }),
      createDynamoEnsembleArrayStore(dynamo.documentClient, dynamo.tableName),
      counter,
    );
    const files = new Map<string, string>();
    const clock = { now: Date.now() };
    const published: OutgoingEvent[] = [];
    const ports: PollerPorts = {
      repository: counted.repository,
      publisher: { publish: async (e) => void published.push(...e) },
      // Without arrays the backend is the same Batch, seen as one without array jobs.
      backendFor: () => (arraysOn ? batch : Object.assign(Object.create(batch), { supportsArrays: false })),
      rateLimiter: createTokenBucket({
        client: dynamo.documentClient,
        tableName: dynamo.tableName,
        name: 'batch-api',
        ratePerSecond: BATCH_RATE,
        capacity: BATCH_RATE,
      }),
      jobEnvironment: (s) => ({ GCR_SIMULATION_ID: s.id, GCR_SPEC: JSON.stringify(s.spec) }),
      isRetryable: (err) => (err as Error).name === 'TooManyRequestsException',
      ownsJobQueue: () => true,
      now: () => clock.now,
      arrays: {
        store: counted.arrays,
        writeFiles: async (written) => {
          for (const f of written) files.set(f.key, f.body);
        },
        readIndex: async (id, jobName) => {
          const text = files.get(arrayIndexKey(arrayPrefix(id, jobName)));
          return text ? parseArrayIndex(text) : undefined;
        },
        uriOf: (prefix) => `s3://bench/${prefix}`,
      },
    };
    const repository = counted.repository;

    const t0 = performance.now();
    const submitted = ids.map((simulationId) =>
      simulationSubmitted({
        simulationId,
        owner: 'bench',
        name: 'bench',
        backend: 'local',
        simulationType: 'TransportTracers',
        resolution: '4x5',
        submittedAt: new Date(clock.now).toISOString(),
      }),
    );
    await deliver(ports, submitted);
    const submitSeconds = (performance.now() - t0) / 1000;

    // Batch moves every job on; a finder + poller cycle after each step.
    const jobs = arraysOn ? batch.arrayParents().flatMap((p) => batch.childrenOf(p)) : undefined;
    const memberJobs =
      jobs ??
      (await Promise.all(ids.map(async (id) => (await repository.get(id))!.job?.jobId))).filter(
        (j): j is string => j !== undefined,
      );
    let describeBudget = 0;
    const describeBefore = batch.calls.describeAnswered;
    for (const [state, advanceMs] of [
      ['RUNNING', 61_000],
      ['SUCCEEDED', 120_000],
    ] as const) {
      for (const jobId of memberJobs) batch.advance(jobId, state);
      clock.now += advanceMs;
      const pollEvents: OutgoingEvent[] = [];
      const report = await findDueSimulations(
        { repository, publisher: { publish: async (e) => void pollEvents.push(...e) }, now: () => clock.now },
        { shards: SHARDS, maxSimulationsPerRun: 100_000, concurrency: 16 },
      );
      published.push(...pollEvents);
      describeBudget += Math.ceil(report.due / 100);
      await deliver(ports, pollEvents);
    }
    const secondsToAllTerminal = (performance.now() - t0) / 1000;
    const ended = (await Promise.all(ids.map((id) => repository.get(id)))).filter(
      (s) => s && isTerminal(s.status),
    ).length;
    if (ended !== n) throw new Error(`only ${ended} of ${n} members ended`);
    return {
      members: n,
      mode: arraysOn ? 'array job' : 'one job each',
      submitJobCalls: batch.calls.submit,
      describeJobsCalls: batch.calls.describeAnswered - describeBefore,
      describeBudget,
      peakDescribePerSecond: peakPerSecond(batch.describeTimes),
      writes: counter.writes,
      events: published.length,
      submitSeconds,
      secondsToAllTerminal,
    };
  } finally {
    await dynamo.stop();
  }
}

/** `--create N` (the batched creation), `--platform local --members N` (the local platform end to end), else the poller. */
function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const create = option('--create');
  if (create !== undefined) {
    printCreationRow(await runCreationBench(Number(create) || 10_000));
    return;
  }
  if (option('--platform') === 'local') {
    printLocalRow(await runLocalPlatformBench(Number(option('--members') ?? 200)));
    return;
  }
  const sizes = (process.env['BENCH_SIZES'] ?? '1000').split(',').map(Number);
  const rows: EnsembleBenchRow[] = [];
  for (const n of sizes) {
    for (const arraysOn of [true, false]) {
      process.stderr.write(`${n} members, ${arraysOn ? 'as one array job' : 'one job each'}...\n`);
      rows.push(await runEnsembleBench(n, arraysOn));
    }
  }
  console.log(
    '\nensemble through the poller (dynalite + in-process Batch; 2% of Batch calls throttled and retried)',
  );
  console.log(
    `${'N'.padStart(6)}  ${'mode'.padEnd(13)} ${'SubmitJob'.padStart(9)} ${'DescribeJobs'.padStart(12)} ${'budget'.padStart(7)} ${'peak/s'.padStart(7)} ${'writes'.padStart(7)} ${'events'.padStart(7)} ${'submit s'.padStart(9)} ${'all ended s'.padStart(11)}`,
  );
  for (const r of rows) {
    console.log(
      `${String(r.members).padStart(6)}  ${r.mode.padEnd(13)} ${String(r.submitJobCalls).padStart(9)} ${String(r.describeJobsCalls).padStart(12)} ${String(r.describeBudget).padStart(7)} ${String(r.peakDescribePerSecond).padStart(7)} ${String(r.writes).padStart(7)} ${String(r.events).padStart(7)} ${r.submitSeconds.toFixed(2).padStart(9)} ${r.secondsToAllTerminal.toFixed(2).padStart(11)}`,
    );
  }
  console.log(
    'budget = ceil(members due / 100) per poll cycle, summed; peak/s = most DescribeJobs answered in one second (limit 50); writes = table writes besides the seed',
  );
}

if (isEntryPoint(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
