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
