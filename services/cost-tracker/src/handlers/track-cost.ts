import { eventQueueHandler } from '#shared/kernel/events/event-queue-handler.js';
import { DetailType } from '#shared/kernel/events/catalog.js';
import { logger } from '#shared/kernel/powertools.js';
import { recordCost } from '../domain/record-cost.js';
import { trackerPorts } from '../wiring.js';

/**
 * Its queue's `Simulation Status Changed` and `Simulation Results Ready`
 * events (at least once, duplicated, out of order): each brings the
 * simulation's cost up to date from the simulations table (Results Ready: the
 * outputs' S3 storage); a duplicate or an older event finds nothing to change.
 */
export const handler = eventQueueHandler(
  [DetailType.SimulationStatusChanged, DetailType.SimulationResultsReady],
  async (event) => {
    const result = await recordCost(trackerPorts(), event.detail.simulationId);
    logger.info('cost tracked', {
      detailType: event['detail-type'],
      simulationId: event.detail.simulationId,
      outcome: result.outcome,
      totalUsd: result.cost?.totalUsd,
    });
  },
);
