import type { SQSRecord } from 'aws-lambda';
import { sqsBatchHandler } from '#shared/kernel/events/event-queue-handler.js';
import { logger } from '#shared/kernel/powertools.js';
import { postAlarm } from '../domain/on-call.js';
import { onCallPorts } from '../wiring.js';

async function post(record: SQSRecord): Promise<void> {
  try {
    const posted = await postAlarm(onCallPorts(), record.body);
    logger.info(posted ? 'alarm posted to on-call Slack' : 'no on-call Slack target configured', {
      messageId: record.messageId,
    });
  } catch (err) {
    logger.warn('alarm not posted; the message will be received again', {
      messageId: record.messageId,
      receiveCount: record.attributes.ApproximateReceiveCount,
      error: err as Error,
    });
    throw err;
  }
}

/** SQS (subscribed to the alarm topic): each alarm state change as one Slack message to on-call. */
export const handler = sqsBatchHandler(post);
