import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type CooldownResult = { taken: true } | { taken: false; retryAfterSeconds: number };

/** At most one costly action per subject and period (e.g. one comparison refresh a minute per simulation). */
export interface Cooldown {
  readonly seconds: number;
  take(subject: string, nowMs: number): Promise<CooldownResult>;
}

export interface CooldownOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** The items' ids are `#ratelimit#<name>#<subject>`: never simulation ids. */
  name: string;
  seconds: number;
}

/**
 * One conditional UpdateItem per action, on an item per subject: it records
 * the time only if the last one is a period old, so parallel requests cannot
 * all pass. The items expire by the table's TTL (`expiresAt`), a day after use.
 */
export function createCooldown(options: CooldownOptions): Cooldown {
  const { client, tableName, name, seconds } = options;
  const periodMs = seconds * 1000;
  return {
    seconds,
    async take(subject, nowMs) {
      const Key = { id: `#ratelimit#${name}#${subject}` };
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key,
            UpdateExpression: 'SET takenAt = :now, expiresAt = :expires',
            ConditionExpression: 'attribute_not_exists(takenAt) OR takenAt <= :cutoff',
            ExpressionAttributeValues: {
              ':now': nowMs,
              ':cutoff': nowMs - periodMs,
              ':expires': Math.ceil(nowMs / 1000) + 86_400,
            },
          }),
        );
        return { taken: true };
      } catch (err) {
        if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      }
      const out = await client.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }));
      const takenAt = Number(out.Item?.['takenAt'] ?? nowMs);
      return { taken: false, retryAfterSeconds: Math.max(1, Math.ceil((takenAt + periodMs - nowMs) / 1000)) };
    },
  };
}
