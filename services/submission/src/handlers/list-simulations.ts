import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { json } from '#shared/kernel/http/responses.js';
import { listSimulations, parseListQuery } from '../domain/list-simulations.js';
import { repository } from '../wiring.js';

/** GET /simulations?status=&limit=&cursor=: the caller's simulations, newest first. */
export const handler = httpHandler(async (event) => {
  const caller = callerFrom(event);
  const page = await listSimulations(
    { repository: repository() },
    caller,
    parseListQuery(event.queryStringParameters ?? {}),
  );
  return json(200, page);
});
