import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { compareResults, parseCompareQuery } from '../domain/api/compare.js';
import { comparePorts } from '../wiring.js';

/** POST /simulations/{id}/compare/{otherId}?refresh=: {id} is the reference, {otherId} the development run. */
export const handler = httpHandler(async (event) => {
  const comparison = await compareResults(
    await comparePorts(),
    callerFrom(event),
    pathParameter(event, 'id'),
    pathParameter(event, 'otherId'),
    parseCompareQuery(event.queryStringParameters ?? {}),
  );
  return json(200, comparison);
});
