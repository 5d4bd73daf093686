import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { isConditionalCheckFailed } from '#shared/kernel/repository/simulations.js';
import type { SimulationCost } from '#schemas/generated/types.js';
import type { CostStore, PutCostOutcome } from '../domain/ports.js';

/** Costs by the month their simulation was submitted: partition `month`, sort `simulationId`. */
export const MONTH_INDEX = 'MonthIndex';

/** The sparse index of costs still accrued: partition `accruingShard`, keys only. */
export const ACCRUING_INDEX = 'AccruingIndex';

const INTERNAL = ['accruingShard'] as const;

function shardOf(simulationId: string, shards: number): string {
  return String(createHash('sha1').update(simulationId).digest().readUInt32BE(0) % shards);
}

/**
 * The cost table (`gcr-cost-tracker-<stage>-costs`, key `simulationId`): one
 * item per simulation. An accrued cost carries `accruingShard`, which puts it
 * on the AccruingIndex the hourly accrual reads; the final write drops it.
 */
export function createDynamoCostStore(
  client: DynamoDBDocumentClient,
  options: { tableName: string; shards: number },
): CostStore {
  const { tableName, shards } = options;
  return {
    async get(simulationId) {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: { simulationId }, ConsistentRead: true }),
      );
      if (!out.Item) return undefined;
      const item = { ...out.Item };
      for (const key of INTERNAL) delete item[key];
      return item as SimulationCost;
    },

    async put(cost): Promise<PutCostOutcome> {
      const item: Record<string, unknown> = { ...cost };
      if (cost.kind === 'accrued') item['accruingShard'] = shardOf(cost.simulationId, shards);
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            // Never over a final cost, never over one from a later simulation version.
            ConditionExpression:
              'attribute_not_exists(simulationId) OR (#kind = :accrued AND simulationVersion <= :version)',
            ExpressionAttributeNames: { '#kind': 'kind' },
            ExpressionAttributeValues: { ':accrued': 'accrued', ':version': cost.simulationVersion },
          }),
        );
        return 'written';
      } catch (err) {
        if (isConditionalCheckFailed(err)) return 'stale';
        throw err;
      }
    },

    async putReconciliation(reconciliation) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { simulationId: reconciliation.simulationId },
            UpdateExpression: 'SET reconciliation = :reconciliation',
            ConditionExpression: 'attribute_exists(simulationId)',
            ExpressionAttributeValues: { ':reconciliation': reconciliation },
          }),
        );
      } catch (err) {
        // The cost is gone (nothing deletes one today): nothing to reconcile against.
        if (!isConditionalCheckFailed(err)) throw err;
      }
    },

    async amendFinal(cost): Promise<PutCostOutcome> {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: cost,
            ConditionExpression: '#kind = :final AND simulationVersion = :version AND totalUsd = :total',
            ExpressionAttributeNames: { '#kind': 'kind' },
            ExpressionAttributeValues: {
              ':final': 'final',
              ':version': cost.simulationVersion,
              ':total': cost.totalUsd,
            },
          }),
        );
        return 'written';
      } catch (err) {
        if (isConditionalCheckFailed(err)) return 'stale';
        throw err;
      }
    },

    async listMonth(month, owner) {
      const costs: SimulationCost[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: MONTH_INDEX,
            KeyConditionExpression: '#month = :month',
            ...(owner !== undefined ? { FilterExpression: '#owner = :owner' } : {}),
            ExpressionAttributeNames: {
              '#month': 'month',
              ...(owner !== undefined ? { '#owner': 'owner' } : {}),
            },
            ExpressionAttributeValues: {
              ':month': month,
              ...(owner !== undefined ? { ':owner': owner } : {}),
            },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of out.Items ?? []) {
          const cost = { ...item };
          for (const key of INTERNAL) delete cost[key];
          costs.push(cost as SimulationCost);
        }
        startKey = out.LastEvaluatedKey;
      } while (startKey);
      return costs;
    },

    async *listAccruing() {
      for (let shard = 0; shard < shards; shard++) {
        let startKey: Record<string, unknown> | undefined;
        do {
          const out = await client.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: ACCRUING_INDEX,
              KeyConditionExpression: 'accruingShard = :shard',
              ExpressionAttributeValues: { ':shard': String(shard) },
              ExclusiveStartKey: startKey,
            }),
          );
          const ids = (out.Items ?? []).map((item) => String(item['simulationId']));
          if (ids.length > 0) yield ids;
          startKey = out.LastEvaluatedKey;
        } while (startKey);
      }
    },
  };
}
