import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { repository, store } from '../api-commons.js';
import { getResults, parseResultsQuery } from '../domain/get-results.js';

/** GET /simulations/{id}/results?variables=&collection=: results status, manifest, metrics, previews. */
export const handler = httpHandler(async (event) => {
  const results = await getResults(
    { repository, store, now: () => new Date() },
    callerFrom(event),
    pathParameter(event, 'id'),
    parseResultsQuery(event.queryStringParameters ?? {}),
  );
  return json(200, results);
});
