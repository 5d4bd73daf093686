/**
 * The local platform's queues as one SQS service: found by name, URL or ARN,
 * listed, and their dead-letter queues redriven with SQS's message-move tasks
 * (StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask). The
 * wire protocol is local/aws/sqs-endpoint.ts.
 *
 * A move task takes the dead-letter queue's messages in batches (hidden while
 * they move), sends each to its destination (the queue named, or the one it
 * came from: its DeadLetterQueueSourceArn) and only then deletes it from the
 * dead-letter queue, so a crash in between duplicates a message and never
 * loses one. Tasks live in memory: after a restart the list is empty (on AWS
 * it keeps 14 days), and a task cut short is started again.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { LocalQueue, type ReceivedMessage } from './local-queue.js';

/** An SQS error as the API names it; `queryCode` is what the AWS query protocol called it. */
export class SqsApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly queryCode: string = type,
  ) {
    super(message);
    this.name = 'SqsApiError';
  }
}

export interface MoveTask {
  TaskHandle: string;
  Status: 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';
  SourceArn: string;
  DestinationArn?: string;
  MaxNumberOfMessagesPerSecond?: number;
  ApproximateNumberOfMessagesMoved: number;
  ApproximateNumberOfMessagesToMove: number;
  FailureReason?: string;
  StartedTimestamp: number;
}

/** Messages taken per step of a move task; they stay hidden this long while they move. */
const MOVE_BATCH = 10;
const MOVE_VISIBILITY_SECONDS = 60;

/** The attributes CreateQueue takes here (the rest of SQS's are refused, never silently dropped). */
const CREATE_ATTRIBUTES = [
  'VisibilityTimeout',
  'DelaySeconds',
  'MessageRetentionPeriod',
  'RedrivePolicy',
  'ReceiveMessageWaitTimeSeconds',
  'SqsManagedSseEnabled',
] as const;

/** A queue made by CreateQueue: kept in `<dir>/<name>/created.json` so a restart opens it again. */
interface CreatedQueue {
  name: string;
  attributes: Record<string, string>;
}

export class LocalSqsService {
  private readonly queues = new Map<string, LocalQueue>();
  /** Queues made through the API (CreateQueue), by name, with the attributes they were made with. */
  private readonly created = new Map<string, Record<string, string>>();
  private readonly tasks: MoveTask[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly options: {
      accountId: string;
      /** Base of queue URLs, e.g. http://127.0.0.1:PORT (the endpoint serving this API). */
      endpointUrl: string;
      /** Where queues made by CreateQueue keep their journals (without it, CreateQueue is refused). */
      dir?: string;
    },
  ) {}

  /**
   * CreateQueue as SQS answers it: the queue's URL, the same again for the same
   * name and attributes, QueueNameExists for the same name with others.
   */
  async createQueue(name: unknown, attributes: Record<string, string>): Promise<LocalQueue> {
    if (!this.options.dir) throw new SqsApiError('UnsupportedOperation', 'this local SQS creates no queues');
    if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(name)) {
      throw new SqsApiError(
        'InvalidParameterValue',
        'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      );
    }
    for (const key of Object.keys(attributes)) {
      if (!(CREATE_ATTRIBUTES as readonly string[]).includes(key)) {
        throw new SqsApiError('InvalidAttributeName', `Unknown Attribute ${key}.`);
      }
    }
    const existing = this.queues.get(name);
    if (existing) {
      const before = this.created.get(name);
      const differing = Object.keys({ ...before, ...attributes }).find((k) => before?.[k] !== attributes[k]);
      if (!before || differing) {
        throw new SqsApiError(
          'QueueNameExists',
          `A queue already exists with the same name and a different value for attribute ${differing ?? 'VisibilityTimeout'}`,
          'QueueAlreadyExists',
        );
      }
      return existing;
    }
    const queue = await this.openCreated(name, attributes);
    await fs.writeFile(
      path.join(this.options.dir, name, 'created.json'),
      JSON.stringify({ name, attributes } satisfies CreatedQueue),
    );
    return queue;
  }

  /** DeleteQueue: only a queue made by CreateQueue (the platform's own stay), its messages with it. */
  async deleteQueue(queue: LocalQueue): Promise<void> {
    if (!this.created.has(queue.name) || !this.options.dir) {
      throw new SqsApiError(
        'UnsupportedOperation',
        `${queue.name} is one of the local platform's own queues`,
      );
    }
    this.queues.delete(queue.name);
    this.created.delete(queue.name);
    await queue.close();
    await fs.rm(path.join(this.options.dir, queue.name), { recursive: true, force: true });
  }

