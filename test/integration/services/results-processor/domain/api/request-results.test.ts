import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConflictError, NotFoundError, ValidationError } from '#shared/kernel/errors.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import {
  createDynamoSimulationRepository,
  type SimulationRepository,
} from '#shared/kernel/repository/simulations.js';
import {
  parseResultsRequest,
  requestResults,
  type RequestResultsPorts,
} from '#services/results-processor/src/domain/api/request-results.js';
import { RESULTS_EVENTS, triggerOf } from '#services/results-processor/src/domain/processing/triggers.js';
import { delivered } from '#test/helpers/events.js';
import { startLocalDynamo } from '#test/helpers/local-dynamodb.js';
import { aSimulation } from '#test/helpers/simulations.js';

let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
let repository: SimulationRepository;
const alice: Caller = { userId: 'alice', username: 'alice', groups: [], isAdmin: false };
const bob: Caller = { userId: 'bob', groups: [], isAdmin: false };
const admin: Caller = { userId: 'root', groups: ['admin'], isAdmin: true };

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  repository = createDynamoSimulationRepository(dynamo.documentClient, {
    tableName: dynamo.tableName,
    statusIndexShards: 4,
  });
}, 30_000);

afterAll(async () => {
  await dynamo.stop();
});

function ports(published: OutgoingEvent[]): RequestResultsPorts {
  return {
    repository,
    publisher: { publish: async (events) => void published.push(...events) },
    now: () => new Date('2026-03-01T12:00:00Z'),
    newRequestId: () => 'req-1',
  };
}

describe('POST /simulations/{id}/results (domain, dynalite)', () => {
  it('publishes Simulation Results Requested for the owner of a SUCCEEDED simulation, which the processor reads as a request', async () => {
    const simulation = aSimulation({ status: 'SUCCEEDED' });
    await repository.create(simulation);
    const published: OutgoingEvent[] = [];

    const accepted = await requestResults(ports(published), alice, simulation.id, { species: ['O3'] });

    expect(accepted).toEqual({
      simulationId: simulation.id,
      requestId: 'req-1',
      requestedAt: '2026-03-01T12:00:00.000Z',
    });
    expect(published).toEqual([
      {
        source: 'gcr.results-processor',
        detailType: 'Simulation Results Requested',
        resources: [simulation.id],
        detail: {
          schemaVersion: '1',
          simulationId: simulation.id,
          owner: 'alice',
          requestedBy: 'alice',
          requestedAt: '2026-03-01T12:00:00.000Z',
          requestId: 'req-1',
          species: ['O3'],
        },
      },
    ]);
    expect(triggerOf(delivered(published[0]!, RESULTS_EVENTS))).toMatchObject({
      id: 'request:req-1',
      kind: 'request',
      species: ['O3'],
    });
  });

  it('returns 404 when the simulation belongs to someone else, and lets an admin request it', async () => {
    const simulation = aSimulation({ status: 'SUCCEEDED' });
    await repository.create(simulation);
    const published: OutgoingEvent[] = [];
    await expect(requestResults(ports(published), bob, simulation.id, {})).rejects.toThrow(NotFoundError);
    await expect(
      requestResults(ports(published), alice, 'sim_00000000000000000000000zzz', {}),
    ).rejects.toThrow(NotFoundError);
    expect(published).toEqual([]);
    await requestResults(ports(published), admin, simulation.id, {});
    expect(published).toHaveLength(1);
  });

  it('returns 409 when the simulation has not SUCCEEDED', async () => {
    const simulation = aSimulation({ status: 'RUNNING' });
    await repository.create(simulation);
    await expect(requestResults(ports([]), alice, simulation.id, {})).rejects.toThrow(ConflictError);
    await expect(requestResults(ports([]), alice, simulation.id, {})).rejects.toThrow(/RUNNING/);
  });
});

