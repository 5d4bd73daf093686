import { DetailType } from '#shared/kernel/events/catalog.js';
import { eventQueueHandler } from '#shared/kernel/events/event-queue-handler.js';
import { logger } from '#shared/kernel/powertools.js';
import { onStageEnded, onWaitingStageFound } from '../domain/release-stages.js';
import { campaignPorts } from '../wiring.js';

/**
 * Its queue's terminal `Simulation Status Changed` events (at least once,
 * duplicated, out of order) and the finder's `Campaign Stages Due` (WAITING
 * stages whose predecessor's event may be lost): each releases, or cancels,
 * the stage waiting for the one that ended. Idempotent: a stage no longer
 * WAITING is left alone.
 */
export const handler = eventQueueHandler(
  [DetailType.SimulationStatusChanged, DetailType.CampaignStagesDue],
  async (event) => {
    const ports = campaignPorts((err, simulationId) =>
      logger.error('event not published; the finder will pick the stage up', {
        simulationId,
        error: err as Error,
      }),
    );
    if (event['detail-type'] === DetailType.SimulationStatusChanged) {
      const outcome = await onStageEnded(ports, event.detail.simulationId);
      if (outcome !== 'not-a-stage')
        logger.info('stage ended', { simulationId: event.detail.simulationId, outcome });
      return;
    }
    for (const simulationId of event.detail.simulationIds) {
      const outcome = await onWaitingStageFound(ports, simulationId);
      logger.info('waiting stage checked', { simulationId, outcome });
    }
  },
);
