import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { getResults, parseResultsQuery } from '../domain/api/get-results.js';
import { resultsApiPorts } from '../wiring.js';

/** GET /simulations/{id}/results?variables=&collection=: results status, manifest, metrics, previews. */
export const handler = httpHandler(async (event) => {
  const results = await getResults(
    resultsApiPorts(),
    callerFrom(event),
    pathParameter(event, 'id'),
    parseResultsQuery(event.queryStringParameters ?? {}),
  );
  return json(200, results);
});
