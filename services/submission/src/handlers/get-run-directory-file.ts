import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { getRunDirectoryFile } from '../domain/get-run-directory.js';
import { repository, runDirectoryReader } from '../wiring.js';

/** GET /simulations/{id}/rundir/{path}: one stored run directory file as text, size-limited. */
export const handler = httpHandler(async (event) => {
  const file = await getRunDirectoryFile(
    { repository: repository(), runDirectories: runDirectoryReader() },
    callerFrom(event),
    pathParameter(event, 'id'),
    pathParameter(event, 'path'),
  );
  return json(200, file);
});
