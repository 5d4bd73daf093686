import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { getRunDirectory } from '../domain/get-run-directory.js';
import { repository, runDirectoryReader } from '../wiring.js';

/** GET /simulations/{id}/rundir: the stored run directory's files (404 for someone else's). */
export const handler = httpHandler(async (event) => {
  const listing = await getRunDirectory(
    { repository: repository(), runDirectories: runDirectoryReader() },
    callerFrom(event),
    pathParameter(event, 'id'),
  );
  return json(200, listing);
});
