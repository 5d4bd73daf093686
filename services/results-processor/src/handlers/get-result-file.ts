import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { config } from '../config.js';
import { getResultFile } from '../domain/api/result-file.js';
import { resultsApiPorts } from '../wiring.js';

/** GET /simulations/{id}/results/files/{key+}: a short-lived presigned download URL. */
export const handler = httpHandler(async (event) => {
  const caller = callerFrom(event);
  const link = await getResultFile(
    { ...resultsApiPorts(), urlTtlSeconds: config.downloadUrlTtlSeconds },
    caller,
    pathParameter(event, 'id'),
    event.pathParameters?.['key'] ?? '',
  );
  return json(200, link, { 'cache-control': 'no-store' });
});
