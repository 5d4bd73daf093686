/**
 * GET/POST /sites, DELETE /sites/{name}, POST /sites/{name}/credentials and
 * DELETE /sites/{name}/credentials/{credentialId}: the Slurm sites specs may
 * name in compute.site, with their partitions and limits, and their agents'
 * credentials (docs/SLURM.md). Everyone may list sites (to choose one); only
 * admins change them.
 */
import { ForbiddenError, NotFoundError, ValidationError } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import {
  newSiteCredential,
  siteView,
  type SiteDefinition,
  type SiteStore,
} from '#shared/kernel/repository/sites.js';
import type { SiteQueues } from '#shared/kernel/compute/site-queues.js';
import type { ResolvedSimulationSpec } from '#shared/science/spec/validate-spec.js';
import { issuesFromAjv, validatorFor } from '#schemas/validator.js';
import type { Site, SiteCredential, SiteList, SiteRequest } from '#schemas/generated/types.js';

export interface SitesApiPorts {
  sites: SiteStore;
  /** The site's work queue and dead-letter queue, made with the site and removed with it. */
  queues: Pick<SiteQueues, 'create' | 'remove'>;
  now: () => Date;
}

const validateRequest = validatorFor<SiteRequest>('https://gcr.dev/schemas/api/site-request.schema.json');
const SITE_NAME = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/;
const CREDENTIAL_ID = /^[a-f0-9]{16}$/;

function requireAdmin(caller: Caller, what: string): void {
  if (!caller.isAdmin) throw new ForbiddenError(`only admins may ${what}`);
}

async function existingSite(ports: SitesApiPorts, name: string): Promise<SiteDefinition> {
  const site = SITE_NAME.test(name) ? await ports.sites.get(name) : undefined;
  if (!site) throw new NotFoundError(`there is no site ${JSON.stringify(name)}`);
  return site;
}

export async function listSites(ports: SitesApiPorts): Promise<SiteList> {
  const sites = [...(await ports.sites.all()).values()].sort((a, b) => a.name.localeCompare(b.name));
  return { items: sites.map(siteView) };
}

/** POST /sites: defines or redefines a site; a redefinition keeps its credentials. */
export async function putSite(ports: SitesApiPorts, caller: Caller, body: unknown): Promise<Site> {
  requireAdmin(caller, 'define sites');
  const request = structuredClone(body);
  if (!validateRequest(request))
    throw new ValidationError('the site is invalid', issuesFromAjv(validateRequest.errors));
  const names = request.partitions.map((partition) => partition.name);
  const repeated = names.findIndex((name, index) => names.indexOf(name) !== index);
  if (repeated >= 0) {
    throw new ValidationError('the site is invalid', [
      { field: `partitions.${repeated}.name`, message: `partition ${names[repeated]} is listed twice` },
    ]);
  }
  const previous = await ports.sites.get(request.name);
  const definition: SiteDefinition = {
    ...request,
    updatedAt: ports.now().toISOString(),
    updatedBy: caller.username ?? caller.userId,
    credentials: previous?.credentials ?? {},
    ...(previous?.lastHeartbeatAt ? { lastHeartbeatAt: previous.lastHeartbeatAt } : {}),
    ...(previous?.agentId ? { agentId: previous.agentId } : {}),
  };
  // The queues first (CreateQueue is idempotent): a site is never defined without the queue its work goes to.
  await ports.queues.create(definition.name);
  await ports.sites.put(definition);
  return siteView(definition);
}

/** DELETE /sites/{name}: the site, every credential of it, and its work queues. */
export async function deleteSite(ports: SitesApiPorts, caller: Caller, name: string): Promise<void> {
  requireAdmin(caller, 'remove sites');
  await existingSite(ports, name);
  if (!(await ports.sites.delete(name))) throw new NotFoundError(`there is no site ${JSON.stringify(name)}`);
  // After the site: its agent is refused from now on, and then its queues (with any work left) go.
  await ports.queues.remove(name);
}

/** POST /sites/{name}/credentials: a new secret for the site's agent, shown this once. */
export async function createSiteCredential(
  ports: SitesApiPorts,
  caller: Caller,
  name: string,
): Promise<SiteCredential> {
  requireAdmin(caller, 'create site credentials');
  const site = await existingSite(ports, name);
  const now = ports.now();
  const { credentialId, secret, stored } = newSiteCredential(now);
  await ports.sites.put({ ...site, credentials: { ...site.credentials, [credentialId]: stored } });
  return { site: name, credentialId, secret, createdAt: stored.createdAt };
}

/** DELETE /sites/{name}/credentials/{credentialId}: the agent holding it is refused from then on. */
export async function revokeSiteCredential(
  ports: SitesApiPorts,
  caller: Caller,
  name: string,
  credentialId: string,
): Promise<void> {
  requireAdmin(caller, 'revoke site credentials');
  const site = await existingSite(ports, name);
  if (!CREDENTIAL_ID.test(credentialId) || !site.credentials[credentialId]) {
    throw new NotFoundError(`site ${name} has no credential ${JSON.stringify(credentialId)}`);
  }
  const { [credentialId]: _revoked, ...kept } = site.credentials;
  await ports.sites.put({ ...site, credentials: kept });
}

/**
 * A spec on backend "slurm" names a known site (compute.site) and fits one of
 * its partitions: time, CPUs and memory. 400 naming the field otherwise.
 */
export async function checkSlurmSite(
  spec: ResolvedSimulationSpec,
  sites: Pick<SiteStore, 'get'>,
): Promise<void> {
  const { compute } = spec;
  if (compute.backend !== 'slurm' || compute.site === undefined) return;
  const site = await sites.get(compute.site);
  if (!site) {
    throw new ValidationError('the simulation spec is invalid', [
      {
        field: 'compute.site',
        message: `there is no site ${JSON.stringify(compute.site)} (GET /sites lists them)`,
      },
    ]);
  }
  const limits: Array<{
    field: string;
    value: number;
    limit: (p: SiteRequest['partitions'][number]) => number;
    unit: string;
  }> = [
    {
      field: 'compute.maxRuntimeMinutes',
      value: compute.maxRuntimeMinutes,
      limit: (p) => p.maxTimeMinutes,
      unit: 'minutes',
    },
    { field: 'compute.vcpus', value: compute.vcpus, limit: (p) => p.maxCpus, unit: 'CPUs' },
    { field: 'compute.memoryMiB', value: compute.memoryMiB, limit: (p) => p.maxMemoryMiB, unit: 'MiB' },
  ];
  if (site.partitions.some((partition) => limits.every(({ value, limit }) => value <= limit(partition))))
    return;
  // Name each limit no partition meets; when each is met by some partition but none meets all, say so.
  const unmet = limits.filter(
    ({ value, limit }) => !site.partitions.some((partition) => value <= limit(partition)),
  );
  if (unmet.length === 0) {
    throw new ValidationError('the simulation spec does not fit its site', [
      {
        field: 'compute',
        message: `no partition of site ${site.name} has room for ${limits.map(({ value, unit }) => `${value} ${unit}`).join(', ')} together`,
      },
    ]);
  }
  const issues = unmet.map(({ field, value, limit, unit }) => ({
    field,
    message: `${value} ${unit} do not fit site ${site.name}: its partitions allow at most ${site.partitions
      .map((partition) => `${limit(partition)} (${partition.name})`)
      .join(', ')}`,
  }));
  throw new ValidationError('the simulation spec does not fit its site', issues);
}
