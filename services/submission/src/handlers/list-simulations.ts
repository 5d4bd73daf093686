import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { conditionalJson } from '#shared/kernel/http/conditional.js';
import { listSimulations, parseListQuery } from '../domain/list-simulations.js';
import { repository } from '../wiring.js';

/** GET /simulations?status=&tag=&type=&createdFrom=&createdTo=&limit=&cursor=: the caller's simulations, newest first; 304 when If-None-Match names the page's ETag. */
export const handler = httpHandler(async (event) => {
  const caller = callerFrom(event);
  const page = await listSimulations(
    { repository: repository() },
    caller,
    parseListQuery(event.queryStringParameters ?? {}),
  );
  return conditionalJson(event, page);
});
