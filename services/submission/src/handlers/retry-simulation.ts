import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { logger } from '#shared/kernel/powertools.js';
import { config } from '../config.js';
import { retrySimulation } from '../domain/ensembles.js';
import { ensemblePorts } from '../wiring.js';

/** POST /simulations/{id}/retry: 201 with the new attempt (200 when it exists already); 409 unless FAILED or TIMED_OUT. */
export const handler = httpHandler(async (event) => {
  const { simulation, replayed } = await retrySimulation(
    ensemblePorts((err, simulationId) =>
      logger.error('Simulation Submitted not published; the finder will pick it up', {
        simulationId,
        error: err as Error,
      }),
    ),
    { maxActivePerOwner: config.maxActivePerOwner },
    callerFrom(event),
    pathParameter(event, 'id'),
  );
  return json(replayed ? 200 : 201, simulation, { location: `/simulations/${simulation.id}` });
});
