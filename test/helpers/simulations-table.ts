import { afterAll, beforeAll } from '@jest/globals';
import {
  createDynamoSimulationRepository,
  type SimulationRepository,
} from '#shared/kernel/repository/simulations.js';
import { startLocalDynamo } from './local-dynamodb.js';

/**
 * A test file's own simulations table on dynalite, started before its tests
 * and stopped after them; the repository over it once started.
 */
export function useSimulationRepository(statusIndexShards = 4): () => SimulationRepository {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>> | undefined;
  let repository: SimulationRepository | undefined;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    repository = createDynamoSimulationRepository(dynamo.documentClient, {
      tableName: dynamo.tableName,
      statusIndexShards,
    });
  });
  afterAll(async () => {
    await dynamo?.stop();
  });
  return () => {
    if (!repository) throw new Error('the simulations table starts in beforeAll: use it inside a test');
    return repository;
  };
}
