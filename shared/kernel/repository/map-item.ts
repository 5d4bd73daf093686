/**
 * A small keyed collection kept as one map attribute of one item of the
 * simulations table (`#budgets`, `#sites`): a few hundred entries at most, so
 * one consistent read answers "all of them", with no scan and no index.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from './simulations.js';

export interface MapItem<T> {
  entries(): Promise<Map<string, T>>;
  set(key: string, value: T): Promise<void>;
  /** False when there was no such entry. */
  remove(key: string): Promise<boolean>;
}

export function mapItem<T>(
  client: DynamoDBDocumentClient,
  tableName: string,
  id: string,
  attribute: string,
): MapItem<T> {
  return {
    async entries() {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }),
      );
      return new Map(Object.entries((out.Item?.[attribute] ?? {}) as Record<string, T>));
    },

    async set(key, value) {
      // Two writes: DynamoDB cannot create the map and set a key of it in one expression.
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id },
          UpdateExpression: 'SET #map = if_not_exists(#map, :empty)',
          ExpressionAttributeNames: { '#map': attribute },
          ExpressionAttributeValues: { ':empty': {} },
        }),
      );
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id },
          UpdateExpression: 'SET #map.#key = :value',
          ExpressionAttributeNames: { '#map': attribute, '#key': key },
          ExpressionAttributeValues: { ':value': value },
        }),
      );
    },

    async remove(key) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id },
            UpdateExpression: 'REMOVE #map.#key',
            ConditionExpression: 'attribute_exists(#map.#key)',
            ExpressionAttributeNames: { '#map': attribute, '#key': key },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
    },
  };
}
