import { describe, expect, it } from '@jest/globals';
import { runPollerThrottling } from '#scripts/fault/poller-throttling.js';

describe('the poller under throttling (reduced size; npm run throttling runs 300 simulations)', () => {
  it('loses no update while Batch answers 429 above 50 requests/s and DynamoDB throws ProvisionedThroughputExceededException on the poller path', async () => {
    const figures = await runPollerThrottling({
      simulations: 20,
      batchRequestsPerSecond: 50,
      batchThrottleShare: 0.15,
      dynamoFaultShare: 0.15,
    });
    expect(figures.batch429s).toBeGreaterThan(0);
    expect(figures.dynamoFaults).toBeGreaterThan(0);
    expect(figures.lost).toBe(0);
    expect(figures.succeeded).toBe(20);
    expect(figures.deadLettered).toBe(0);
  }, 300_000);
});
