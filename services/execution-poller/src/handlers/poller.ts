import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord, Context } from 'aws-lambda';
import { jobDescriptionFromBatchEvent } from '#shared/kernel/compute/batch-backend.js';
import { logger } from '#shared/kernel/powertools.js';
import { pollerPorts } from '../wiring.js';
import { processEvent, type DeliveredEvent } from '../domain/process-event.js';

const processor = new BatchProcessor(EventType.SQS);

async function recordHandler(record: SQSRecord): Promise<void> {
  const event = JSON.parse(record.body) as DeliveredEvent;
  try {
    await processEvent(pollerPorts(), event, jobDescriptionFromBatchEvent);
  } catch (err) {
    logger.warn('message not processed; it will be retried', {
      detailType: event['detail-type'],
      messageId: record.messageId,
      receiveCount: record.attributes.ApproximateReceiveCount,
      error: err as Error,
    });
    throw err;
  }
}

/** SQS batch of EventBridge events: failed messages go back to the queue, the rest are done. */
export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context });
