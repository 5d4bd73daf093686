import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#shared/kernel/powertools.js';
import { config } from '../config.js';
import { processResultsEvent } from '../domain/processing/process-results.js';
import type { DeliveredEvent } from '../domain/processing/triggers.js';
import { processingPorts } from '../wiring.js';

const processor = new BatchProcessor(EventType.SQS);

async function recordHandler(record: SQSRecord): Promise<void> {
  const event = JSON.parse(record.body) as DeliveredEvent;
  const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
  try {
    const outcome = await processResultsEvent(await processingPorts(), event, {
      lastAttempt: receiveCount >= config.maxReceiveCount,
    });
    logger.info('results message done', {
      detailType: event['detail-type'],
      simulationId: event.detail?.['simulationId'],
      outcome,
    });
  } catch (err) {
    logger.warn('results message not processed; it will be retried', {
      detailType: event['detail-type'],
      messageId: record.messageId,
      receiveCount,
      error: err as Error,
    });
    throw err;
  }
}

/** SQS batch of EventBridge events: failed messages go back to the queue, the rest are done. */
export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context });
