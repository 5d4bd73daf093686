/**
 * The local Lambda SQS event source mapping: polls a LocalQueue, invokes the
 * function's real handler with an SQSEvent shaped like AWS's, and deletes what
 * the invocation processed.
 *
 * Semantics (as the Lambda developer guide documents them):
 * - up to `maxConcurrency` invocations at once (one poller per slot);
 * - a batch holds up to `batchSize` messages; with `maximumBatchingWindowSeconds`
 *   the poller keeps gathering for up to that long after the first message
 *   until the batch is full (AWS requires a window for batchSize > 10);
 * - the handler resolves → every message of the batch is deleted;
 * - the handler throws (or rejects) → none is deleted; they come back after
 *   the queue's visibility timeout, and the redrive policy eventually moves
 *   them to the DLQ;
 * - with ReportBatchItemFailures: a response whose `batchItemFailures` is
 *   empty, null or absent (or a null/undefined/empty response) is a complete
 *   success; the listed `itemIdentifier`s stay and the others are deleted; an
 *   invalid response (not an object, an item without a non-empty string
 *   `itemIdentifier`, or an identifier not in the batch) fails the whole batch;
 * - without ReportBatchItemFailures the response is ignored.
 *
 * Shutdown: stop the consumer before closing its queue, so that in-flight
 * invocations can still delete what they processed.
 *
 * Latency: an idle poller waits on `queue.waitForMessages`, which wakes at the
 * next send (or when a delayed / in-flight message becomes visible), so a new
 * message is handled at once, not after `pollIntervalMs`.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { LocalQueue, ReceivedMessage } from './local-queue.js';

export interface QueueConsumerOptions {
  /** Messages per invocation, 1..10000; default 10. */
  batchSize?: number;
  /** 0..300; default 0. Required (> 0) when batchSize > 10, as on AWS. */
  maximumBatchingWindowSeconds?: number;
  /** functionResponseType: ReportBatchItemFailures. */
  reportBatchItemFailures: boolean;
  /** Concurrent handler invocations; default 2. */
  maxConcurrency?: number;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>;
  /** Handler failures, invalid batch responses and polling errors; default logs to stderr. */
  onError?: (err: unknown) => void;
  /** Longest idle wait between polls, in ms; default 1000. Arrivals wake pollers earlier. */
  pollIntervalMs?: number;
}

export interface QueueConsumer {
  /** Stops polling and waits for in-flight invocations (and their deletes) to finish. */
  stop(): Promise<void>;
}

/** Raised (through onError) when a ReportBatchItemFailures response is malformed. */
export class InvalidBatchResponseError extends Error {
  constructor(
    message: string,
    readonly queueName: string,
  ) {
    super(message);
    this.name = 'InvalidBatchResponseError';
  }
}