  /** Opens again the queues CreateQueue made before a restart (dead-letter queues first). */
  async restoreCreatedQueues(): Promise<void> {
    if (!this.options.dir) return;
    const entries = await fs.readdir(this.options.dir).catch(() => [] as string[]);
    const pending: CreatedQueue[] = [];
    for (const entry of entries) {
      const text = await fs
        .readFile(path.join(this.options.dir, entry, 'created.json'), 'utf8')
        .catch(() => '');
      if (text) pending.push(JSON.parse(text) as CreatedQueue);
    }
    while (pending.length > 0) {
      const ready = pending.findIndex((q) => {
        const target = redrivePolicyOf(q.attributes)?.deadLetterTargetArn;
        return !target || !pending.some((other) => target.endsWith(`:${other.name}`));
      });
      const [next] = pending.splice(Math.max(0, ready), 1);
      await this.openCreated(next!.name, next!.attributes);
    }
  }

  private async openCreated(name: string, attributes: Record<string, string>): Promise<LocalQueue> {
    const number = (key: string, fallback: number) => {
      const value = attributes[key] === undefined ? fallback : Number(attributes[key]);
      if (!Number.isInteger(value))
        throw new SqsApiError('InvalidAttributeValue', `Invalid value for the parameter ${key}.`);
      return value;
    };
    const redrive = redrivePolicyOf(attributes);
    const queue = await LocalQueue.open({
      name,
      dir: path.join(this.options.dir!, name),
      accountId: this.options.accountId,
      visibilityTimeoutSeconds: number('VisibilityTimeout', 30),
      delaySeconds: number('DelaySeconds', 0),
      messageRetentionSeconds: number('MessageRetentionPeriod', 345_600),
      ...(redrive
        ? {
            maxReceiveCount: redrive.maxReceiveCount,
            deadLetterQueue: this.byArn(redrive.deadLetterTargetArn),
          }
        : {}),
    }).catch((error: unknown) => {
      if (error instanceof SqsApiError) throw error;
      throw new SqsApiError('InvalidAttributeValue', (error as Error).message);
    });
    this.queues.set(name, queue);
    this.created.set(name, attributes);
    return queue;
  }

  register(queue: LocalQueue): void {
    this.queues.set(queue.name, queue);
  }

  urlOf(queue: LocalQueue): string {
    return `${this.options.endpointUrl}/${this.options.accountId}/${queue.name}`;
  }

  /** By queue URL (any host: its path is /<account>/<name>). */
  byUrl(url: unknown): LocalQueue {
    if (typeof url !== 'string' || url === '') {
      throw new SqsApiError('InvalidAddress', 'QueueUrl is required', 'InvalidAddress');
    }
    const match = /\/(\d{12})\/([A-Za-z0-9_-]{1,80})\/?$/.exec(url);
    if (!match) throw new SqsApiError('InvalidAddress', `The address ${url} is not valid for this endpoint.`);
    return this.byName(match[2]!, match[1]);
  }

  byName(name: unknown, accountId: string = this.options.accountId): LocalQueue {
    const queue = typeof name === 'string' ? this.queues.get(name) : undefined;
    if (!queue || accountId !== this.options.accountId) {
      throw new SqsApiError(
        'QueueDoesNotExist',
        'The specified queue does not exist.',
        'AWS.SimpleQueueService.NonExistentQueue',
      );
    }
    return queue;
  }

  byArn(arn: unknown): LocalQueue {
    const queue = [...this.queues.values()].find((q) => q.arn === arn);
    if (!queue)
      throw new SqsApiError('ResourceNotFoundException', `There is no queue with ARN ${String(arn)}.`);
    return queue;
  }

