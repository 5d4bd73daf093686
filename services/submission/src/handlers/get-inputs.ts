import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { getInputs } from '../domain/get-inputs.js';
import { repository } from '../wiring.js';

/** GET /simulations/{id}/inputs: the input data the simulation reads (404 for someone else's). */
export const handler = httpHandler(async (event) => {
  const inputs = await getInputs({ repository: repository() }, callerFrom(event), pathParameter(event, 'id'));
  return json(200, inputs);
});
