/**
 * POST /sites/{name}/session, /transfers and /reports: the routes a Slurm
 * site's agent calls (docs/SLURM.md, "Agent protocol"), authenticated by the
 * site's credential (Authorization: Bearer gcrsite_...), never by a user's
 * token: API Gateway routes them without its JWT authorizer and the check is
 * here. A missing, malformed, revoked or other site's credential is a 401.
 */
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '#shared/kernel/errors.js';
import type { SiteQueues } from '#shared/kernel/compute/site-queues.js';
import { applyJobReport, isEndOfAttempt, WAITING_FOR_SITE } from '#shared/kernel/compute/site-job-state.js';
import { siteJobName, type SiteJobStore } from '#shared/kernel/repository/site-jobs.js';
import {
  siteCredentialMatches,
  type SiteDefinition,
  type SiteStore,
} from '#shared/kernel/repository/sites.js';
import type { SimulationRepository } from '#shared/kernel/repository/simulations.js';
import { isTerminal } from '#shared/kernel/status.js';
import { storedSpec } from '#shared/science/spec/validate-spec.js';
import type { ValidateFunction } from 'ajv';
import { issuesFromAjv, validatorFor } from '#schemas/validator.js';
import type {
  Simulation,
  SiteJobReport,
  SiteReportRequest,
  SiteReportResponse,
  SiteSession,
  SiteTransfer,
  SiteTransferRequest,
} from '#schemas/generated/types.js';

export interface AgentCredentials {
  credentials: SiteSession['credentials'];
  expiresAt: Date;
}

export interface SiteAgentPorts {
  sites: Pick<SiteStore, 'get' | 'recordHeartbeat'>;
  siteJobs: Pick<SiteJobStore, 'get' | 'save'>;
  simulations: Pick<SimulationRepository, 'get'>;
  queues: Pick<SiteQueues, 'find'>;
  /** Short-lived credentials that can only receive, delete and change the visibility of this queue's messages. */
  issueCredentials(site: string, queueArn: string): Promise<AgentCredentials>;
  objects: {
    /** The files under simulations/<id>/rundir/, relative to simulations/<id>/. */
    listRunDirectory(simulationId: string): Promise<{ path: string; bytes: number }[]>;
    presignGet(simulationId: string, path: string, expiresInSeconds: number): Promise<string>;
    presignPut(
      simulationId: string,
      path: string,
      headers: Record<string, string>,
      expiresInSeconds: number,
    ): Promise<string>;
  };
  /** A prompt poll of these slurm simulations (the poller applies what the reports changed). */
  requestPoll(simulations: Simulation[]): Promise<void>;
  settings: {
    region: string;
    /** The SQS endpoint the agent uses instead of the region's (the local platform's); absent on AWS. */
    sqsEndpoint?: string;
    heartbeatIntervalSeconds: number;
    visibilityTimeoutSeconds: number;
    transferExpirySeconds: number;
    /** Uploads stay granted this long after the simulation ended (its last files). */
    uploadGraceMs: number;
  };
  now: () => Date;
}

const SITE_NAME = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/;
const validateTransfer = validatorFor<SiteTransferRequest>(
  'https://gcr.dev/schemas/api/site-transfer-request.schema.json',
);
const validateReport = validatorFor<SiteReportRequest>(
  'https://gcr.dev/schemas/api/site-report-request.schema.json',
);

/** A copy of the body, validated against its schema; 400 naming the fields otherwise. */
function validBody<T>(validate: ValidateFunction<T>, body: unknown, what: string): T {
  const request = structuredClone(body);
  if (!validate(request)) throw new ValidationError(`the ${what} is invalid`, issuesFromAjv(validate.errors));
  return request;
}

/** The site whose live credential the request carries; 401 otherwise (the same answer whatever is wrong). */
export async function authenticateSite(
  ports: Pick<SiteAgentPorts, 'sites'>,
  name: string,
  authorization: string | undefined,
): Promise<SiteDefinition> {
  const secret = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  const site = secret && SITE_NAME.test(name) ? await ports.sites.get(name) : undefined;
  if (!secret || !siteCredentialMatches(site, secret)) {
    throw new UnauthorizedError(`send a live credential of site ${name}: Authorization: Bearer gcrsite_...`);
  }
  return site!;
}

