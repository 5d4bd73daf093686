import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { UnprocessableEventError } from '../errors.js';
import { logger } from '../powertools.js';
import { parseDeliveredEvent, type DeliverableDetailType, type DeliveredEvent } from './delivered-event.js';

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
 */
export function eventQueueHandler<K extends DeliverableDetailType>(
  accepts: readonly K[],
  handle: (event: DeliveredEvent<K>, record: SQSRecord) => Promise<void>,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);

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

  return (event, context) => processPartialResponse(event, recordHandler, processor, { context });
}
