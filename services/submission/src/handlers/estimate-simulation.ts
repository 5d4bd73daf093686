import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { jsonBody } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { config } from '../config.js';
import { estimateSimulation, planAtSite } from '../domain/plan-simulation.js';
import { sites } from '../wiring.js';

/** POST /estimates: 200 with the expected wall time and cost of the spec's run. */
export const handler = httpHandler(async (event) => {
  callerFrom(event); // signed-in callers only, though nothing is per-owner
  const estimate = await planAtSite(
    sites(),
    jsonBody(event),
    { localBackendEnabled: config.localBackendEnabled },
    estimateSimulation,
  );
  return json(200, estimate);
});
