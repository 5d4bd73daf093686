import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { getEnsembleResults } from '../domain/api/ensemble-results.js';
import { ensembleResultsPorts } from '../wiring.js';

/** GET /ensembles/{id}/results: the aggregation's state, manifest and download links. */
export const handler = httpHandler(async (event) => {
  const results = await getEnsembleResults(
    ensembleResultsPorts(),
    callerFrom(event),
    pathParameter(event, 'id'),
  );
  return json(200, results);
});
