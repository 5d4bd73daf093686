/**
 * A dynalite table with the stores the submission service's domain tests
 * write through (simulations, ensembles, campaigns), a publisher that keeps
 * what it was given, and the callers they act as.
 */
import type { EventPublisher, OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { createDynamoCampaignStore } from '#shared/kernel/repository/campaigns.js';
import { createDynamoEnsembleStore } from '#shared/kernel/repository/ensembles.js';
import { createDynamoSimulationRepository } from '#shared/kernel/repository/simulations.js';
import { startLocalDynamo } from './local-dynamodb.js';

export const alice = { userId: 'alice', username: 'alice', groups: [], isAdmin: false };
export const bob = { userId: 'bob', groups: [], isAdmin: false };

export async function startSubmissionStores() {
  const dynamo = await startLocalDynamo();
  const { documentClient: client, tableName } = dynamo;
  const published: OutgoingEvent[] = [];
  const publisher: EventPublisher = { publish: async (events) => void published.push(...events) };
  return {
    dynamo,
    repository: createDynamoSimulationRepository(client, { tableName, statusIndexShards: 4 }),
    ensembles: createDynamoEnsembleStore(client, tableName),
    campaigns: createDynamoCampaignStore(client, tableName),
    publisher,
    published,
  };
}

export type SubmissionStores = Awaited<ReturnType<typeof startSubmissionStores>>;
