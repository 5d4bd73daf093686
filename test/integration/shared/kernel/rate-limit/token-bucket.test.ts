import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTokenBucket } from '#shared/kernel/rate-limit/token-bucket.js';
import { startLocalDynamo } from '#test/helpers/local-dynamodb.js';

// Hundreds of conditional writes to dynalite: seconds on a loaded machine, more than jest's default 5 s.
jest.setTimeout(60_000);

let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});

afterAll(async () => {
  await dynamo.stop();
});

describe('token bucket shared through DynamoDB', () => {
  it('lets two pollers together take no more than the burst plus the rate over time', async () => {
    const clock = { now: 1_000_000 };
    const sleep = async (ms: number) => {
      clock.now += ms;
    };
    const options = {
      client: dynamo.documentClient,
      tableName: dynamo.tableName,
      name: 'shared-test',
      ratePerSecond: 5,
      capacity: 5,
      now: () => clock.now,
      sleep,
    };
    const pollerA = createTokenBucket(options);
    const pollerB = createTokenBucket(options);
    const start = clock.now;
    for (let i = 0; i < 10; i++) {
      await pollerA.acquire(1);
      await pollerB.acquire(1);
    }
    const elapsedSeconds = (clock.now - start) / 1000;
    // 20 calls: 5 from the burst, 15 refilled at 5/s, so at least 3 s must pass.
    expect(elapsedSeconds).toBeGreaterThanOrEqual(3 - 1e-9);
    expect(20).toBeLessThanOrEqual(options.capacity + options.ratePerSecond * elapsedSeconds + 1e-9);
  });

  it('retries its hot item with jitter after a lost race, never at once', async () => {
    // The real table, with the bucket's conditional write losing its race 4 times
    // (another poller took tokens in between), as on a busy bucket item.
    let racesToLose = 4;
    const racing = {
      send: async (command: unknown) => {
        if (command instanceof PutCommand && racesToLose > 0) {
          racesToLose -= 1;
          throw Object.assign(new Error('The conditional request failed'), {
            name: 'ConditionalCheckFailedException',
          });
        }
        return dynamo.documentClient.send(command as PutCommand);
      },
    } as unknown as DynamoDBDocumentClient;
    const sleeps: number[] = [];
    const randoms = [0.5, 0.25, 0.75, 0.5];
    const bucket = createTokenBucket({
      client: racing,
      tableName: dynamo.tableName,
      name: 'hot-item',
      ratePerSecond: 50,
      capacity: 50,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => randoms.shift() ?? 0.5,
    });
    await bucket.acquire(1);
    expect(racesToLose).toBe(0);
    // One jittered wait per lost race, within a bound that doubles: 10, 20, 40, 80 ms.
    expect(sleeps).toEqual([5, 5, 30, 40]);
    for (const ms of sleeps) expect(ms).toBeGreaterThan(0);
  });

  it('spreads the wake-ups of pollers that found the bucket empty at the same moment', async () => {
    const clock = { now: 5_000_000 };
    const options = {
      client: dynamo.documentClient,
      tableName: dynamo.tableName,
      name: 'empty-together',
      ratePerSecond: 10,
      capacity: 1,
      now: () => clock.now,
    };
    await createTokenBucket({ ...options, sleep: async () => undefined }).acquire(1);
    // Each poller in turn finds the bucket empty.
    const waits: number[] = [];
    for (const r of [0.5, 0.25]) {
      const bucket = createTokenBucket({
        ...options,
        random: () => r,
        sleep: async (ms) => {
          waits.push(ms);
          clock.now += ms;
        },
      });
      await bucket.acquire(1);
    }
    // 100 ms of tokens missing each time; without jitter both would wait exactly that.
    expect(waits).toEqual([125, 113]);
  });

  it('refuses to take more tokens than the bucket can ever hold', async () => {
    const bucket = createTokenBucket({
      client: dynamo.documentClient,
      tableName: dynamo.tableName,
      name: 'tiny',
      ratePerSecond: 1,
      capacity: 2,
    });
    await expect(bucket.acquire(3)).rejects.toThrow(/cannot take 3 tokens from a bucket of 2/);
  });
});