/** POST /sites/{name}/session: the site's work queue and credentials for it alone. */
export async function openSiteSession(ports: SiteAgentPorts, site: SiteDefinition): Promise<SiteSession> {
  const queue = await ports.queues.find(site.name);
  if (!queue) {
    throw new ConflictError(`site ${site.name} has no work queue yet: an admin redefines it (POST /sites)`);
  }
  const { credentials, expiresAt } = await ports.issueCredentials(site.name, queue.arn);
  const { settings } = ports;
  return {
    site: site.name,
    queueUrl: queue.url,
    region: settings.region,
    ...(settings.sqsEndpoint ? { endpoint: settings.sqsEndpoint } : {}),
    credentials,
    expiresAt: expiresAt.toISOString(),
    heartbeatIntervalSeconds: settings.heartbeatIntervalSeconds,
    visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
  };
}

/** The simulation, if it runs on this site; 404 otherwise (whether it exists elsewhere is not said). */
async function siteSimulation(ports: SiteAgentPorts, site: SiteDefinition, id: string): Promise<Simulation> {
  const simulation = await ports.simulations.get(id);
  if (!simulation || simulation.backend !== 'slurm' || storedSpec(simulation).compute.site !== site.name) {
    throw new NotFoundError(`site ${site.name} runs no simulation ${JSON.stringify(id)}`);
  }
  return simulation;
}

/** No empty, `.` or `..` segment: a path stays under the prefix the schema names. */
function checkPaths(paths: string[], field: string): void {
  const issues = paths.flatMap((path, index) =>
    path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')
      ? [{ field: `${field}.${index}`, message: 'may not contain empty, "." or ".." segments' }]
      : [],
  );
  if (issues.length > 0) throw new ValidationError('the transfer request is invalid', issues);
}

function endedAt(simulation: Simulation): number {
  return Date.parse(simulation.history.at(-1)?.at ?? simulation.updatedAt);
}

/**
 * POST /sites/{name}/transfers: presigned URLs for one attempt of one of the
 * site's simulations. Downloads only while it is active; uploads also for a
 * grace period after its end (the agent uploads the last files, then reports).
 */
export async function grantTransfers(
  ports: SiteAgentPorts,
  site: SiteDefinition,
  body: unknown,
): Promise<SiteTransfer> {
  const request = validBody(validateTransfer, body, 'transfer request');
  checkPaths(request.downloads ?? [], 'downloads');
  checkPaths(request.uploads ?? [], 'uploads');
  const simulation = await siteSimulation(ports, site, request.simulationId);
  const siteJob = await ports.siteJobs.get(simulation.id);
  if (!siteJob || request.attempt > siteJob.attempt) {
    throw new ConflictError(
      `simulation ${simulation.id} has no attempt ${request.attempt} on site ${site.name}`,
    );
  }
  const now = ports.now().getTime();
  const wantsDownloads = request.downloadRunDirectory === true || (request.downloads ?? []).length > 0;
  if (isTerminal(simulation.status)) {
    if (wantsDownloads)
      throw new ConflictError(`simulation ${simulation.id} is ${simulation.status}: nothing to download`);
    if (now - endedAt(simulation) > ports.settings.uploadGraceMs) {
      throw new ConflictError(`simulation ${simulation.id} ended too long ago to upload to it`);
    }
  }
  const expires = ports.settings.transferExpirySeconds;
  const downloads: SiteTransfer['downloads'] = [];
  if (request.downloadRunDirectory) {
    for (const file of await ports.objects.listRunDirectory(simulation.id)) {
      downloads.push({
        path: file.path,
        url: await ports.objects.presignGet(simulation.id, file.path, expires),
        bytes: file.bytes,
      });
    }
  }
  for (const path of request.downloads ?? []) {
    downloads.push({ path, url: await ports.objects.presignGet(simulation.id, path, expires) });
  }
  const headers = { 'x-amz-meta-gcr-attempt': String(request.attempt) };
  const uploads: SiteTransfer['uploads'] = [];
  for (const path of request.uploads ?? []) {
    uploads.push({
      path,
      url: await ports.objects.presignPut(simulation.id, path, headers, expires),
      headers,
    });
  }
  return {
    simulationId: simulation.id,
    attempt: request.attempt,
    expiresAt: new Date(now + expires * 1000).toISOString(),
    downloads,
    uploads,
  };
}

