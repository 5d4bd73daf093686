import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { jsonBody, pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import {
  createSiteCredential,
  deleteSite,
  listSites,
  putSite,
  revokeSiteCredential,
  type SitesApiPorts,
} from '../domain/sites-api.js';
import { siteQueues, sites } from '../wiring.js';

const ports = (): SitesApiPorts => ({ sites: sites(), queues: siteQueues(), now: () => new Date() });

/** GET /sites: every Slurm site with its partitions and limits. */
export const list = httpHandler(async () => json(200, await listSites(ports())));

/** POST /sites (admins): defines or redefines a site. */
export const put = httpHandler(async (event) =>
  json(200, await putSite(ports(), callerFrom(event), jsonBody(event))),
);

/** DELETE /sites/{name} (admins): 204, or 404. */
export const remove = httpHandler(async (event) => {
  await deleteSite(ports(), callerFrom(event), pathParameter(event, 'name'));
  return { statusCode: 204 };
});

/** POST /sites/{name}/credentials (admins): 201 with the secret, shown once. */
export const createCredential = httpHandler(async (event) =>
  json(201, await createSiteCredential(ports(), callerFrom(event), pathParameter(event, 'name'))),
);

/** DELETE /sites/{name}/credentials/{credentialId} (admins): 204, or 404. */
export const revokeCredential = httpHandler(async (event) => {
  await revokeSiteCredential(
    ports(),
    callerFrom(event),
    pathParameter(event, 'name'),
    pathParameter(event, 'credentialId'),
  );
  return { statusCode: 204 };
});
