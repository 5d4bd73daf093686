import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface TokenBucketOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Bucket name; the item's id is `#ratelimit#<name>`. */
  name: string;
  /** Tokens added per second (AWS Batch: 50 requests/s per account). */
  ratePerSecond: number;
  /** Most tokens the bucket holds (the burst). */
  capacity: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** [0, 1): the jitter's source (tests pin it). */
  random?: () => number;
}

/** After a lost race the retry waits up to this, doubling per consecutive loss... */
const RACE_BACKOFF_BASE_MS = 10;
/** ...up to this. */
const RACE_BACKOFF_MAX_MS = 1_000;

/**
 * A token bucket shared by every poller through one DynamoDB item: each acquire
 * reads the bucket, refills it for the time passed, and takes tokens with a write
 * conditional on the bucket's version; a lost race re-reads. Callers wait for the
 * tokens rather than fail, so a burst of polls is smoothed, not dropped.
 *
 * Every wait is jittered: the bucket is one hot item, and pollers that lost a
 * race (or found it empty) at the same moment would otherwise come back at the
 * same moment and collide again. A lost race waits a random time up to a bound
 * that doubles with each consecutive loss (full jitter); an empty bucket's
 * wait for the missing tokens gets up to half of it again at random.
 */
export function createTokenBucket(options: TokenBucketOptions): { acquire(tokens: number): Promise<void> } {
  const { client, tableName, name, ratePerSecond, capacity } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const id = `#ratelimit#${name}`;

  return {
    async acquire(tokens) {
      if (tokens > capacity) throw new Error(`cannot take ${tokens} tokens from a bucket of ${capacity}`);
      for (let lostRaces = 0; ;) {
        const out = await client.send(
          new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }),
        );
        const item = out.Item as { tokens: number; updatedAt: number; version: number } | undefined;
        const at = now();
        const available = item
          ? Math.min(capacity, item.tokens + ((at - item.updatedAt) / 1000) * ratePerSecond)
          : capacity;
        if (available >= tokens) {
          try {
            await client.send(
              new PutCommand({
                TableName: tableName,
                Item: { id, tokens: available - tokens, updatedAt: at, version: (item?.version ?? 0) + 1 },
                ...(item
                  ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': item.version } }
                  : { ConditionExpression: 'attribute_not_exists(id)' }),
              }),
            );
            return;
          } catch (err) {
            if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
            // Another poller took tokens meanwhile: back off before reading again.
            const bound = Math.min(RACE_BACKOFF_MAX_MS, RACE_BACKOFF_BASE_MS * 2 ** lostRaces);
            lostRaces += 1;
            await sleep(Math.ceil(random() * bound));
            continue;
          }
        }
        const missing = ((tokens - available) / ratePerSecond) * 1000;
        await sleep(Math.ceil(missing * (1 + random() / 2)));
      }
    },
  };
}
