import { ValidationError } from '#shared/kernel/errors.js';
import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { logger } from '#shared/kernel/powertools.js';
import { pauseSimulation, resumeSimulation } from '../domain/simulation-control.js';
import { simulationControlPorts } from '../wiring.js';

/** `?now=true|false` of a pause. */
function nowParameter(query: Record<string, string | undefined>): boolean {
  const now = query['now'];
  if (now !== undefined && now !== 'true' && now !== 'false') {
    throw new ValidationError('query string is invalid', [
      { field: 'query.now', message: 'must be true or false' },
    ]);
  }
  return now === 'true';
}

/**
 * POST /simulations/{id}/pause[?now=true]: 202 with the simulation WAITING (held before its job
 * was submitted) or PAUSING (its job stopped by the poller, a running checkpointed one at its next restart).
 * POST /simulations/{id}/resume: 202 with the simulation PENDING again.
 * 409 saying why when it cannot be paused or resumed, and what to do instead.
 */
export const handler = httpHandler(async (event) => {
  const ports = simulationControlPorts((err, simulationId) =>
    logger.error('status event not published; the finder will pick the simulation up', {
      simulationId,
      error: err as Error,
    }),
  );
  const caller = callerFrom(event);
  const id = pathParameter(event, 'id');
  if (event.routeKey.endsWith('/resume')) return json(202, await resumeSimulation(ports, caller, id));
  const now = nowParameter(event.queryStringParameters ?? {});
  return json(202, await pauseSimulation(ports, caller, id, { now }));
});
