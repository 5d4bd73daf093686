import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createDynamoSimulationRepository,
  type SimulationRepository,
} from '#shared/kernel/repository/simulations.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { findDueSimulations } from '#services/execution-finder/src/domain/find-due.js';
import type { SimulationPollRequestedDetail } from '#schemas/generated/types.js';
import { ajv } from '#schemas/validator.js';
import { startLocalDynamo } from '#test/helpers/local-dynamodb.js';
import { aSimulation, storedDemoSpec } from '#test/helpers/simulations.js';
import { FakeBackend } from '#test/helpers/fake-backend.js';
import { delivered } from '#test/helpers/events.js';
import { jobDescriptionFromBatchEvent } from '#shared/kernel/compute/batch-backend.js';
import type { PollerPorts } from '#services/execution-poller/src/domain/ports.js';
import { POLLER_EVENTS, processEvent } from '#services/execution-poller/src/domain/process-event.js';
import { observeJob } from '#services/execution-poller/src/domain/observe.js';
import { submitPending } from '#services/execution-poller/src/domain/submit-pending.js';

let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
let repository: SimulationRepository;
const SHARDS = 4;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  repository = createDynamoSimulationRepository(dynamo.documentClient, {
    tableName: dynamo.tableName,
    statusIndexShards: SHARDS,
  });
});

afterAll(async () => {
  await dynamo.stop();
});

describe('execution finder', () => {
  it('publishes due simulations in events of at most 100 of one backend, and reports the oldest overdue poll', async () => {
    const now = Date.parse('2030-01-01T00:10:00Z');
    const local = Array.from({ length: 230 }, (_, i) =>
      aSimulation({ id: `sim_loc${String(i).padStart(23, '0')}` }),
    );
    const batch = Array.from({ length: 5 }, (_, i) =>
      aSimulation({ id: `sim_bat${String(i).padStart(23, '0')}`, backend: 'aws-batch' }),
    );
    const notYet = aSimulation({ id: `sim_later${'0'.repeat(21)}` });
    for (const [i, s] of [...local, ...batch].entries())
      await repository.create(s, { nextPollAt: now - 60_000 - i });
    await repository.create(notYet, { nextPollAt: now + 60_000 });
    const finished = aSimulation({ id: `sim_done${'0'.repeat(22)}` });
    await repository.create(finished, { nextPollAt: now - 1 });
    await repository.transition({
      id: finished.id,
      expectedVersion: 1,
      from: 'PENDING',
      to: 'FAILED',
      reason: 'x',
    });

    const published: OutgoingEvent[] = [];
    const report = await findDueSimulations(
      { repository, publisher: { publish: async (e) => void published.push(...e) }, now: () => now },
      { shards: SHARDS, maxSimulationsPerRun: 10_000, concurrency: 8 },
    );

    expect(report.due).toBe(235);
    const details = published.map((e) => e.detail as SimulationPollRequestedDetail);
    const validate = ajv.getSchema('https://gcr.dev/schemas/events/simulation-poll-requested.schema.json')!;
    for (const d of details) expect(validate(d)).toBe(true);
    expect(
      details
        .filter((d) => d.backend === 'local')
        .map((d) => d.simulations.length)
        .sort(),
    ).toEqual([100, 100, 30].sort());
    expect(details.filter((d) => d.backend === 'aws-batch').map((d) => d.simulations.length)).toEqual([5]);
    const ids = details.flatMap((d) => d.simulations.map((s) => s.simulationId));
    expect(ids).not.toContain(notYet.id);
    expect(ids).not.toContain(finished.id);
    expect(new Set(ids).size).toBe(235);
    expect(report.oldestOverdueSeconds).toBe(Math.round((60_000 + 234) / 1000));
  });

  it('stops at its per-run bound and says so', async () => {
    const published: OutgoingEvent[] = [];
    const report = await findDueSimulations(
      {
        repository,
        publisher: { publish: async (e) => void published.push(...e) },
        now: () => Date.parse('2030-01-01T00:10:00Z'),
      },
      { shards: SHARDS, maxSimulationsPerRun: 50, concurrency: 2 },
    );
    expect(report.due).toBeLessThanOrEqual(50 + SHARDS * 7);
    expect(report.truncated).toBe(true);
  });
});

