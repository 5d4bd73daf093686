/**
 * An ensemble item and its members, PENDING, as the submission service writes
 * them: for the poller's array tests (AWS Batch and Slurm sites).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoEnsembleStore, memberSimulationId } from '#shared/kernel/repository/ensembles.js';
import type { SimulationRepository } from '#shared/kernel/repository/simulations.js';
import type { Simulation } from '#schemas/generated/types.js';
import { aSimulation } from './simulations.js';

let ensembles = 0;

export async function aPendingEnsemble(
  dynamo: { documentClient: DynamoDBDocumentClient; tableName: string },
  repository: SimulationRepository,
  size: number,
  /** What each member has besides its ids (its backend and spec). */
  member: Partial<Simulation> = {},
): Promise<{ id: string; members: Simulation[] }> {
  ensembles += 1;
  const id = `ens_${String(ensembles).padStart(26, '0')}`;
  await createDynamoEnsembleStore(dynamo.documentClient, dynamo.tableName).create({
    id,
    owner: 'alice',
    name: 'sweep',
    description: '',
    createdAt: new Date().toISOString(),
    sweepKind: 'list',
    memberCount: size,
    hasBaseMember: false,
    attempts: {},
    labels: {},
  });
  const members = Array.from({ length: size }, (_, index) =>
    aSimulation({ ...member, id: memberSimulationId(id, index), ensembleId: id, memberIndex: index }),
  );
  for (const created of members) await repository.create(created);
  return { id, members };
}
