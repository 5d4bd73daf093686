import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { conditionalJson } from '#shared/kernel/http/conditional.js';
import { getSimulation } from '../domain/get-simulation.js';
import { repository } from '../wiring.js';

/** GET /simulations/{id}: the simulation with its status history; 304 when If-None-Match names its ETag. */
export const handler = httpHandler(async (event) => {
  const simulation = await getSimulation(
    { repository: repository() },
    callerFrom(event),
    pathParameter(event, 'id'),
  );
  return conditionalJson(event, simulation);
});
