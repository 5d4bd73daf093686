import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { jsonBody } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { config } from '../config.js';
import { planSimulation, planAtSite } from '../domain/plan-simulation.js';
import { sites } from '../wiring.js';

/** POST /simulation-plans: 200 with what POST /simulations would do with the spec; nothing is stored. */
export const handler = httpHandler(async (event) => {
  callerFrom(event); // signed-in callers only, though nothing is per-owner
  const plan = await planAtSite(
    sites(),
    jsonBody(event),
    { localBackendEnabled: config.localBackendEnabled },
    planSimulation,
  );
  return json(200, plan);
});