/** Raised (through onError) when the handler throws; `cause` is the handler's error. */
export class HandlerInvocationError extends Error {
  constructor(
    readonly queueName: string,
    readonly messageIds: string[],
    cause: unknown,
  ) {
    super(
      `handler for queue ${queueName} failed on a batch of ${messageIds.length}: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
    this.name = 'HandlerInvocationError';
  }
}

/** Builds the SQSEvent Lambda passes for these messages. */
export function buildSqsEvent(
  queue: Pick<LocalQueue, 'arn' | 'region'>,
  messages: ReceivedMessage[],
): SQSEvent {
  return {
    Records: messages.map((m): SQSRecord => ({
      messageId: m.messageId,
      receiptHandle: m.receiptHandle,
      body: m.body,
      attributes: { ...m.attributes },
      messageAttributes: {},
      md5OfBody: m.md5OfBody,
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: queue.region,
    })),
  };
}

export type BatchOutcome =
  { kind: 'success' } | { kind: 'partial'; failedMessageIds: string[] } | { kind: 'failure'; reason: string };

/** How Lambda reads a ReportBatchItemFailures response for a batch with these message ids. */
export function interpretBatchResponse(response: unknown, messageIds: readonly string[]): BatchOutcome {
  if (response === undefined || response === null) return { kind: 'success' };
  if (typeof response !== 'object' || Array.isArray(response)) {
    return {
      kind: 'failure',
      reason: `the response is not an object (got ${Array.isArray(response) ? 'array' : typeof response})`,
    };
  }
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'failure', reason: 'batchItemFailures is not an array' };
  if (failures.length === 0) return { kind: 'success' };
  const known = new Set(messageIds);
  const failed = new Set<string>();
  for (const [i, item] of failures.entries()) {
    if (typeof item !== 'object' || item === null || !('itemIdentifier' in item)) {
      return { kind: 'failure', reason: `batchItemFailures[${i}] has no itemIdentifier` };
    }
    const id = (item as { itemIdentifier: unknown }).itemIdentifier;
    if (typeof id !== 'string' || id === '') {
      return { kind: 'failure', reason: `batchItemFailures[${i}].itemIdentifier is empty or not a string` };
    }
    if (!known.has(id)) {
      return {
        kind: 'failure',
        reason: `batchItemFailures[${i}].itemIdentifier ${id} is not a message of this batch`,
      };
    }
    failed.add(id);
  }
  return { kind: 'partial', failedMessageIds: [...failed] };
}

function defaultOnError(err: unknown): void {
  console.error('[local sqs consumer]', err);
}

export function startQueueConsumer(queue: LocalQueue, opts: QueueConsumerOptions): QueueConsumer {
  const batchSize = opts.batchSize ?? 10;
  const windowSeconds = opts.maximumBatchingWindowSeconds ?? 0;
  const concurrency = opts.maxConcurrency ?? 2;
  const pollIntervalMs = opts.pollIntervalMs ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new RangeError(
      `queue ${queue.name}: batchSize must be an integer from 1 to 10000, got ${batchSize}`,
    );
  }
  if (!Number.isFinite(windowSeconds) || windowSeconds < 0 || windowSeconds > 300) {
    throw new RangeError(
      `queue ${queue.name}: maximumBatchingWindowSeconds must be from 0 to 300, got ${windowSeconds}`,
    );
  }
  if (batchSize > 10 && windowSeconds <= 0) {
    throw new RangeError(
      `queue ${queue.name}: batchSize ${batchSize} > 10 needs maximumBatchingWindowSeconds of at least 1 (as AWS requires)`,
    );
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(
      `queue ${queue.name}: maxConcurrency must be a positive integer, got ${concurrency}`,
    );
  }
  if (!Number.isFinite(pollIntervalMs) || pollIntervalMs <= 0) {
    throw new RangeError(`queue ${queue.name}: pollIntervalMs must be positive, got ${pollIntervalMs}`);
  }
  const onError = (err: unknown): void => {
    try {
      (opts.onError ?? defaultOnError)(err);
    } catch {
      // an error reporter that throws must not stop the poller
    }
  };

  const abort = new AbortController();
  const signal = abort.signal;

  async function collectBatch(): Promise<ReceivedMessage[]> {
    const batch = await queue.receive(batchSize);
    if (batch.length === 0 || windowSeconds <= 0) return batch;
    const deadline = Date.now() + windowSeconds * 1000;
    while (batch.length < batchSize && !signal.aborted) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      await queue.waitForMessages(left, signal);
      if (signal.aborted) break;
      batch.push(...(await queue.receive(batchSize - batch.length)));
    }
    return batch;
  }

  async function invoke(batch: ReceivedMessage[]): Promise<void> {
    const event = buildSqsEvent(queue, batch);
    let response: SQSBatchResponse | void;
    try {
      response = await opts.handler(event);
    } catch (err) {
      onError(
        new HandlerInvocationError(
          queue.name,
          batch.map((m) => m.messageId),
          err,
        ),
      );
      return; // nothing deleted: every message comes back after its visibility timeout
    }
    let toDelete = batch;
    if (opts.reportBatchItemFailures) {
      const outcome = interpretBatchResponse(
        response,
        batch.map((m) => m.messageId),
      );
      if (outcome.kind === 'failure') {
        onError(
          new InvalidBatchResponseError(
            `queue ${queue.name}: invalid batch response: ${outcome.reason}`,
            queue.name,
          ),
        );
        return;
      }
      if (outcome.kind === 'partial') {
        const failed = new Set(outcome.failedMessageIds);
        toDelete = batch.filter((m) => !failed.has(m.messageId));
      }
    }
    if (toDelete.length > 0) await queue.deleteBatch(toDelete.map((m) => m.receiptHandle));
  }

  async function poller(): Promise<void> {
    while (!signal.aborted) {
      try {
        const batch = await collectBatch();
        if (batch.length === 0) {
          await queue.waitForMessages(pollIntervalMs, signal);
          continue;
        }
        await invoke(batch);
      } catch (err) {
        onError(err);
        if (!signal.aborted) await queue.waitForMessages(pollIntervalMs, signal);
        // A closed queue cannot come back: stop this poller rather than spin.
        if ((err as { code?: unknown }).code === 'QueueClosed') return;
      }
    }
  }

  const pollers = Array.from({ length: concurrency }, () => poller());
  let stopping: Promise<void> | undefined;
  return {
    stop(): Promise<void> {
      stopping ??= (async () => {
        abort.abort();
        await Promise.all(pollers);
      })();
      return stopping;
    },
  };
}