/** Tries of a report's conditional write when another report of the same job wrote first. */
const MAX_REPORT_WRITES = 5;

/**
 * POST /sites/{name}/reports: the heartbeat, then each job report applied to
 * its site job (in observedAt order; idempotent, only forward), then a prompt
 * poll of the simulations that changed, so the poller moves them on now
 * rather than at their next scheduled poll.
 */
export async function applySiteReports(
  ports: SiteAgentPorts,
  site: SiteDefinition,
  body: unknown,
): Promise<SiteReportResponse> {
  const request = validBody(validateReport, body, 'report');
  const receivedAt = ports.now().toISOString();
  await ports.sites.recordHeartbeat(site.name, { at: receivedAt, agentId: request.agent.agentId });

  const applied = new Set<string>();
  const ignored: SiteReportResponse['ignored'] = [];
  const cancel = new Set<string>();
  const changed = new Map<string, Simulation>();
  const reports = [...request.jobs].sort((a, b) => Date.parse(a.observedAt) - Date.parse(b.observedAt));
  for (const report of reports) {
    const outcome = await applyOne(ports, site, report);
    if ('ignored' in outcome) {
      ignored.push({ jobName: report.jobName, reason: outcome.ignored });
      // The agent is back: a simulation shown waiting for its site is polled now, which clears that.
      if (outcome.waiting) changed.set(outcome.waiting.id, outcome.waiting);
    } else {
      applied.add(report.jobName);
      changed.set(outcome.simulation.id, outcome.simulation);
    }
    if (outcome.cancel) cancel.add(report.jobName);
  }
  if (changed.size > 0) await ports.requestPoll([...changed.values()]);
  return {
    receivedAt,
    applied: [...applied],
    ignored,
    ...(cancel.size > 0 ? { cancel: [...cancel] } : {}),
  };
}

type OneOutcome = ({ ignored: string; waiting?: Simulation } | { simulation: Simulation }) & {
  cancel?: boolean;
};

async function applyOne(
  ports: SiteAgentPorts,
  site: SiteDefinition,
  report: SiteJobReport,
): Promise<OneOutcome> {
  const simulation = await ports.simulations.get(report.simulationId);
  if (!simulation || simulation.backend !== 'slurm' || storedSpec(simulation).compute.site !== site.name) {
    return { ignored: `not a simulation of site ${site.name}` };
  }
  // A safety net next to the queue's cancel messages: a job still going whose simulation is cancelled.
  const cancel =
    (simulation.status === 'CANCELLING' || simulation.status === 'CANCELLED') &&
    !isEndOfAttempt(report.status);
  if (isTerminal(simulation.status))
    return { ignored: `the simulation is already ${simulation.status}`, cancel };
  for (let write = 0; write < MAX_REPORT_WRITES; write++) {
    const siteJob = await ports.siteJobs.get(simulation.id);
    if (!siteJob) return { ignored: 'no job of this simulation was sent to this site', cancel };
    if (report.jobName !== siteJobName(siteJob.jobId, report.attempt)) {
      return { ignored: `not the job name of attempt ${report.attempt}`, cancel };
    }
    const outcome = applyJobReport(siteJob, report);
    if ('ignored' in outcome) {
      const waiting = simulation.job?.statusReason?.startsWith(WAITING_FOR_SITE) ? simulation : undefined;
      return { ignored: outcome.ignored, cancel, ...(waiting ? { waiting } : {}) };
    }
    if (await ports.siteJobs.save(outcome.applied)) return { simulation, cancel };
  }
  throw new ConflictError(`job ${report.jobName} is being reported on concurrently: send the report again`);
}
