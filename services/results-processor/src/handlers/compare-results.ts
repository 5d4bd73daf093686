import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { apiConfig, repository, store } from '../api-commons.js';
import { createDifferenceMapRenderer } from '../api-difference-maps.js';
import { compareResults, parseCompareQuery } from '../domain/compare.js';

/** POST /simulations/{id}/compare/{otherId}?refresh=: {id} is the reference, {otherId} the development run. */
export const handler = httpHandler(async (event) => {
  const comparison = await compareResults(
    {
      repository,
      store,
      now: () => new Date(),
      // A renderer per request: it caches the surface files of this comparison only.
      renderer: createDifferenceMapRenderer(),
      mapCount: apiConfig.comparisonMapCount,
    },
    callerFrom(event),
    pathParameter(event, 'id'),
    pathParameter(event, 'otherId'),
    parseCompareQuery(event.queryStringParameters ?? {}),
  );
  return json(200, comparison);
});
