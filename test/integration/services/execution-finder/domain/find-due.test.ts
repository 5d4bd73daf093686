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
import { aSimulation } from '#test/helpers/simulations.js';

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
