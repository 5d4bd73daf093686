import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { getEnsemble, parseMembersQuery } from '../domain/ensembles.js';
import { ensembles, repository } from '../wiring.js';

/**
 * GET /ensembles/{id}: the roll-up and the first page of members;
 * GET /ensembles/{id}/members?status=&limit=&cursor=: the members alone, filtered.
 */
export const handler = httpHandler(async (event) => {
  const ensemble = await getEnsemble(
    { repository: repository(), ensembles: ensembles() },
    callerFrom(event),
    pathParameter(event, 'id'),
    parseMembersQuery(event.queryStringParameters ?? {}),
  );
  if (!event.routeKey.endsWith('/members')) return json(200, ensemble);
  return json(200, {
    ensembleId: ensemble.id,
    counts: ensemble.counts,
    members: ensemble.members ?? [],
    ...(ensemble.nextCursor !== undefined ? { nextCursor: ensemble.nextCursor } : {}),
  });
});
