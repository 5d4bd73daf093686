/**
 * The routes a Slurm site's agent calls with its site credential (no JWT
 * authorizer in serverless.yml: the credential is checked here, in constant
 * time, before anything else is read or answered).
 */
import { httpHandler } from '#shared/kernel/http/handler.js';
import { header, jsonBody, pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import {
  applySiteReports,
  authenticateSite,
  grantTransfers,
  openSiteSession,
} from '../domain/site-agent-api.js';
import { siteAgentPorts } from '../wiring.js';

/** POST /sites/{name}/session: the work queue's URL and credentials for it alone. */
export const session = httpHandler(async (event) => {
  const ports = siteAgentPorts();
  const site = await authenticateSite(ports, pathParameter(event, 'name'), header(event, 'authorization'));
  return json(200, await openSiteSession(ports, site));
});

/** POST /sites/{name}/transfers: presigned URLs for one attempt's run directory and files. */
export const transfers = httpHandler(async (event) => {
  const ports = siteAgentPorts();
  const site = await authenticateSite(ports, pathParameter(event, 'name'), header(event, 'authorization'));
  return json(200, await grantTransfers(ports, site, jsonBody(event)));
});

/** POST /sites/{name}/reports: heartbeat and job reports; which applied, which not and why. */
export const reports = httpHandler(async (event) => {
  const ports = siteAgentPorts();
  const site = await authenticateSite(ports, pathParameter(event, 'name'), header(event, 'authorization'));
  return json(200, await applySiteReports(ports, site, jsonBody(event)));
});
