import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalQueue, ReceivedMessage } from '../queue/local-queue.js';
import { LocalQueueError, md5 } from '../queue/local-queue.js';
import { SqsApiError, type LocalSqsService } from '../queue/sqs-service.js';

/**
 * The SQS API (awsJson1_0, `X-Amz-Target: AmazonSQS.<Operation>`) over the
 * local queues, so `@aws-sdk/client-sqs` and the AWS CLI's `aws sqs` reach them
 * unchanged through AWS_ENDPOINT_URL_SQS (or `--endpoint-url`): the subset
 * on-call needs to inspect and redrive a dead-letter queue.
 *
 *   CreateQueue, DeleteQueue, GetQueueUrl, ListQueues, GetQueueAttributes, ListDeadLetterSourceQueues,
 *   SendMessage, SendMessageBatch, ReceiveMessage, DeleteMessage,
 *   DeleteMessageBatch, ChangeMessageVisibility, PurgeQueue,
 *   StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask
 *
 * Errors are SQS's: status 400, body `{ __type: "com.amazonaws.sqs#<Type>",
 * message }` and the query protocol's code in `x-amzn-query-error`. Requests
 * are not signature-checked. Message attributes are not kept by the local
 * queues, so requests that carry some are refused, never silently dropped.
 * CreateQueue and DeleteQueue make and remove the Slurm sites' work queues
 * (the submission service's POST and DELETE /sites), as SQS answers them.
 */
export function sqsEndpoint(service: LocalSqsService) {
  return async (req: IncomingMessage, res: ServerResponse, body: string): Promise<void> => {
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', ...headers });
      res.end(JSON.stringify(payload));
    };
    const fail = (error: SqsApiError) =>
      reply(
        400,
        { __type: `com.amazonaws.sqs#${error.type}`, message: error.message },
        { 'x-amzn-query-error': `${error.queryCode};Sender` },
      );
    const operation = String(req.headers['x-amz-target'] ?? '').replace(/^AmazonSQS\./, '');
    const handler = OPERATIONS[operation];
    if (!handler) {
      fail(
        new SqsApiError('UnknownOperationException', `${operation} is not an operation of the local SQS API`),
      );
      return;
    }
    let input: Record<string, unknown>;
    try {
      const parsed: unknown = body.trim() === '' ? {} : JSON.parse(body);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      input = parsed as Record<string, unknown>;
    } catch {
      fail(new SqsApiError('SerializationException', 'The request body is not a JSON object'));
      return;
    }
    try {
      reply(200, await handler(service, input));
    } catch (error) {
      if (error instanceof SqsApiError) fail(error);
      else if (error instanceof LocalQueueError) {
        fail(new SqsApiError(error.code === 'QueueClosed' ? 'QueueDoesNotExist' : error.code, error.message));
      } else throw error;
    }
  };
}

type Input = Record<string, unknown>;
type Operation = (service: LocalSqsService, input: Input) => Promise<unknown>;

const QUEUE_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'VisibilityTimeout',
  'DelaySeconds',
  'MessageRetentionPeriod',
  'MaximumMessageSize',
  'ReceiveMessageWaitTimeSeconds',
  'QueueArn',
  'RedrivePolicy',
] as const;

const MESSAGE_ATTRIBUTES = [
  'ApproximateReceiveCount',
  'SentTimestamp',
  'ApproximateFirstReceiveTimestamp',
  'SenderId',
  'DeadLetterQueueSourceArn',
] as const;

function queueAttributes(queue: LocalQueue): Record<(typeof QUEUE_ATTRIBUTES)[number], string | undefined> {
  const stats = queue.stats();
  return {
    ApproximateNumberOfMessages: String(stats.visible),
    ApproximateNumberOfMessagesNotVisible: String(stats.inFlight),
    ApproximateNumberOfMessagesDelayed: String(stats.delayed),
    VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
    DelaySeconds: String(queue.delaySeconds),
    MessageRetentionPeriod: String(queue.messageRetentionSeconds),
    MaximumMessageSize: '1048576',
    ReceiveMessageWaitTimeSeconds: '0',
    QueueArn: queue.arn,
    RedrivePolicy:
      queue.deadLetterQueue && queue.maxReceiveCount !== undefined
        ? JSON.stringify({
            deadLetterTargetArn: queue.deadLetterQueue.arn,
            maxReceiveCount: queue.maxReceiveCount,
          })
        : undefined,
  };
}

