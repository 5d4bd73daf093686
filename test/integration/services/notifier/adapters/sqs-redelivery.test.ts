/**
 * A message waiting for its digest (DeliveryPendingError.retryAtMs) comes back
 * when it is due: the notify handler sets its visibility (ChangeMessageVisibility)
 * instead of leaving it to the queue's visibility timeout (180 s). The request's
 * shape against a mocked SQS, and the local SQS emulator honouring it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { LocalQueue } from '#local/queue/local-queue.js';
import {
  createSqsRedelivery,
  queueUrlOf,
  visibilitySecondsUntil,
} from '#services/notifier/src/adapters/sqs-redelivery.js';
import { startLocalSqsEndpoint, type LocalSqsEndpoint } from '#test/helpers/local-sqs-endpoint.js';
import { tempDataDir } from '#test/helpers/platform-process.js';

const record = (arn: string, receiptHandle: string): SQSRecord =>
  ({ messageId: 'm-1', receiptHandle, eventSourceARN: arn, attributes: {} }) as unknown as SQSRecord;

describe('redelivery at a due time: the request', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => {
    sqs.reset();
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
  });
  // The mock replaces every SQSClient's send: the emulator's tests below need the real one.
  afterAll(() => {
    sqs.restore();
  });

  it("sets the message's visibility to the seconds until it is due, on its own queue's URL", async () => {
    const now = Date.parse('2026-12-07T07:00:40.000Z');
    const redelivery = createSqsRedelivery(new SQSClient({ region: 'us-east-1' }), { now: () => now });
    const arn = 'arn:aws:sqs:us-east-1:123456789012:gcr-notifier-prod-queue';
    // A digest window closing at 07:01:00: back in 20 s, not 180 s.
    await redelivery.at(record(arn, 'rh-1'), Date.parse('2026-12-07T07:01:00.000Z'));
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/gcr-notifier-prod-queue',
        ReceiptHandle: 'rh-1',
        VisibilityTimeout: 20,
      },
    ]);
  });

  it('keeps within what SQS accepts: 0 when already due, at most 12 hours; an emulator endpoint makes the URL', () => {
    expect(visibilitySecondsUntil(1_000, 5_000)).toBe(0);
    expect(visibilitySecondsUntil(1_500, 1_000)).toBe(1);
    expect(visibilitySecondsUntil(100 * 3_600_000, 0)).toBe(43_200);
    expect(queueUrlOf('arn:aws:sqs:us-east-1:000000000000:q', 'http://127.0.0.1:4567/')).toBe(
      'http://127.0.0.1:4567/000000000000/q',
    );
    expect(queueUrlOf('arn:aws-cn:sqs:cn-north-1:123456789012:q')).toBe(
      'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q',
    );
  });
});

describe('redelivery at a due time: the local SQS emulator', () => {
  let queue: LocalQueue;
  let local: LocalSqsEndpoint;

  beforeAll(async () => {
    queue = await LocalQueue.open({
      name: 'notifier-queue',
      dir: tempDataDir('gcr-redelivery-'),
      visibilityTimeoutSeconds: 180,
    });
    local = await startLocalSqsEndpoint([queue]);
  });
  afterAll(async () => {
    await local.close();
    await queue.close();
  });

  it('brings a received message back when due, long before the queue visibility timeout', async () => {
    await queue.send('{"waiting":"for its digest"}');
    const [first] = await queue.receive(1);
    expect(first).toBeDefined();
    // Invisible for the queue's 180 s after a receive...
    expect(await queue.receive(1)).toEqual([]);
    // ...unless the handler says when it is due.
    await createSqsRedelivery(local.client, { endpointUrl: local.endpoint }).at(
      record(queue.arn, first!.receiptHandle),
      Date.now() + 1_000,
    );
    const [again] = await queue.receive(1, { waitTimeSeconds: 20 });
    expect(again?.messageId).toBe(first!.messageId);
  }, 60_000);
});
