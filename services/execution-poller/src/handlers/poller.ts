import { jobDescriptionFromBatchEvent } from '#shared/kernel/compute/batch-backend.js';
import { eventQueueHandler } from '#shared/kernel/events/event-queue-handler.js';
import { logger } from '#shared/kernel/powertools.js';
import { POLLER_EVENTS, processEvent } from '../domain/process-event.js';
import { pollerPorts } from '../wiring.js';

/** SQS batch of EventBridge events: failed messages go back to the queue, the rest are done. */
export const handler = eventQueueHandler(POLLER_EVENTS, async (event) => {
  const outcome = await processEvent(pollerPorts(), event, jobDescriptionFromBatchEvent);
  if (outcome) logger.debug('Batch job state change', { outcome, eventId: event.id });
});