/** The names asked for: `All`, or each a known one (InvalidAttributeName otherwise). */
function selected<T extends string>(asked: unknown, known: readonly T[]): T[] {
  if (asked === undefined) return [];
  if (!Array.isArray(asked)) throw new SqsApiError('InvalidParameterValue', 'attribute names must be a list');
  if (asked.includes('All')) return [...known];
  for (const name of asked) {
    if (!known.includes(name as T))
      throw new SqsApiError('InvalidAttributeName', `Unknown Attribute ${String(name)}.`);
  }
  return asked as T[];
}

function optionalInt(input: Input, name: string): number | undefined {
  const value = input[name];
  if (value === undefined) return undefined;
  if (!Number.isInteger(value)) throw new SqsApiError('InvalidParameterValue', `${name} must be an integer`);
  return value as number;
}

function refuseMessageAttributes(input: Input): void {
  if (input['MessageAttributes'] !== undefined || input['MessageSystemAttributes'] !== undefined) {
    throw new SqsApiError(
      'InvalidParameterValue',
      'The local queues keep no message attributes: send the body only.',
    );
  }
}

function batchEntries(input: Input): Input[] {
  const entries = input['Entries'];
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new SqsApiError('EmptyBatchRequest', 'There should be at least one entry in the request.');
  }
  if (entries.length > 10) {
    throw new SqsApiError('TooManyEntriesInBatchRequest', 'Maximum number of entries per request are 10.');
  }
  const ids = entries.map((e) => (e as Input)['Id']);
  if (ids.some((id) => typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(id))) {
    throw new SqsApiError(
      'InvalidBatchEntryId',
      'A batch entry id can only contain alphanumeric characters, hyphens and underscores.',
    );
  }
  if (new Set(ids).size !== ids.length) {
    throw new SqsApiError(
      'BatchEntryIdsNotDistinct',
      'Two or more batch entries in the request have the same Id.',
    );
  }
  return entries as Input[];
}

function messageOut(message: ReceivedMessage, names: (typeof MESSAGE_ATTRIBUTES)[number][]) {
  const attributes: Record<string, string> = {};
  for (const name of names) {
    const value = message.attributes[name];
    if (value !== undefined) attributes[name] = value;
  }
  return {
    MessageId: message.messageId,
    ReceiptHandle: message.receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    ...(Object.keys(attributes).length ? { Attributes: attributes } : {}),
  };
}

