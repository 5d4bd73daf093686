import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { UnprocessableEventError } from '../errors.js';
import { lambdaHandler, logger } from '../powertools.js';
import { parseDeliveredEvent, type DeliverableDetailType, type DeliveredEvent } from './delivered-event.js';

/**
 * Every message of a batch failed. Thrown rather than answered with every
 * message in batchItemFailures, so that the invocation counts as an error
 * (Lambda's Errors metric, the function-errors alarm): the event source
 * mapping returns them all to the queue either way.
 */
export class FullBatchFailureError extends Error {
  constructor(readonly errors: unknown[]) {
    super(
      `all ${errors.length} message(s) of the batch failed: ${String((errors[0] as Error | undefined)?.message)}`,
    );
    this.name = 'FullBatchFailureError';
  }
}

/** How much of an unprocessable message goes into its log entry. */
const LOGGED_BODY_CHARS = 2048;

/**
 * The Lambda handler of a queue of EventBridge events (ReportBatchItemFailures):
 * each message is parsed against the catalog (parseDeliveredEvent) and handed
 * to `handle`; a message that throws goes back to the queue, the others are done.
 *
 * A message that can never be processed (MalformedEventError,
 * UnknownEventError) fails like any other, on purpose: after the queue's
 * maxReceiveCount it sits in the dead-letter queue, where the DLQ alarm and its
 * runbook see it and a redrive can replay it once the code that understands it
 * is deployed (the usual cause is a producer and a consumer of different
 * versions). Dropping it would lose the event. Its retries cost nothing but a
 * parse, and it is logged at error level each time.
 *
 * Wrapped in lambdaHandler (powertools.ts): each log line carries the
 * invocation's request id, and the batch's metrics are published at its end.
 */
export function eventQueueHandler<K extends DeliverableDetailType>(
  accepts: readonly K[],
  handle: (event: DeliveredEvent<K>, record: SQSRecord) => Promise<void>,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  async function recordHandler(record: SQSRecord): Promise<void> {
    let event: DeliveredEvent<K> | undefined;
    try {
      event = parseDeliveredEvent(record.body, accepts);
      await handle(event, record);
    } catch (err) {
      const context = {
        detailType: event?.['detail-type'],
        messageId: record.messageId,
        receiveCount: record.attributes.ApproximateReceiveCount,
        error: err as Error,
      };
      if (err instanceof UnprocessableEventError) {
        logger.error(
          'event can never be processed; it goes to the dead-letter queue after its last receive',
          {
            ...context,
            body: record.body.slice(0, LOGGED_BODY_CHARS),
          },
        );
      } else {
        logger.warn('message not processed; it will be retried', context);
      }
      throw err;
    }
  }

  return sqsBatchHandler(recordHandler);
}

/**
 * The Lambda handler of any SQS queue (ReportBatchItemFailures): the messages
 * of a batch are independent, processed concurrently, each failing alone; a
 * batch whose every message failed throws FullBatchFailureError. Wrapped in
 * lambdaHandler (powertools.ts) like every handler.
 */
export function sqsBatchHandler(
  handle: (record: SQSRecord) => Promise<void>,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  return lambdaHandler<SQSEvent, SQSBatchResponse>(async (event) => {
    const settled = await Promise.allSettled(event.Records.map((record) => handle(record)));
    const failures = event.Records.flatMap((record, i) => {
      const result = settled[i]!;
      return result.status === 'rejected' ? [{ record, error: result.reason as unknown }] : [];
    });
    if (failures.length > 0 && failures.length === event.Records.length) {
      throw new FullBatchFailureError(failures.map((f) => f.error));
    }
    return { batchItemFailures: failures.map((f) => ({ itemIdentifier: f.record.messageId })) };
  });
}