  list(prefix = ''): LocalQueue[] {
    return [...this.queues.values()]
      .filter((q) => q.name.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The queues whose redrive policy names `dlq`. */
  deadLetterSources(dlq: LocalQueue): LocalQueue[] {
    return this.list().filter((q) => q.deadLetterQueue === dlq);
  }

  startMoveTask(input: {
    SourceArn?: unknown;
    DestinationArn?: unknown;
    MaxNumberOfMessagesPerSecond?: unknown;
  }): string {
    const source = this.byArn(input.SourceArn);
    if (this.deadLetterSources(source).length === 0) {
      throw new SqsApiError(
        'InvalidParameterValue',
        'Source queue must be configured as a Dead Letter Queue.',
      );
    }
    const destination = input.DestinationArn === undefined ? undefined : this.byArn(input.DestinationArn);
    const rate = input.MaxNumberOfMessagesPerSecond;
    if (rate !== undefined && (!Number.isInteger(rate) || (rate as number) < 1 || (rate as number) > 500)) {
      throw new SqsApiError(
        'InvalidParameterValue',
        'MaxNumberOfMessagesPerSecond must be an integer from 1 to 500.',
      );
    }
    if (
      this.tasks.some(
        (t) => t.SourceArn === source.arn && (t.Status === 'RUNNING' || t.Status === 'CANCELLING'),
      )
    ) {
      throw new SqsApiError(
        'UnsupportedOperation',
        `A message move task is already running on ${source.arn}.`,
      );
    }
    const stats = source.stats();
    const task: MoveTask = {
      TaskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn: source.arn })).toString(
        'base64',
      ),
      Status: 'RUNNING',
      SourceArn: source.arn,
      ...(destination ? { DestinationArn: destination.arn } : {}),
      ...(rate !== undefined ? { MaxNumberOfMessagesPerSecond: rate as number } : {}),
      ApproximateNumberOfMessagesMoved: 0,
      ApproximateNumberOfMessagesToMove: stats.visible + stats.inFlight + stats.delayed,
      StartedTimestamp: Date.now(),
    };
    this.tasks.unshift(task);
    const run = this.move(task, source, destination).finally(() => this.running.delete(run));
    this.running.add(run);
    return task.TaskHandle;
  }

  /** The source's tasks, newest first (at most `max`). */
  listMoveTasks(sourceArn: unknown, max = 1): (Omit<MoveTask, 'TaskHandle'> & { TaskHandle?: string })[] {
    const source = this.byArn(sourceArn);
    return this.tasks
      .filter((t) => t.SourceArn === source.arn)
      .slice(0, max)
      .map(({ TaskHandle, ...rest }) =>
        // As on AWS: only a running task shows its handle (what CancelMessageMoveTask takes).
        rest.Status === 'RUNNING' ? { TaskHandle, ...rest } : rest,
      );
  }

  cancelMoveTask(handle: unknown): number {
    const task = this.tasks.find((t) => t.TaskHandle === handle);
    if (!task) throw new SqsApiError('ResourceNotFoundException', 'The task handle does not name a task.');
    if (task.Status !== 'RUNNING') {
      throw new SqsApiError('UnsupportedOperation', `The task is ${task.Status}, not RUNNING.`);
    }
    task.Status = 'CANCELLING';
    return task.ApproximateNumberOfMessagesMoved;
  }

  /** Waits for the move tasks under way, and closes the queues CreateQueue made (platform stop). */
  async close(): Promise<void> {
    for (const task of this.tasks) if (task.Status === 'RUNNING') task.Status = 'CANCELLING';
    await Promise.all([...this.running]);
    for (const name of this.created.keys()) await this.queues.get(name)?.close();
  }

  private async move(task: MoveTask, source: LocalQueue, destination: LocalQueue | undefined): Promise<void> {
    const started = Date.now();
    try {
      for (;;) {
        if (task.Status === 'CANCELLING') {
          task.Status = 'CANCELLED';
          return;
        }
        const batch = await source.receive(
          Math.min(MOVE_BATCH, task.MaxNumberOfMessagesPerSecond ?? MOVE_BATCH),
          {
            visibilityTimeoutSeconds: MOVE_VISIBILITY_SECONDS,
          },
        );
        if (batch.length === 0) break;
        await this.moveBatch(batch, source, destination);
        await source.deleteBatch(batch.map((m) => m.receiptHandle));
        task.ApproximateNumberOfMessagesMoved += batch.length;
        if (task.MaxNumberOfMessagesPerSecond) {
          const due =
            started + (task.ApproximateNumberOfMessagesMoved / task.MaxNumberOfMessagesPerSecond) * 1000;
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
        }
      }
      task.Status = 'COMPLETED';
    } catch (error) {
      task.Status = 'FAILED';
      task.FailureReason = error instanceof Error ? error.message : String(error);
    }
  }

  /** Sends each message where it goes: durable there before it is deleted from the dead-letter queue. */
  private async moveBatch(
    batch: ReceivedMessage[],
    source: LocalQueue,
    destination: LocalQueue | undefined,
  ): Promise<void> {
    const byDestination = new Map<LocalQueue, string[]>();
    for (const message of batch) {
      const to =
        destination ??
        this.byArn(message.attributes.DeadLetterQueueSourceArn ?? this.deadLetterSources(source)[0]?.arn);
      byDestination.set(to, [...(byDestination.get(to) ?? []), message.body]);
    }
    for (const [to, bodies] of byDestination) await to.sendBatch(bodies);
  }
}

/** A RedrivePolicy attribute (JSON), checked as SQS does. */
function redrivePolicyOf(
  attributes: Record<string, string>,
): { deadLetterTargetArn: string; maxReceiveCount: number } | undefined {
  const text = attributes['RedrivePolicy'];
  if (text === undefined) return undefined;
  let policy: { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
  try {
    policy = JSON.parse(text) as typeof policy;
  } catch {
    throw new SqsApiError(
      'InvalidAttributeValue',
      'Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.',
    );
  }
  const count = Number(policy.maxReceiveCount);
  if (
    typeof policy.deadLetterTargetArn !== 'string' ||
    !Number.isInteger(count) ||
    count < 1 ||
    count > 1000
  ) {
    throw new SqsApiError(
      'InvalidAttributeValue',
      'Value for parameter RedrivePolicy is invalid. Reason: Redrive policy needs deadLetterTargetArn and a maxReceiveCount from 1 to 1000.',
    );
  }
  return { deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount: count };
}
