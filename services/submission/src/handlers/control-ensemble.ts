import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { logger } from '#shared/kernel/powertools.js';
import { pauseOrResumeEnsemble } from '../domain/ensemble-control.js';
import { cancelEnsemble, retryEnsemble } from '../domain/ensembles.js';
import { ensemblePorts } from '../wiring.js';

/**
 * POST /ensembles/{id}/cancel: 202, every active member CANCELLING.
 * POST /ensembles/{id}/retry: 202, every FAILED or TIMED_OUT member running again as its next attempt
 * (`retried` lists the new simulations).
 * POST /ensembles/{id}/pause | resume: 202, members not yet submitted held in WAITING | released.
 */
export const handler = httpHandler(async (event) => {
  const ports = ensemblePorts((err, simulationId) =>
    logger.error('event not published; the finder will pick the member up', {
      simulationId,
      error: err as Error,
    }),
  );
  const caller = callerFrom(event);
  const id = pathParameter(event, 'id');
  if (event.routeKey.endsWith('/cancel')) return json(202, await cancelEnsemble(ports, caller, id));
  if (event.routeKey.endsWith('/pause'))
    return json(202, await pauseOrResumeEnsemble(ports, caller, id, 'pause'));
  if (event.routeKey.endsWith('/resume'))
    return json(202, await pauseOrResumeEnsemble(ports, caller, id, 'resume'));
  const { ensemble, retried } = await retryEnsemble(ports, caller, id);
  return json(202, { ...ensemble, retried });
});
