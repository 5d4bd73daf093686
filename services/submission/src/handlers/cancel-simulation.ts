import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { logger } from '#shared/kernel/powertools.js';
import { cancelSimulation } from '../domain/cancel-simulation.js';
import { publisher, repository } from '../wiring.js';

/** POST /simulations/{id}/cancel: 202 with the simulation now CANCELLING; 409 if it already ended. */
export const handler = httpHandler(async (event) => {
  const simulation = await cancelSimulation(
    {
      repository: repository(),
      publisher: publisher(),
      now: () => new Date(),
      onPublishFailure: (err, simulationId) =>
        logger.error('cancel event not published; the next poll will act on CANCELLING', {
          simulationId,
          error: err as Error,
        }),
    },
    callerFrom(event),
    pathParameter(event, 'id'),
  );
  return json(202, simulation);
});
