import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { apiConfig, repository, store } from '../api-commons.js';
import { getResultFile } from '../domain/result-file.js';

/** GET /simulations/{id}/results/files/{key+}: a short-lived presigned download URL. */
export const handler = httpHandler(async (event) => {
  const caller = callerFrom(event);
  const link = await getResultFile(
    { repository, store, now: () => new Date(), urlTtlSeconds: apiConfig.downloadUrlTtlSeconds },
    caller,
    pathParameter(event, 'id'),
    event.pathParameters?.['key'] ?? '',
  );
  return json(200, link, { 'cache-control': 'no-store' });
});
