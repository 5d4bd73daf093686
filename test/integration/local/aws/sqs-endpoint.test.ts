/**
 * Finding "DLQ redrive" (issue 12): the local platform answers the SQS API
 * subset on-call needs, so the real @aws-sdk/client-sqs (and `aws sqs`) work
 * against the local queues: real HTTP, real journaled queues, the SDK's own
 * request shapes and checks (MD5 of bodies included).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CancelMessageMoveTaskCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { LocalQueue } from '#local/queue/local-queue.js';
import type { LocalSqsService } from '#local/queue/sqs-service.js';
import { startLocalSqsEndpoint, type LocalSqsEndpoint } from '#test/helpers/local-sqs-endpoint.js';
import { tempDataDir } from '#test/helpers/platform-process.js';

let local: LocalSqsEndpoint;
let sqs: SQSClient;
let service: LocalSqsService;
let source: LocalQueue;
let dlq: LocalQueue;
let other: LocalQueue;
const url = (q: LocalQueue) => service.urlOf(q);

beforeAll(async () => {
  const dir = tempDataDir('gcr-sqs-endpoint-');
  dlq = await LocalQueue.open({ name: 'work-dlq', dir });
  source = await LocalQueue.open({
    name: 'work-queue',
    dir,
    visibilityTimeoutSeconds: 30,
    maxReceiveCount: 1,
    deadLetterQueue: dlq,
  });
  other = await LocalQueue.open({ name: 'other-queue', dir });
  local = await startLocalSqsEndpoint([source, dlq, other]);
  ({ service, client: sqs } = local);
});

afterAll(async () => {
  await local.close();
  for (const q of [source, dlq, other]) await q.close();
});

/** Messages in a queue, visible or not. */
function depth(q: LocalQueue): number {
  const s = q.stats();
  return s.visible + s.inFlight + s.delayed;
}

async function dead(bodies: string[]): Promise<void> {
  // maxReceiveCount 1: the second receive moves each message to the dead-letter queue.
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: url(source),
      Entries: bodies.map((b, i) => ({ Id: `m${i}`, MessageBody: b })),
    }),
  );
  await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: url(source), MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
  );
  await sqs.send(new ReceiveMessageCommand({ QueueUrl: url(source), MaxNumberOfMessages: 10 }));
  expect(depth(source)).toBe(0);
}

describe('DLQ redrive: the local SQS API', () => {
  it('finds queues by name and prefix, with their attributes and redrive policy', async () => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'work-dlq' }));
    expect(QueueUrl).toBe(url(dlq));
    const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'work-' }));
    expect(listed.QueueUrls).toEqual([url(dlq), url(source)]);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url(source), AttributeNames: ['All'] }),
    );
    expect(Attributes).toMatchObject({
      QueueArn: 'arn:aws:sqs:us-east-1:000000000000:work-queue',
      ApproximateNumberOfMessages: '0',
      VisibilityTimeout: '30',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }),
    });
    const sources = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: url(dlq) }));
    expect(sources.queueUrls).toEqual([url(source)]);
  });

  it('answers an unknown queue with QueueDoesNotExist, as SQS does', async () => {
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' }))).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      sqs.send(new ReceiveMessageCommand({ QueueUrl: `${url(source).replace('work-queue', 'gone')}` })),
    ).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
  });

  it('sends, receives with attributes, changes visibility and deletes; the SDK checks every MD5', async () => {
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url(other), MessageBody: '{"n":1}' }));
    expect(sent.MessageId).toBeDefined();
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url(other),
        MessageSystemAttributeNames: ['All'],
        WaitTimeSeconds: 1,
      }),
    );
    expect(Messages).toHaveLength(1);
    expect(Messages[0]).toMatchObject({ MessageId: sent.MessageId, Body: '{"n":1}' });
    expect(Messages[0]!.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: '000000000000' });
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url(other),
        ReceiptHandle: Messages[0]!.ReceiptHandle!,
        VisibilityTimeout: 0,
      }),
    );
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url(other) }));
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: url(other), ReceiptHandle: again.Messages![0]!.ReceiptHandle! }),
    );
    expect(depth(other)).toBe(0);

    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url(other),
        Entries: [
          { Id: 'a', MessageBody: 'one' },
          { Id: 'b', MessageBody: 'two' },
        ],
      }),
    );
    const batch = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url(other), MaxNumberOfMessages: 10 }),
    );
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url(other),
        Entries: batch.Messages!.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
    expect(deleted.Successful).toHaveLength(2);
    expect(depth(other)).toBe(0);
  });

  it('refuses what it cannot keep or serve, naming it', async () => {
    await expect(
      sqs.send(
        new SendMessageCommand({
          QueueUrl: url(other),
          MessageBody: 'x',
          MessageAttributes: { a: { DataType: 'String', StringValue: 'b' } },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringMatching(/no message attributes/),
    });
    await expect(
      sqs.send(new ReceiveMessageCommand({ QueueUrl: url(other), MaxNumberOfMessages: 11 })),
    ).rejects.toMatchObject({ message: expect.stringMatching(/MaxNumberOfMessages/) });
    await expect(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: other.arn }))).rejects.toMatchObject({
      message: 'Source queue must be configured as a Dead Letter Queue.',
    });
  });

  it('moves dead letters back to the queue they came from with a message-move task', async () => {
    await dead(['{"poison":1}', '{"poison":2}', '{"poison":3}']);
    expect(depth(dlq)).toBe(3);
    const peek = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url(dlq),
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        MessageSystemAttributeNames: ['DeadLetterQueueSourceArn'],
      }),
    );
    expect(peek.Messages!.map((m) => m.Attributes?.DeadLetterQueueSourceArn)).toEqual(
      Array(3).fill(source.arn),
    );

    const { TaskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, MaxNumberOfMessagesPerSecond: 100 }),
    );
    expect(TaskHandle).toBeDefined();
    let task;
    do {
      await new Promise((resolve) => setTimeout(resolve, 50));
      [task] = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }))).Results!;
    } while (task!.Status === 'RUNNING');
    expect(task).toMatchObject({
      Status: 'COMPLETED',
      SourceArn: dlq.arn,
      ApproximateNumberOfMessagesMoved: 3,
      ApproximateNumberOfMessagesToMove: 3,
    });
    expect(depth(dlq)).toBe(0);
    const back = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url(source), MaxNumberOfMessages: 10 }),
    );
    expect(back.Messages!.map((m) => m.Body).sort()).toEqual([
      '{"poison":1}',
      '{"poison":2}',
      '{"poison":3}',
    ]);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url(source),
        Entries: back.Messages!.map((m, i) => ({ Id: `x${i}`, ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  });

  it('runs one move task per queue at a time, cancels one, and purges', async () => {
    await dead(['{"slow":1}', '{"slow":2}', '{"slow":3}']);
    const { TaskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, MaxNumberOfMessagesPerSecond: 1 }),
    );
    await expect(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }))).rejects.toMatchObject({
      message: expect.stringMatching(/already running/),
    });
    await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    let task;
    do {
      await new Promise((resolve) => setTimeout(resolve, 50));
      [task] = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }))).Results!;
    } while (task!.Status === 'CANCELLING');
    expect(task!.Status).toBe('CANCELLED');
    expect(task!.ApproximateNumberOfMessagesMoved).toBeLessThan(3);
    // Moved or not, every message is in one of the two queues: none lost, none doubled.
    expect(depth(dlq) + depth(source)).toBe(3);
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url(dlq) }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url(source) }));
    expect(depth(dlq) + depth(source)).toBe(0);
  }, 30_000);
});
