import { describe, expect, it } from '@jest/globals';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { createSqsRedelivery } from '#services/results-processor/src/adapters/processing/sqs-redelivery.js';

const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/gcr-results-processor-dev-results-queue';

describe('sending a results message back for later', () => {
  const now = Date.parse('2026-03-01T00:00:00Z');

  it('sends the body unchanged, delayed until a second after the time asked for', async () => {
    const sqs = mockClient(SQSClient);
    const redeliver = createSqsRedelivery(new SQSClient({ region: 'us-east-1' }), QUEUE, () => now);
    await redeliver('{"detail-type":"Simulation Status Changed"}', new Date(now + 90_000));
    expect(sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: QUEUE, MessageBody: '{"detail-type":"Simulation Status Changed"}', DelaySeconds: 91 },
    ]);
    sqs.restore();
  });

  it("caps the delay at SQS's 15 minutes (a copy due later comes early and defers again) and never asks for a negative one", async () => {
    const sqs = mockClient(SQSClient);
    const redeliver = createSqsRedelivery(new SQSClient({ region: 'us-east-1' }), QUEUE, () => now);
    await redeliver('late', new Date(now + 960_000));
    await redeliver('past', new Date(now - 5_000));
    expect(sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input.DelaySeconds)).toEqual([
      900, 0,
    ]);
    sqs.restore();
  });
});
