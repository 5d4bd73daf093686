/**
 * The notifier's table (gcr-notifier-<stage>-notifications, keys pk/sk):
 *   subscriptions  pk owner#<owner> (team subscriptions: owner##team)  sk sub#<id>
 *   deliveries     pk delivery#<subscription>#<scope>  sk <kind>   (order, state, lease, attempts; expire after 30 days)
 *   digests        pk digest#<subscription>#<window>   sk count | entry#<delivery> | digest
 * A delivery record is one item per (subscription, scope, kind), holding the
 * highest `order` (status version) claimed, so the claim's condition refuses
 * both a duplicate and a stale event in one conditional write.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type {
  ClaimOutcome,
  DeliveryKey,
  DeliveryLedger,
  DigestBuffer,
  DigestEntry,
  StoredSubscription,
  SubscriptionStore,
  SuppressionList,
} from '../domain/ports.js';
import { holderOf } from '../domain/ports.js';

const DELIVERY_RECORD_DAYS = 30;

const ownerKey = (owner: string) => `owner#${owner}`;
const subscriptionKey = (id: string) => `sub#${id}`;

export function createDynamoSubscriptionStore(
  client: DynamoDBDocumentClient,
  tableName: string,
): SubscriptionStore {
  return {
    async put(subscription) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: ownerKey(holderOf(subscription)),
            sk: subscriptionKey(subscription.id),
            ...subscription,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    async get(owner, id) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: { pk: ownerKey(owner), sk: subscriptionKey(id) } }),
      );
      return Item ? toSubscription(Item) : undefined;
    },
    async listByOwner(owner) {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sub)',
            ExpressionAttributeValues: { ':pk': ownerKey(owner), ':sub': 'sub#' },
            ExclusiveStartKey: start,
          }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items.map(toSubscription);
    },
    async delete(owner, id) {
      const { Attributes } = await client.send(
        new DeleteCommand({
          TableName: tableName,
          Key: { pk: ownerKey(owner), sk: subscriptionKey(id) },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes !== undefined;
    },
  };
}

function toSubscription(item: Record<string, unknown>): StoredSubscription {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as StoredSubscription;
}

const deliveryKey = (key: DeliveryKey) => ({
  pk: `delivery#${key.subscriptionId}#${key.scope}`,
  sk: key.kind,
});

/** Runs a conditional write: false when its condition failed. */
async function conditional(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (err) {
    if (
      err instanceof ConditionalCheckFailedException ||
      (err as Error).name === 'ConditionalCheckFailedException'
    )
      return false;
    throw err;
  }
}

export function createDynamoDeliveryLedger(
  client: DynamoDBDocumentClient,
  tableName: string,
): DeliveryLedger {
  return {
    async claim(key, now, leaseMs): Promise<ClaimOutcome> {
      let old: Record<string, unknown> | undefined;
      const claimed = await conditional(async () => {
        const out = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: deliveryKey(key),
            UpdateExpression:
              'SET #order = :order, #state = :sending, leaseUntil = :lease, expiresAt = :expires, claimedAt = :now',
            ConditionExpression:
              'attribute_not_exists(pk) OR #order < :order OR ' +
              '(#order = :order AND (#state = :released OR (#state = :sending AND leaseUntil < :nowMs)))',
            ExpressionAttributeNames: { '#order': 'order', '#state': 'state' },
            ExpressionAttributeValues: {
              ':order': key.order,
              ':sending': 'sending',
              ':released': 'released',
              ':lease': now.getTime() + leaseMs,
              ':nowMs': now.getTime(),
              ':now': now.toISOString(),
              ':expires': Math.floor(now.getTime() / 1000) + DELIVERY_RECORD_DAYS * 86_400,
            },
            ReturnValues: 'ALL_OLD',
          }),
        );
        old = out.Attributes;
      });
      if (claimed) {
        const sameDelivery = old !== undefined && old['order'] === key.order;
        return { claimed: true, attempts: sameDelivery ? Number(old!['attempts'] ?? 0) : 0 };
      }
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: deliveryKey(key), ConsistentRead: true }),
      );
      const order = Number(Item?.['order'] ?? -Infinity);
      if (order > key.order) return { claimed: false, why: 'stale' };
      if (Item?.['state'] === 'buffered')
        return { claimed: false, why: 'buffered', windowStart: Number(Item['digestWindow']) };
      return { claimed: false, why: Item?.['state'] === 'sending' ? 'in-flight' : 'sent' };
    },

    async markSent(key, now) {
      await conditional(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: deliveryKey(key),
            UpdateExpression: 'SET #state = :sent, sentAt = :now REMOVE leaseUntil',
            ConditionExpression: '#order = :order',
            ExpressionAttributeNames: { '#order': 'order', '#state': 'state' },
            ExpressionAttributeValues: { ':order': key.order, ':sent': 'sent', ':now': now.toISOString() },
          }),
        ),
      );
    },

    async release(key, attempts, error) {
      await settle(key, 'released', attempts, error);
    },

    async markFailed(key, attempts, error) {
      await settle(key, 'failed', attempts, error);
    },

    async markBuffered(key, windowStart) {
      await conditional(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: deliveryKey(key),
            UpdateExpression: 'SET #state = :buffered, digestWindow = :window REMOVE leaseUntil',
            ConditionExpression: '#order = :order AND #state = :sending',
            ExpressionAttributeNames: { '#order': 'order', '#state': 'state' },
            ExpressionAttributeValues: {
              ':order': key.order,
              ':sending': 'sending',
              ':buffered': 'buffered',
              ':window': windowStart,
            },
          }),
        ),
      );
    },

    async takeBuffered(key, now, leaseMs) {
      return conditional(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: deliveryKey(key),
            UpdateExpression: 'SET #state = :sending, leaseUntil = :lease',
            ConditionExpression: '#order = :order AND #state = :buffered',
            ExpressionAttributeNames: { '#order': 'order', '#state': 'state' },
            ExpressionAttributeValues: {
              ':order': key.order,
              ':sending': 'sending',
              ':buffered': 'buffered',
              ':lease': now.getTime() + leaseMs,
            },
          }),
        ),
      );
    },
  };

  async function settle(key: DeliveryKey, state: string, attempts: number, error: string) {
    await conditional(() =>
      client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: deliveryKey(key),
          UpdateExpression: 'SET #state = :state, attempts = :attempts, lastError = :error REMOVE leaseUntil',
          ConditionExpression: '#order = :order AND #state = :sending',
          ExpressionAttributeNames: { '#order': 'order', '#state': 'state' },
          ExpressionAttributeValues: {
            ':order': key.order,
            ':sending': 'sending',
            ':state': state,
            ':attempts': attempts,
            ':error': error.slice(0, 1000),
          },
        }),
      ),
    );
  }
}

