import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { bodyText, pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { parseResultsRequest, requestResults } from '../domain/api/request-results.js';
import { requestResultsPorts } from '../wiring.js';

/** POST /simulations/{id}/results: 202, processing requested; 404 for others' runs, 409 unless SUCCEEDED. */
export const handler = httpHandler(async (event) => {
  const caller = callerFrom(event);
  const id = pathParameter(event, 'id');
  const body = parseResultsRequest(bodyText(event));
  const accepted = await requestResults(requestResultsPorts(), caller, id, body);
  return json(202, accepted);
});
