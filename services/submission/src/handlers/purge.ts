import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { parsePurgeQuery, purge, purgeKindOf } from '../domain/purge.js';
import { purgePorts } from '../wiring.js';

/**
 * DELETE /simulations/{id}, /ensembles/{id}, /campaigns/{id}: 200 with what
 * would be deleted (`?dryRun=true`) or was (`?confirm=<the id>`); 409 while
 * anything in it is active; 404 for another owner's.
 */
export const handler = httpHandler(async (event) => {
  const report = await purge(
    purgePorts(),
    callerFrom(event),
    purgeKindOf(event.routeKey),
    pathParameter(event, 'id'),
    parsePurgeQuery(event.queryStringParameters ?? {}),
  );
  return json(200, report);
});
