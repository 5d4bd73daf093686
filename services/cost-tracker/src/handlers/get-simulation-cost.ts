import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { getSimulationCost } from '../domain/get-cost.js';
import { costApiPorts } from '../wiring.js';

/** GET /simulations/{id}/cost: itemised, per attempt, accrued or final. */
export const handler = httpHandler(async (event) => {
  return json(200, await getSimulationCost(costApiPorts(), callerFrom(event), pathParameter(event, 'id')));
});