const OPERATIONS: Record<string, Operation> = {
  CreateQueue: async (service, input) => {
    if (input['tags'] !== undefined)
      throw new SqsApiError('InvalidParameterValue', 'The local queues keep no tags.');
    const attributes = input['Attributes'] ?? {};
    if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
      throw new SqsApiError('InvalidParameterValue', 'Attributes must be a map');
    }
    const queue = await service.createQueue(input['QueueName'], attributes as Record<string, string>);
    return { QueueUrl: service.urlOf(queue) };
  },
  DeleteQueue: async (service, input) => {
    await service.deleteQueue(service.byUrl(input['QueueUrl']));
    return {};
  },
  GetQueueUrl: async (service, input) => {
    const account = input['QueueOwnerAWSAccountId'];
    const queue = service.byName(input['QueueName'], typeof account === 'string' ? account : undefined);
    return { QueueUrl: service.urlOf(queue) };
  },
  ListQueues: async (service, input) => {
    const prefix = typeof input['QueueNamePrefix'] === 'string' ? input['QueueNamePrefix'] : '';
    const max = optionalInt(input, 'MaxResults') ?? 1000;
    const start = typeof input['NextToken'] === 'string' ? Number(input['NextToken']) || 0 : 0;
    const all = service.list(prefix);
    const page = all.slice(start, start + max);
    return {
      QueueUrls: page.map((q) => service.urlOf(q)),
      ...(start + max < all.length && input['MaxResults'] !== undefined
        ? { NextToken: String(start + max) }
        : {}),
    };
  },
  GetQueueAttributes: async (service, input) => {
    const queue = service.byUrl(input['QueueUrl']);
    const all = queueAttributes(queue);
    const attributes: Record<string, string> = {};
    for (const name of selected(input['AttributeNames'], QUEUE_ATTRIBUTES)) {
      if (all[name] !== undefined) attributes[name] = all[name];
    }
    return { Attributes: attributes };
  },
  ListDeadLetterSourceQueues: async (service, input) => {
    const queue = service.byUrl(input['QueueUrl']);
    return { queueUrls: service.deadLetterSources(queue).map((q) => service.urlOf(q)) };
  },
  SendMessage: async (service, input) => {
    const queue = service.byUrl(input['QueueUrl']);
    refuseMessageAttributes(input);
    const delaySeconds = optionalInt(input, 'DelaySeconds');
    const body = input['MessageBody'];
    if (typeof body !== 'string') throw new SqsApiError('MissingParameter', 'MessageBody is required');
    const id = await queue.send(body, delaySeconds === undefined ? {} : { delaySeconds });
    return { MessageId: id, MD5OfMessageBody: md5(body) };
  },
  SendMessageBatch: async (service, input) => {
    const queue = service.byUrl(input['QueueUrl']);
    const successful: unknown[] = [];
    const failed: unknown[] = [];
    for (const entry of batchEntries(input)) {
      try {
        refuseMessageAttributes(entry);
        const delaySeconds = optionalInt(entry, 'DelaySeconds');
        const body = entry['MessageBody'];
        if (typeof body !== 'string') throw new SqsApiError('MissingParameter', 'MessageBody is required');
        const id = await queue.send(body, delaySeconds === undefined ? {} : { delaySeconds });
        successful.push({ Id: entry['Id'], MessageId: id, MD5OfMessageBody: md5(body) });
      } catch (error) {
        if (!(error instanceof SqsApiError) && !(error instanceof LocalQueueError)) throw error;
        const code = error instanceof SqsApiError ? error.type : error.code;
        failed.push({ Id: entry['Id'], SenderFault: true, Code: code, Message: error.message });
      }
    }
    return { Successful: successful, Failed: failed };
  },
  ReceiveMessage: async (service, input) => {
    const queue = service.byUrl(input['QueueUrl']);
    const max = optionalInt(input, 'MaxNumberOfMessages') ?? 1;
    if (max < 1 || max > 10) {
      throw new SqsApiError(
        'InvalidParameterValue',
        'Value for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10.',
      );
    }
    const names = [
      ...new Set([
        ...selected(input['AttributeNames'], MESSAGE_ATTRIBUTES),
        ...selected(input['MessageSystemAttributeNames'], MESSAGE_ATTRIBUTES),
      ]),
    ];
    const visibilityTimeoutSeconds = optionalInt(input, 'VisibilityTimeout');
    const waitTimeSeconds = optionalInt(input, 'WaitTimeSeconds');
    const messages = await queue.receive(max, {
      ...(visibilityTimeoutSeconds !== undefined ? { visibilityTimeoutSeconds } : {}),
      ...(waitTimeSeconds !== undefined ? { waitTimeSeconds } : {}),
    });
    return { Messages: messages.map((m) => messageOut(m, names)) };
  },
  DeleteMessage: async (service, input) => {
    const queue = service.byUrl(input['QueueUrl']);
    if (typeof input['ReceiptHandle'] !== 'string')
      throw new SqsApiError('MissingParameter', 'ReceiptHandle is required');
    await queue.delete(input['ReceiptHandle']);
    return {};
  },
  DeleteMessageBatch: async (service, input) => {
    const queue = service.byUrl(input['QueueUrl']);
    const entries = batchEntries(input);
    await queue.deleteBatch(entries.map((e) => String(e['ReceiptHandle'] ?? '')));
    return { Successful: entries.map((e) => ({ Id: e['Id'] })), Failed: [] };
  },
  ChangeMessageVisibility: async (service, input) => {
    const queue = service.byUrl(input['QueueUrl']);
    const seconds = optionalInt(input, 'VisibilityTimeout');
    if (seconds === undefined) throw new SqsApiError('MissingParameter', 'VisibilityTimeout is required');
    await queue.changeVisibility(String(input['ReceiptHandle'] ?? ''), seconds);
    return {};
  },
  PurgeQueue: async (service, input) => {
    await service.byUrl(input['QueueUrl']).purge();
    return {};
  },
  StartMessageMoveTask: async (service, input) => ({ TaskHandle: service.startMoveTask(input) }),
  ListMessageMoveTasks: async (service, input) => {
    const max = optionalInt(input, 'MaxResults') ?? 1;
    if (max < 1 || max > 10)
      throw new SqsApiError('InvalidParameterValue', 'MaxResults must be from 1 to 10.');
    return { Results: service.listMoveTasks(input['SourceArn'], max) };
  },
  CancelMessageMoveTask: async (service, input) => ({
    ApproximateNumberOfMessagesMoved: service.cancelMoveTask(input['TaskHandle']),
  }),
};
