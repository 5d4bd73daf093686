import { eventQueueHandler } from '#shared/kernel/events/event-queue-handler.js';
import { logger } from '#shared/kernel/powertools.js';
import { config } from '../config.js';
import { processResultsEvent } from '../domain/processing/process-results.js';
import { RESULTS_EVENTS } from '../domain/processing/triggers.js';
import { processingPorts } from '../wiring.js';

/** SQS batch of EventBridge events: failed messages go back to the queue, the rest are done. */
export const handler = eventQueueHandler(RESULTS_EVENTS, async (event, record) => {
  const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
  const outcome = await processResultsEvent(await processingPorts(), event, {
    lastAttempt: receiveCount >= config.maxReceiveCount,
  });
  logger.info('results message done', {
    detailType: event['detail-type'],
    simulationId: event.detail.simulationId,
    outcome,
  });
});
