import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { eventQueueHandler } from '#shared/kernel/events/event-queue-handler.js';
import { logger } from '#shared/kernel/powertools.js';
import { config } from '../config.js';
import { notifyEvent } from '../domain/deliver.js';
import { NOTIFIER_EVENTS, type NotifierEvent } from '../domain/notifications.js';
import { deliveryPorts } from '../wiring.js';

async function deliver(event: NotifierEvent, record: SQSRecord): Promise<void> {
  const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
  const counts = await notifyEvent(deliveryPorts(), event, {
    lastReceive: receiveCount >= config.maxReceiveCount,
    leaseMs: config.leaseSeconds * 1000,
    eventId: event.id ?? record.messageId,
  });
  logger.info('notifications done', { detailType: event['detail-type'], ...counts });
}

/** SQS batch of EventBridge events; a message whose deliveries are not all done goes back to the queue. */
export const handler = (event: SQSEvent, context: Context) =>
  eventQueueHandler(NOTIFIER_EVENTS, deliver)(event, context);
