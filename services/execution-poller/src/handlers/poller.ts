import { jobDescriptionFromBatchEvent } from '#shared/kernel/compute/batch-backend.js';
import { eventQueueHandler } from '#shared/kernel/events/event-queue-handler.js';
import { POLLER_EVENTS, processEvent } from '../domain/process-event.js';
import { pollerPorts } from '../wiring.js';

/** SQS batch of EventBridge events: failed messages go back to the queue, the rest are done. */
export const handler = eventQueueHandler(POLLER_EVENTS, (event) =>
  processEvent(pollerPorts(), event, jobDescriptionFromBatchEvent),
);
