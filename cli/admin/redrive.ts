/**
 * DLQ redrive for on-call: moves a dead-letter queue's messages back to the
 * queue(s) they came from with SQS's own message-move task
 * (StartMessageMoveTask, followed with ListMessageMoveTasks), and says what it
 * moved. The plan (which queue is the DLQ of which, how many messages, a
 * sample of them) is what `--dry-run` prints.
 */
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  StartMessageMoveTaskCommand,
  type ListMessageMoveTasksResultEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { CliError, ExitCode } from '../errors.js';
import { awsCliError } from './sqs.js';

export interface QueueRef {
  name: string;
  url: string;
  arn: string;
}

export interface RedrivePlan {
  deadLetterQueue: QueueRef;
  /** The queues whose redrive policy names it: where its messages go back to. */
  sources: QueueRef[];
  messages: number;
  inFlight: number;
}

export interface SampledMessage {
  messageId: string;
  receiveCount: number;
  /** From the message's own queue, when SQS recorded it (DeadLetterQueueSourceArn). */
  from?: string;
  /** The EventBridge event in the body, when it is one. */
  detailType?: string;
  simulationIds: string[];
}

export interface RedriveOutcome {
  status: string;
  moved: number;
  toMove: number;
  failureReason?: string;
  /** Messages left in the dead-letter queue afterwards. */
  remaining: number;
}

const nameOf = (url: string): string => url.replace(/\/+$/, '').split('/').pop() ?? url;

async function attributes(sqs: SQSClient, url: string): Promise<Record<string, string>> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'QueueArn',
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'RedrivePolicy',
      ],
    }),
  );
  return Attributes ?? {};
}

/** The queue given (a name or a URL) as a dead-letter queue with its sources, or why it is not one. */
export async function planRedrive(sqs: SQSClient, queue: string): Promise<RedrivePlan> {
  try {
    const url = /^https?:\/\//.test(queue)
      ? queue
      : (await sqs.send(new GetQueueUrlCommand({ QueueName: queue }))).QueueUrl!;
    const own = await attributes(sqs, url);
    const { queueUrls = [] } = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: url }));
    if (queueUrls.length === 0) {
      const policy = own['RedrivePolicy']
        ? (JSON.parse(own['RedrivePolicy']) as { deadLetterTargetArn?: string })
        : {};
      const hint = policy.deadLetterTargetArn
        ? `: it is a source queue; its dead-letter queue is ${policy.deadLetterTargetArn.split(':').pop()}`
        : '';
      throw new CliError(`${nameOf(url)} is not the dead-letter queue of any queue${hint}`, ExitCode.failed, {
        code: 'NotADeadLetterQueue',
      });
    }
    const sources = await Promise.all(
      queueUrls.map(async (sourceUrl) => ({
        name: nameOf(sourceUrl),
        url: sourceUrl,
        arn: (await attributes(sqs, sourceUrl))['QueueArn'] ?? '',
      })),
    );
    return {
      deadLetterQueue: { name: nameOf(url), url, arn: own['QueueArn'] ?? '' },
      sources,
      messages: Number(own['ApproximateNumberOfMessages'] ?? 0),
      inFlight: Number(own['ApproximateNumberOfMessagesNotVisible'] ?? 0),
    };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw awsCliError(error, `cannot read queue ${queue}`);
  }
}

/**
 * Up to 10 messages, peeked with a visibility timeout of 0 (they stay
 * visible; a dead-letter queue has no redrive of its own, so a receive moves
 * nothing).
 */
export async function sampleDeadLetters(sqs: SQSClient, plan: RedrivePlan): Promise<SampledMessage[]> {
  try {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: plan.deadLetterQueue.url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    return Messages.map((m) => {
      let event: { 'detail-type'?: unknown; detail?: { simulationId?: unknown; simulations?: unknown } } = {};
      try {
        event = JSON.parse(m.Body ?? '') as typeof event;
      } catch {
        // not an event: shown by id only
      }
      const listed = Array.isArray(event.detail?.simulations)
        ? (event.detail.simulations as { simulationId?: unknown }[])
        : [];
      const simulationIds = [event.detail?.simulationId, ...listed.map((s) => s.simulationId)].filter(
        (id): id is string => typeof id === 'string',
      );
      const from = m.Attributes?.DeadLetterQueueSourceArn?.split(':').pop();
      return {
        messageId: m.MessageId ?? '',
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
        ...(from ? { from } : {}),
        ...(typeof event['detail-type'] === 'string' ? { detailType: event['detail-type'] } : {}),
        simulationIds,
      };
    });
  } catch (error) {
    throw awsCliError(error, `cannot peek at ${plan.deadLetterQueue.name}`);
  }
}

/**
 * Starts the move task (each message back to the queue it came from) and
 * follows it until it ends; `wait` paces the polls (and throws on Ctrl-C).
 */
export async function redrive(
  sqs: SQSClient,
  plan: RedrivePlan,
  options: { ratePerSecond?: number; wait: (ms: number) => Promise<void> },
): Promise<RedriveOutcome> {
  const source = plan.deadLetterQueue;
  let handle: string | undefined;
  try {
    ({ TaskHandle: handle } = await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: source.arn,
        ...(options.ratePerSecond ? { MaxNumberOfMessagesPerSecond: options.ratePerSecond } : {}),
      }),
    ));
  } catch (error) {
    throw awsCliError(error, `cannot start moving the messages of ${source.name}`);
  }
  for (;;) {
    await options.wait(1000);
    let results: ListMessageMoveTasksResultEntry[];
    try {
      ({ Results: results = [] } = await sqs.send(
        new ListMessageMoveTasksCommand({ SourceArn: source.arn, MaxResults: 10 }),
      ));
    } catch (error) {
      throw awsCliError(error, `cannot follow the move task of ${source.name}`);
    }
    // Ours is the newest; a running task also shows its handle.
    const task = results.find((t) => t.TaskHandle === handle) ?? results[0];
    if (!task || task.Status === 'RUNNING' || task.Status === 'CANCELLING') continue;
    const left = await attributes(sqs, source.url).catch(() => ({}) as Record<string, string>);
    return {
      status: task.Status ?? 'UNKNOWN',
      moved: task.ApproximateNumberOfMessagesMoved ?? 0,
      toMove: task.ApproximateNumberOfMessagesToMove ?? 0,
      ...(task.FailureReason ? { failureReason: task.FailureReason } : {}),
      remaining: Number(left['ApproximateNumberOfMessages'] ?? 0),
    };
  }
}