describe('results reprocessing cannot be flooded', () => {
  const at = (iso: string) => () => new Date(iso);
  const portsAt = (published: OutgoingEvent[], iso: string, id = 'req-x'): RequestResultsPorts => ({
    ...ports(published),
    now: at(iso),
    newRequestId: () => id,
  });

  it('accepts exactly one of ten parallel requests; the others get 409 with Retry-After while it is queued', async () => {
    const simulation = aSimulation({
      status: 'SUCCEEDED',
      results: { status: 'READY', updatedAt: '2026-01-02T00:00:00Z' },
    });
    await repository.create(simulation);
    const published: OutgoingEvent[] = [];
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        requestResults(portsAt(published, '2026-03-01T12:00:00Z', `req-${i}`), alice, simulation.id, {}),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(published).toHaveLength(1);
    for (const o of outcomes.filter((x): x is PromiseRejectedResult => x.status === 'rejected')) {
      expect(o.reason).toBeInstanceOf(ConflictError);
      expect(o.reason).toMatchObject({ retryAfterSeconds: 60 });
      expect((o.reason as Error).message).toMatch(/reprocessing requested by alice at .* is queued/);
    }
    const stored = await repository.get(simulation.id);
    expect(stored?.resultsRequest).toMatchObject({
      requestedBy: 'alice',
      requestedAt: '2026-03-01T12:00:00.000Z',
    });
  });

  it('refuses while the processor works on it, and accepts again once it is READY', async () => {
    const simulation = aSimulation({
      status: 'SUCCEEDED',
      results: { status: 'READY', updatedAt: '2026-01-02T00:00:00Z' },
    });
    await repository.create(simulation);
    await requestResults(portsAt([], '2026-03-01T12:00:00Z', 'first'), alice, simulation.id, {});
    const taken = await repository.get(simulation.id);
    const processing = await repository.update({
      id: simulation.id,
      expectedVersion: taken!.version,
      status: 'SUCCEEDED',
      set: { results: { status: 'PROCESSING', updatedAt: '2026-03-01T12:00:05Z', trigger: 'request:first' } },
    });
    await expect(
      requestResults(portsAt([], '2026-03-01T12:01:00Z'), alice, simulation.id, {}),
    ).rejects.toThrow(/being processed/);
    await repository.update({
      id: simulation.id,
      expectedVersion: processing.version,
      status: 'SUCCEEDED',
      set: { results: { status: 'READY', updatedAt: '2026-03-01T12:02:00Z', trigger: 'request:first' } },
    });
    await expect(
      requestResults(portsAt([], '2026-03-01T12:03:00Z'), alice, simulation.id, {}),
    ).resolves.toMatchObject({
      requestId: 'req-x',
    });
  });

  it('takes a request still queued after 2 hours as lost, and accepts a new one', async () => {
    const simulation = aSimulation({
      status: 'SUCCEEDED',
      results: { status: 'READY', updatedAt: '2026-01-02T00:00:00Z' },
    });
    await repository.create(simulation);
    await requestResults(portsAt([], '2026-03-01T12:00:00Z', 'lost'), alice, simulation.id, {});
    await expect(
      requestResults(portsAt([], '2026-03-01T13:59:00Z'), alice, simulation.id, {}),
    ).rejects.toThrow(ConflictError);
    await expect(
      requestResults(portsAt([], '2026-03-01T14:00:01Z', 'again'), alice, simulation.id, {}),
    ).resolves.toMatchObject({ requestId: 'again' });
  });

  it('withdraws a request it could not publish, so that asking again works at once', async () => {
    const simulation = aSimulation({
      status: 'SUCCEEDED',
      results: { status: 'READY', updatedAt: '2026-01-02T00:00:00Z' },
    });
    await repository.create(simulation);
    const failing: RequestResultsPorts = {
      ...portsAt([], '2026-03-01T12:00:00Z'),
      publisher: {
        publish: async () => {
          throw new Error('EventBridge is down');
        },
      },
    };
    await expect(requestResults(failing, alice, simulation.id, {})).rejects.toThrow('EventBridge is down');
    expect((await repository.get(simulation.id))?.resultsRequest).toBeUndefined();
    await expect(
      requestResults(portsAt([], '2026-03-01T12:00:01Z'), alice, simulation.id, {}),
    ).resolves.toBeDefined();
  });
});

describe('the request body', () => {
  it('may be empty or name species', () => {
    expect(parseResultsRequest('')).toEqual({});
    expect(parseResultsRequest('{}')).toEqual({});
    expect(parseResultsRequest('{"species":["O3","CO"]}')).toEqual({ species: ['O3', 'CO'] });
  });

  it('is refused with the field named when malformed', () => {
    const issues = (text: string) => {
      try {
        parseResultsRequest(text);
      } catch (err) {
        expect(err).toBeInstanceOf(ValidationError);
        return (err as ValidationError).issues.map((i) => i.field);
      }
      throw new Error('accepted');
    };
    expect(issues('{')).toEqual(['body']);
    expect(issues('[1]')).toEqual(['body']);
    expect(issues('{"colour":"red"}')).toEqual(['colour']);
    expect(issues('{"species":"O3"}')).toEqual(['species']);
    expect(issues('{"species":["O3","bad name"]}')).toEqual(['species[1]']);
    expect(issues('{"species":["O3","O3"]}')).toEqual(['species']);
  });
});
