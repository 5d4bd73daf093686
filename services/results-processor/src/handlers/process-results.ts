import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { eventQueueHandler } from '#shared/kernel/events/event-queue-handler.js';
import { logger } from '#shared/kernel/powertools.js';
import { config } from '../config.js';
import { aggregateEnsemble } from '../domain/aggregation/aggregate-ensemble.js';
import { ensembleToAggregate } from '../domain/aggregation/member-events.js';
import { processResultsEvent } from '../domain/processing/process-results.js';
import { RESULTS_EVENTS, type ResultsEvent } from '../domain/processing/triggers.js';
import { aggregationPorts, processingPorts, repository, resultsRedelivery } from '../wiring.js';

async function processMessage(event: ResultsEvent, record: SQSRecord, deadline: number): Promise<void> {
  const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
  const redeliver = resultsRedelivery();
  const outcome = await processResultsEvent(await processingPorts(), event, {
    lastAttempt: receiveCount >= config.maxReceiveCount,
    maxAttempts: config.maxReceiveCount,
    deadline,
    ...(redeliver ? { comeBackAt: (at: Date) => redeliver(record.body, at) } : {}),
  });
  logger.info('results message done', {
    detailType: event['detail-type'],
    simulationId: event.detail.simulationId,
    outcome,
  });
  // An ensemble member's end may be its ensemble's last: aggregate it (docs/CAMPAIGNS.md).
  const ensembleId = await ensembleToAggregate(repository(), event, outcome);
  if (ensembleId) {
    const aggregation = await aggregateEnsemble(await aggregationPorts(), ensembleId);
    logger.info('ensemble aggregation', { ensembleId, aggregation });
  }
}

/**
 * SQS batch of EventBridge events: failed messages go back to the queue, the
 * rest are done. Processing stops `deadlineMarginSeconds` before the
 * function's timeout, which leaves time to record FAILED: Lambda's own timeout
 * would end the process with nothing recorded.
 */
export const handler = (event: SQSEvent, context: Context) => {
  const deadline = Date.now() + context.getRemainingTimeInMillis() - config.deadlineMarginSeconds * 1000;
  return eventQueueHandler(RESULTS_EVENTS, (message, record) => processMessage(message, record, deadline))(
    event,
    context,
  );
};
