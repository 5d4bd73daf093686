import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { eventQueueHandler } from '#shared/kernel/events/event-queue-handler.js';
import { logger } from '#shared/kernel/powertools.js';
import { config } from '../config.js';
import { DeliveryPendingError, notifyEvent } from '../domain/deliver.js';
import { NOTIFIER_EVENTS, type NotifierEvent } from '../domain/notifications.js';
import { deliveryPorts, redelivery } from '../wiring.js';

async function deliver(event: NotifierEvent, record: SQSRecord): Promise<void> {
  const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
  try {
    const counts = await notifyEvent(deliveryPorts(), event, {
      lastReceive: receiveCount >= config.maxReceiveCount,
      leaseMs: config.leaseSeconds * 1000,
      eventId: event.id ?? record.messageId,
    });
    logger.info('notifications done', { detailType: event['detail-type'], ...counts });
  } catch (err) {
    if (err instanceof DeliveryPendingError && err.retryAtMs !== undefined)
      await comeBackAt(record, err.retryAtMs);
    throw err;
  }
}

/**
 * A message waiting for its digest (or a Retry-After) is received again when
 * it is due, not after the queue's visibility timeout; should the change
 * fail, it still comes back then.
 */
async function comeBackAt(record: SQSRecord, atMs: number): Promise<void> {
  try {
    await redelivery().at(record, atMs);
  } catch (err) {
    logger.warn('could not set when the message comes back; it does after the visibility timeout', {
      messageId: record.messageId,
      error: err as Error,
    });
  }
}

/** SQS batch of EventBridge events; a message whose deliveries are not all done goes back to the queue. */
export const handler = (event: SQSEvent, context: Context) =>
  eventQueueHandler(NOTIFIER_EVENTS, deliver)(event, context);
