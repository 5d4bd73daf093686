import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTokenBucket } from '#shared/kernel/rate-limit/token-bucket.js';
import { startLocalDynamo } from '#test/helpers/local-dynamodb.js';

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