describe('finder and poller over time (their own table)', () => {
  let table: Awaited<ReturnType<typeof startLocalDynamo>>;
  let store: SimulationRepository;

  beforeAll(async () => {
    table = await startLocalDynamo();
    store = createDynamoSimulationRepository(table.documentClient, {
      tableName: table.tableName,
      statusIndexShards: 1,
    });
  });

  afterAll(async () => {
    await table.stop();
  });

  function pollerFor(clock: { now: number }, publisher: OutgoingEvent[], up: { eventBridge: boolean }) {
    const backend = new FakeBackend();
    const writes: string[] = [];
    const counted: SimulationRepository = {
      ...store,
      transition: async (r) => {
        writes.push(`transition ${r.to}`);
        return store.transition(r);
      },
      update: async (r) => {
        writes.push('update');
        return store.update(r);
      },
      reschedulePoll: async (r) => {
        writes.push(`reschedule ${r.to.pollIntervalMs / 60_000} min`);
        return store.reschedulePoll(r);
      },
    };
    const ports: PollerPorts = {
      repository: counted,
      publisher: {
        publish: async (events) => {
          if (!up.eventBridge) throw new Error('EventBridge unavailable');
          publisher.push(...events);
        },
      },
      backendFor: (name) => (name === 'local' ? backend : undefined),
      rateLimiter: { acquire: async () => undefined },
      jobEnvironment: (s) => ({ GCR_SIMULATION_ID: s.id }),
      isRetryable: () => false,
      ownsJobQueue: () => true,
      now: () => clock.now,
      sleep: async () => undefined,
    };
    return { backend, ports, writes };
  }

  /** One finder run at the clock's time; the poll requests it publishes, handled by the poller. */
  async function finderRun(clock: { now: number }, ports: PollerPorts) {
    const requests: OutgoingEvent[] = [];
    const report = await findDueSimulations(
      {
        repository: store,
        publisher: { publish: async (e) => void requests.push(...e) },
        now: () => clock.now,
      },
      { shards: 1, maxSimulationsPerRun: 1000, concurrency: 4 },
    );
    for (const request of requests) {
      await processEvent(ports, delivered(request, POLLER_EVENTS), jobDescriptionFromBatchEvent);
    }
    const polled = requests.flatMap((e) =>
      (e.detail as SimulationPollRequestedDetail).simulations.map((s) => s.simulationId),
    );
    return { report, polled };
  }

  it('advances nextPollAt so a healthy 3-hour run is never overdue: polled ever less often, written only at band changes', async () => {
    const clock = { now: Date.parse('2030-02-01T00:00:00Z') };
    const published: OutgoingEvent[] = [];
    const { backend, ports, writes } = pollerFor(clock, published, { eventBridge: true });
    const simulation = aSimulation({
      id: `sim_long${'0'.repeat(22)}`,
      createdAt: new Date(clock.now).toISOString(),
      spec: storedDemoSpec({ compute: { maxRuntimeMinutes: 600 } }),
    });
    await store.create(simulation, { nextPollAt: clock.now });
    await submitPending(ports, simulation.id);
    const jobId = backend.only().jobId;
    await observeJob(ports, simulation.id, backend.move(jobId, 'RUNNING', { startedAt: clock.now }));
    expect((await store.get(simulation.id))?.status).toBe('RUNNING');
    writes.length = 0;

    const pollMinutes: number[] = [];
    let worstOverdue = 0;
    for (let minute = 1; minute <= 180; minute++) {
      clock.now += 60_000;
      const { report, polled } = await finderRun(clock, ports);
      worstOverdue = Math.max(worstOverdue, report.oldestOverdueSeconds);
      if (polled.includes(simulation.id)) pollMinutes.push(minute);
    }
    // The alarm (runbooks/oldest-overdue-poll.md) fires above 300 s.
    expect(worstOverdue).toBeLessThan(300);
    expect(pollMinutes).toEqual([
      1, 2, 4, 6, 8, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 135, 150, 165, 180,
    ]);
    // 23 polls that changed nothing: writes only where the interval changed.
    expect(writes).toEqual([
      'reschedule 2 min',
      'reschedule 5 min',
      'reschedule 10 min',
      'reschedule 15 min',
    ]);
    expect((await store.get(simulation.id))?.status).toBe('RUNNING');
    // It ends (and leaves the StatusIndex), so the next test has the table to itself.
    await observeJob(ports, simulation.id, backend.move(jobId, 'SUCCEEDED', { exitCode: 0 }));
    expect((await store.get(simulation.id))?.status).toBe('SUCCEEDED');
  }, 120_000);

  it('publishes the last event of a finished simulation whose message went to the dead-letter queue (the outbox sweep)', async () => {
    const clock = { now: Date.parse('2030-03-01T00:00:00Z') };
    const published: OutgoingEvent[] = [];
    const up = { eventBridge: true };
    const { backend, ports } = pollerFor(clock, published, up);
    const transitions = () =>
      published
        .map((e) => e.detail as { simulationId: string; to: string })
        .filter((d) => d.simulationId === simulation.id)
        .map((d) => d.to);
    const simulation = aSimulation({
      id: `sim_swept${'0'.repeat(21)}`,
      createdAt: new Date(clock.now).toISOString(),
    });
    await store.create(simulation, { nextPollAt: clock.now });
    await submitPending(ports, simulation.id);
    const jobId = backend.only().jobId;
    // EventBridge fails for longer than the queue retries: the message ends in the DLQ.
    up.eventBridge = false;
    const succeeded = backend.move(jobId, 'SUCCEEDED', { exitCode: 0, attempts: [{ exitCode: 0 }] });
    for (let receive = 1; receive <= 5; receive++) {
      await expect(observeJob(ports, simulation.id, succeeded)).rejects.toThrow('EventBridge unavailable');
      clock.now += 31_000;
    }
    expect((await store.get(simulation.id))?.status).toBe('SUCCEEDED');
    expect(transitions()).toEqual(['SUBMITTED']);

    // Nobody reads the simulation again; the finder's next run finds the abandoned event.
    up.eventBridge = true;
    const { report, polled } = await finderRun(clock, ports);
    expect(report.abandonedEvents).toBe(1);
    expect(polled).toContain(simulation.id);
    expect(transitions()).toEqual(['SUBMITTED', 'SUCCEEDED']);
    // Published once: the simulation has left the StatusIndex.
    clock.now += 60_000;
    const after = await finderRun(clock, ports);
    expect(after.report.abandonedEvents).toBe(0);
    expect(after.polled).not.toContain(simulation.id);
    expect(transitions()).toEqual(['SUBMITTED', 'SUCCEEDED']);
  });
});
