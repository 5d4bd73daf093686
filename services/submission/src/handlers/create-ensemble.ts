import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { header, jsonBody } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { logger } from '#shared/kernel/powertools.js';
import { config } from '../config.js';
import { createEnsemble } from '../domain/ensembles.js';
import { ensemblePorts } from '../wiring.js';

/** A perturbation sweep of 10,000 boxes is about 1 MB of JSON. */
const MAX_ENSEMBLE_BODY_BYTES = 4 * 1024 * 1024;

/**
 * POST /ensembles: 201 with the ensemble and its members PENDING (up to 200
 * members); 202 with the ensemble CREATING and its creation progress for more
 * (the members are written in batches: GET the Location until
 * creation.status is COMPLETE); 200 when an Idempotency-Key replays a
 * created one (202 while its creation runs).
 */
export const handler = httpHandler(async (event) => {
  const result = await createEnsemble(
    ensemblePorts((err, simulationId) =>
      logger.error('Simulation Submitted not published; the finder will pick the member up', {
        simulationId,
        error: err as Error,
      }),
    ),
    {
      localBackendEnabled: config.localBackendEnabled,
      syncMemberLimit: config.ensembleSyncMemberLimit,
      creationBatchSize: config.ensembleCreationBatchSize,
    },
    {
      caller: callerFrom(event),
      body: jsonBody(event, MAX_ENSEMBLE_BODY_BYTES),
      idempotencyKey: header(event, 'idempotency-key'),
    },
  );
  const headers: Record<string, string> = { location: `/ensembles/${result.ensemble.id}` };
  if (result.replayed) headers['idempotent-replayed'] = 'true';
  const creating = result.ensemble.status === 'CREATING' || result.ensemble.status === 'CREATION_FAILED';
  return json(result.batched && creating ? 202 : result.replayed ? 200 : 201, result.ensemble, headers);
});
