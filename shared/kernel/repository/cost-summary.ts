import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CostSummary } from '#schemas/generated/types.js';
import { isConditionalCheckFailed } from './simulations.js';

type CostUpdate = Pick<
  ConstructorParameters<typeof UpdateCommand>[0],
  'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;

/** One conditional update of a simulation's `cost` attribute; false when its condition refused it. */
async function updateCost(
  client: DynamoDBDocumentClient,
  tableName: string,
  simulationId: string,
  update: CostUpdate,
): Promise<boolean> {
  try {
    await client.send(new UpdateCommand({ TableName: tableName, Key: { id: simulationId }, ...update }));
    return true;
  } catch (err) {
    if (isConditionalCheckFailed(err)) return false;
    throw err;
  }
}

/**
 * The cost tracker's one write to a simulation: its `cost` attribute, the cost
 * in one line, so the simulation's document, `gcr status` and `gcr list` show
 * it without asking the tracker. Never the status or the version: a
 * transition's conditional write does not see it. Conditional: only on an
 * existing simulation, never over a final cost, never over one of a later
 * simulation version (triggers arrive out of order). False when refused.
 */
export function writeCostSummary(
  client: DynamoDBDocumentClient,
  tableName: string,
  simulationId: string,
  summary: CostSummary,
): Promise<boolean> {
  return updateCost(client, tableName, simulationId, {
    UpdateExpression: 'SET #cost = :cost',
    ConditionExpression:
      'attribute_exists(#owner) AND (attribute_not_exists(#cost) OR (#cost.#kind = :accrued AND #cost.simulationVersion <= :version))',
    ExpressionAttributeNames: { '#cost': 'cost', '#owner': 'owner', '#kind': 'kind' },
    ExpressionAttributeValues: {
      ':cost': summary,
      ':accrued': 'accrued',
      ':version': summary.simulationVersion,
    },
  });
}

/**
 * The billed compute of a reconciled simulation on its one-line cost (so an
 * ensemble's roll-up sums it without asking the tracker): only beside a cost
 * summary, final or not. False when the simulation has none.
 */
export function writeBilledCost(
  client: DynamoDBDocumentClient,
  tableName: string,
  simulationId: string,
  billedUsd: number,
): Promise<boolean> {
  return updateCost(client, tableName, simulationId, {
    UpdateExpression: 'SET #cost.billedUsd = :billed',
    ConditionExpression: 'attribute_exists(#cost.#kind)',
    ExpressionAttributeNames: { '#cost': 'cost', '#kind': 'kind' },
    ExpressionAttributeValues: { ':billed': billedUsd },
  });
}
