/**
 * Slack over HTTP: incoming webhooks, and the Web API at a configured base
 * (https://slack.com/api, or the local platform's receiver). The base is
 * configuration, never a subscriber's input; incoming webhook URLs are checked
 * to start with Slack's prefix when the subscription is made.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SlackClient, SlackThreads } from '../domain/slack-channel.js';

async function post(url: string, headers: Record<string, string>, body: unknown, timeoutMs: number) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
    redirect: 'error',
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  const retryAfter = Number(response.headers.get('retry-after'));
  return {
    statusCode: response.status,
    text,
    ...(Number.isFinite(retryAfter) && response.headers.get('retry-after') !== null
      ? { retryAfterSeconds: retryAfter }
      : {}),
  };
}

export function createSlackClient(apiUrl: string, timeoutMs: number): SlackClient {
  return {
    async webhook(url, message) {
      const { statusCode, retryAfterSeconds } = await post(url, {}, message, timeoutMs);
      return { statusCode, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
    },
    async call(method, token, body) {
      const answer = await post(`${apiUrl}/${method}`, { authorization: `Bearer ${token}` }, body, timeoutMs);
      let parsed: { ok?: boolean; error?: string; ts?: string; channel?: string } = {};
      try {
        parsed = JSON.parse(answer.text) as typeof parsed;
      } catch {
        parsed = { ok: false, error: 'not JSON' };
      }
      return {
        statusCode: answer.statusCode,
        body: parsed,
        ...(answer.retryAfterSeconds !== undefined ? { retryAfterSeconds: answer.retryAfterSeconds } : {}),
      };
    },
  };
}

/** Each bot message's place: pk `slack#<subscription>#<simulation>`, sk `message`. */
export function createDynamoSlackThreads(client: DynamoDBDocumentClient, tableName: string): SlackThreads {
  const key = (subscriptionId: string, simulationId: string) => ({
    pk: `slack#${subscriptionId}#${simulationId}`,
    sk: 'message',
  });
  return {
    async get(subscriptionId, simulationId) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: key(subscriptionId, simulationId),
          ConsistentRead: true,
        }),
      );
      return Item ? { channel: String(Item['channel']), ts: String(Item['ts']) } : undefined;
    },
    async put(subscriptionId, simulationId, thread) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...key(subscriptionId, simulationId),
            ...thread,
            expiresAt: Math.floor(Date.now() / 1000) + 30 * 86_400,
          },
        }),
      );
    },
  };
}

/**
 * A token bucket per Slack channel in the table (pk `ratelimit#slack#<channel>`):
 * `ratePerSecond` tokens a second, `capacity` at most; each take is a write
 * conditional on the bucket as read, so every function instance shares it. An
 * empty bucket waits (with jitter) for its next token.
 */
export function createDynamoChannelBuckets(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: { ratePerSecond: number; capacity: number; now?: () => number; random?: () => number },
): (channelKey: string) => Promise<void> {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  return async (channelKey) => {
    const key = { pk: `ratelimit#slack#${channelKey}`, sk: 'bucket' };
    for (let round = 0; ; round += 1) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
      );
      const at = now();
      const last = Item ? Number(Item['at']) : at;
      const tokens = Item
        ? Math.min(options.capacity, Number(Item['tokens']) + ((at - last) / 1000) * options.ratePerSecond)
        : options.capacity;
      if (tokens < 1) {
        await sleep(((1 - tokens) / options.ratePerSecond) * 1000 * (1 + random() * 0.5));
        continue;
      }
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key,
            UpdateExpression: 'SET tokens = :tokens, #at = :at',
            ConditionExpression: Item ? '#at = :last' : 'attribute_not_exists(pk)',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: {
              ':tokens': tokens - 1,
              ':at': at,
              ...(Item ? { ':last': last } : {}),
            },
          }),
        );
        return;
      } catch (err) {
        if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
        // Another sender took it first: back off at random, doubling, up to a second.
        await sleep(random() * Math.min(1000, 10 * 2 ** round));
      }
    }
  };
}