/**
 * Digest windows: pk `digest#<subscription>#<window start, ms>`, sk `count`
 * (messages in the window), `entry#<delivery>` (each buffered notification)
 * and `digest` (the digest's claim, then what it covered); they expire with
 * the delivery records.
 */
export function createDynamoDigestBuffer(client: DynamoDBDocumentClient, tableName: string): DigestBuffer {
  const pk = (subscriptionId: string, windowStart: number) => `digest#${subscriptionId}#${windowStart}`;
  const expires = (now: Date) => Math.floor(now.getTime() / 1000) + DELIVERY_RECORD_DAYS * 86_400;
  return {
    async count(subscriptionId, windowStart, now) {
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: pk(subscriptionId, windowStart), sk: 'count' },
          UpdateExpression: 'ADD messages :one SET expiresAt = :expires',
          ExpressionAttributeValues: { ':one': 1, ':expires': expires(now) },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(Attributes?.['messages'] ?? 1);
    },
    async add(subscriptionId, windowStart, entry) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: pk(subscriptionId, windowStart),
            sk: `entry#${entry.key}`,
            entry,
            expiresAt: expires(new Date(windowStart)),
          },
        }),
      );
    },
    async covered(subscriptionId, windowStart) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: pk(subscriptionId, windowStart), sk: 'digest' },
          ConsistentRead: true,
        }),
      );
      if (Item?.['state'] !== 'sent' && Item?.['state'] !== 'failed') return undefined;
      const covered = (Item['covered'] ?? []) as string[];
      return Item['state'] === 'failed' ? { covered, failed: String(Item['error']) } : { covered };
    },
    async claimFlush(subscriptionId, windowStart, now, leaseMs) {
      const claimed = await conditional(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: pk(subscriptionId, windowStart), sk: 'digest' },
            UpdateExpression: 'SET #state = :sending, leaseUntil = :lease, expiresAt = :expires',
            ConditionExpression:
              'attribute_not_exists(pk) OR #state = :released OR (#state = :sending AND leaseUntil < :nowMs)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':sending': 'sending',
              ':released': 'released',
              ':lease': now.getTime() + leaseMs,
              ':nowMs': now.getTime(),
              ':expires': expires(now),
            },
          }),
        ),
      );
      if (!claimed) return undefined;
      const entries: DigestEntry[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :entry)',
            ExpressionAttributeValues: { ':pk': pk(subscriptionId, windowStart), ':entry': 'entry#' },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        entries.push(...(page.Items ?? []).map((item) => item['entry'] as DigestEntry));
        start = page.LastEvaluatedKey;
      } while (start);
      return entries;
    },
    async markFlushed(subscriptionId, windowStart, covered, now, failed) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: pk(subscriptionId, windowStart), sk: 'digest' },
          UpdateExpression: `SET #state = :state, covered = :covered, sentAt = :now${failed !== undefined ? ', #error = :error' : ''} REMOVE leaseUntil`,
          ExpressionAttributeNames: {
            '#state': 'state',
            ...(failed !== undefined ? { '#error': 'error' } : {}),
          },
          ExpressionAttributeValues: {
            ':state': failed !== undefined ? 'failed' : 'sent',
            ':covered': covered,
            ':now': now.toISOString(),
            ...(failed !== undefined ? { ':error': failed } : {}),
          },
        }),
      );
    },
    async releaseFlush(subscriptionId, windowStart) {
      await conditional(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: pk(subscriptionId, windowStart), sk: 'digest' },
            UpdateExpression: 'SET #state = :released REMOVE leaseUntil',
            ConditionExpression: '#state = :sending',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':sending': 'sending', ':released': 'released' },
          }),
        ),
      );
    },
  };
}

/** Suppressed addresses: pk `suppressed#<address>`, sk `email` (SES bounces and complaints). */
export function createDynamoSuppressionList(
  client: DynamoDBDocumentClient,
  tableName: string,
): SuppressionList {
  const key = (address: string) => ({ pk: `suppressed#${address.toLowerCase()}`, sk: 'email' });
  return {
    async isSuppressed(address) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: key(address) }));
      return Item !== undefined;
    },
    async suppress(address, reason, at) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...key(address), reason: reason.slice(0, 1000), at: at.toISOString() },
        }),
      );
    },
  };
}
