/**
 * The `slurm` compute backend (docs/SLURM.md): a simulation's job runs on a
 * Slurm site through the site's agent. `submit` puts a SiteWorkMessage
 * `submit` on the site's queue (validated first) and records the site job;
 * `submitMemberArray` sends an ensemble's members as one `submitArray` (one
 * Slurm job array, the site's maxConcurrentJobs its throttle), each member
 * keeping its own site job; `terminate` sends `cancel`; `describe` reads the site jobs the agents'
 * reports moved forward (POST /sites/{name}/reports), so the poller's
 * reconcile applies them like Batch's states. Like Batch's retry strategy, a
 * retryable end (NODE_FAIL, PREEMPTED) with attempts left sends the next
 * attempt's submit (resuming from the latest restart of a checkpointed run);
 * and a site whose agent stopped reporting makes its jobs wait for it, with
 * no time limit running, instead of failing.
 */
import { validatorFor } from '#schemas/validator.js';
import type { SiteArrayWork, SiteJobWork, SiteWorkMessage } from '#schemas/generated/types.js';
import type { SiteDefinition, SiteStore } from '../repository/sites.js';
import { SILENCES_KEPT, siteJobName, type SiteJob, type SiteJobStore } from '../repository/site-jobs.js';
import type { ComputeBackend, JobDescription, MemberArrayRequest, SubmitJobRequest } from './backend.js';
import {
  currentSiteAttempt,
  describeSiteJob,
  isEndOfAttempt,
  needsNextAttempt,
  WAITING_FOR_SITE,
} from './site-job-state.js';
import type { SiteQueues } from './site-queues.js';

const validateMessage = validatorFor<SiteWorkMessage>(
  'https://gcr.dev/schemas/site/site-work-message.schema.json',
);

export interface SlurmBackendOptions {
  sites: Pick<SiteStore, 'get' | 'all'>;
  siteJobs: SiteJobStore;
  queues: Pick<SiteQueues, 'send'>;
  /** A site is silent once its agent has not reported for this long. */
  silentAfterMs: number;
  /**
   * The restart a new attempt starts from (relative to simulations/<id>/),
   * for a checkpointed run; undefined to start from the beginning.
   */
  resumeFrom?: (
    simulationId: string,
    spec: Record<string, unknown>,
    attempt: number,
  ) => Promise<string | undefined>;
  /** Every describe: how long each site with followed jobs has been silent (0 when it reports). */
  onSiteSilence?: (site: string, silentSeconds: number) => void;
  now?: () => number;
}

/** The site refused the job before it was sent (unknown site, no partition fits): retrying cannot help. */
export class SiteJobRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SiteJobRefusedError';
  }
}

interface StoredSpecView {
  compute?: { site?: string; spotRetries?: number; maxRuntimeMinutes?: number };
}

/** The first partition of the site with room for the job (the spec was checked against them at submission). */
function slurmJob(site: SiteDefinition, request: SubmitJobRequest): NonNullable<SiteWorkMessage['job']> {
  const timeMinutes = Math.max(1, Math.ceil(request.maxRuntimeSeconds / 60));
  const partition = site.partitions.find(
    (p) =>
      timeMinutes <= p.maxTimeMinutes && request.vcpus <= p.maxCpus && request.memoryMiB <= p.maxMemoryMiB,
  );
  if (!partition) {
    throw new SiteJobRefusedError(
      `no partition of site ${site.name} has room for ${timeMinutes} minutes, ${request.vcpus} CPUs and ${request.memoryMiB} MiB`,
    );
  }
  return {
    partition: partition.name,
    ...(site.account ? { account: site.account } : {}),
    ...(site.qos ? { qos: site.qos } : {}),
    timeMinutes,
    cpus: request.vcpus,
    memoryMiB: Math.max(256, request.memoryMiB),
  };
}

/**
 * A work message's largest body: SQS takes 256 KiB (262,144 bytes) with its
 * attributes; the rest is margin. A bigger ensemble's array is split in parts.
 */
export const MAX_WORK_MESSAGE_BYTES = 250_000;

/** An ensemble's array on a site: gcr-<ensembleId>-arr<sequence>, and -p<k> for the k-th part of a split one. */
export function siteArrayJobName(ensembleId: string, sequence: number, part?: number): string {
  return `gcr-${ensembleId}-arr${sequence}${part === undefined ? '' : `-p${part}`}`;
}

/**
 * The members' work in parts whose message stays under `maxBytes`, in
 * order. Pure: `base` is the message with no member, `memberBytes` each
 * member's JSON size.
 */
export function splitBySize<T>(
  members: readonly T[],
  baseBytes: number,
  memberBytes: (member: T) => number,
  maxBytes = MAX_WORK_MESSAGE_BYTES,
): T[][] {
  const parts: T[][] = [];
  let current: T[] = [];
  let size = baseBytes;
  for (const member of members) {
    const bytes = memberBytes(member) + 1; // and its comma
    if (current.length > 0 && size + bytes > maxBytes) {
      parts.push(current);
      current = [];
      size = baseBytes;
    }
    current.push(member);
    size += bytes;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/**
 * The % throttle of each of `parts` arrays: the site's limit shared among
 * them, so the ensemble stays within it (at least 1 each: more parts than
 * the limit run one member per part at once).
 */
export function throttleOfParts(maxConcurrentJobs: number | undefined, parts: number): number | undefined {
  return maxConcurrentJobs === undefined ? undefined : Math.max(1, Math.floor(maxConcurrentJobs / parts));
}

/** The simulation of a job id (gcr-<simulationId>). */
function simulationIdOf(jobId: string): string {
  return jobId.replace(/^gcr-/, '');
}

export function createSlurmBackend(options: SlurmBackendOptions): ComputeBackend {
  const now = options.now ?? Date.now;

  const send = async (message: SiteWorkMessage): Promise<void> => {
    if (!validateMessage(message)) {
      throw new SiteJobRefusedError(
        `the site work message is invalid: ${JSON.stringify(validateMessage.errors?.slice(0, 3))}`,
      );
    }
    await options.queues.send(message.site, JSON.stringify(message));
  };

  const submitMessage = (siteJob: Omit<SiteJob, 'version'>, resumeFrom?: string): SiteJobWork => ({
    schemaVersion: '1',
    kind: 'submit',
    site: siteJob.site,
    simulationId: siteJob.simulationId,
    attempt: siteJob.attempt,
    jobName: siteJobName(siteJob.jobId, siteJob.attempt),
    sentAt: new Date(now()).toISOString(),
    job: siteJob.job,
    spec: siteJob.spec,
    ...(resumeFrom ? { resumeFrom } : {}),
  });

  /**
   * Sends the next attempt's submit, then records it (conditionally): a crash
   * in between sends it again at the next describe, which the agent takes as
   * a redelivery of the same job name, never a second sbatch.
   */
  const startNextAttempt = async (siteJob: SiteJob): Promise<SiteJob> => {
    const attempt = siteJob.attempt + 1;
    const resumeFrom = await options.resumeFrom?.(siteJob.simulationId, siteJob.spec, attempt);
    const next: SiteJob = { ...siteJob, attempt };
    await send(submitMessage(next, resumeFrom));
    return (await options.siteJobs.save(next))
      ? { ...next, version: siteJob.version + 1 }
      : ((await options.siteJobs.get(siteJob.simulationId)) ?? next);
  };

  /** Why the site's jobs wait, when its agent has been silent too long; undefined while it reports. */
  const silence = (
    site: SiteDefinition | undefined,
    siteJob: SiteJob,
  ): { seconds: number; waitingFor?: string; lastHeard: number } => {
    const lastHeard = Date.parse(site?.lastHeartbeatAt ?? siteJob.submittedAt);
    const seconds = Math.max(0, Math.floor((now() - lastHeard) / 1000));
    if (!site)
      return {
        seconds,
        lastHeard,
        waitingFor: `${WAITING_FOR_SITE} ${siteJob.site}, which is no longer defined`,
      };
    if (now() - lastHeard <= options.silentAfterMs) return { seconds: 0, lastHeard };
    const since = site.lastHeartbeatAt ? `since ${site.lastHeartbeatAt}` : 'ever';
    return {
      seconds,
      lastHeard,
      waitingFor: `${WAITING_FOR_SITE} ${siteJob.site}: no report from its agent ${since}`,
    };
  };

  /**
   * Records on the site job when its site fell silent (from its last
   * heartbeat) and, once the agent reports again, that silence as a period:
   * the poller's queue limit does not count it. A write only when the silence
   * starts or ends; one that loses to a report is made at the next describe.
   */
  const recordSilence = async (siteJob: SiteJob, silent: boolean, lastHeard: number): Promise<SiteJob> => {
    let next: SiteJob | undefined;
    if (silent && siteJob.silentSince === undefined) {
      next = { ...siteJob, silentSince: new Date(lastHeard).toISOString() };
    } else if (!silent && siteJob.silentSince !== undefined) {
      const { silentSince, ...rest } = siteJob;
      const ended = { from: silentSince, to: new Date(now()).toISOString() };
      next = { ...rest, silences: [...(siteJob.silences ?? []), ended].slice(-SILENCES_KEPT) };
    }
    if (!next) return siteJob;
    return (await options.siteJobs.save(next)) ? { ...next, version: siteJob.version + 1 } : next;
  };

  /** The site job's silences (the open one up to now), as the description's unobserved periods. */
  const unobservedOf = (siteJob: SiteJob): JobDescription['unobserved'] => {
    const periods = (siteJob.silences ?? []).map(({ from, to }) => ({
      from: Date.parse(from),
      to: Date.parse(to),
    }));
    if (siteJob.silentSince !== undefined) periods.push({ from: Date.parse(siteJob.silentSince), to: now() });
    return periods.length > 0 ? periods : undefined;
  };

  const describe = async (jobIds: string[]): Promise<JobDescription[]> => {
    if (jobIds.length === 0) return [];
    const siteJobs = await options.siteJobs.getMany(jobIds.map(simulationIdOf));
    const sites = await options.sites.all();
    const silentSeconds = new Map<string, number>();
    const described: JobDescription[] = [];
    for (let siteJob of siteJobs) {
      if (needsNextAttempt(siteJob)) siteJob = await startNextAttempt(siteJob);
      const ended = isEndOfAttempt(currentSiteAttempt(siteJob).status);
      let waitingFor: string | undefined;
      if (!ended) {
        const heard = silence(sites.get(siteJob.site), siteJob);
        waitingFor = heard.waitingFor;
        silentSeconds.set(siteJob.site, Math.max(heard.seconds, silentSeconds.get(siteJob.site) ?? 0));
        siteJob = await recordSilence(siteJob, waitingFor !== undefined, heard.lastHeard);
      }
      const unobserved = unobservedOf(siteJob);
      described.push({ ...describeSiteJob(siteJob, waitingFor), ...(unobserved ? { unobserved } : {}) });
    }
    for (const [site, seconds] of silentSeconds) options.onSiteSilence?.(site, seconds);
    return described;
  };

  /** The site job a first attempt starts, and its site's definition; refused for an unknown site or no partition. */
  const firstAttempt = async (
    request: SubmitJobRequest,
    siteOf: (name: string) => Promise<SiteDefinition | undefined> = (name) => options.sites.get(name),
  ): Promise<{ siteJob: Omit<SiteJob, 'version'>; site: SiteDefinition }> => {
    const spec = JSON.parse(request.environment['GCR_SPEC'] ?? '{}') as Record<string, unknown> &
      StoredSpecView;
    const siteName = spec.compute?.site;
    const site = siteName ? await siteOf(siteName) : undefined;
    if (!siteName || !site) throw new SiteJobRefusedError(`there is no site ${JSON.stringify(siteName)}`);
    const siteJob: Omit<SiteJob, 'version'> = {
      simulationId: request.simulationId,
      site: siteName,
      jobId: request.jobName,
      attempt: 1,
      maxAttempts: (spec.compute?.spotRetries ?? 0) + 1,
      submittedAt: new Date(now()).toISOString(),
      job: slurmJob(site, request),
      spec,
      attempts: {},
    };
    return { siteJob, site };
  };

  /**
   * The members the site does not know yet go in `submitArray` messages (more
   * than one only past MAX_WORK_MESSAGE_BYTES), then their site jobs are
   * recorded. A crash in between sends them again under the next sequence's
   * name: the agent knows their job names and submits none twice.
   */
  const submitMemberArray = async (request: MemberArrayRequest): Promise<{ jobIds: string[] }> => {
    const known = new Map<string, SiteJob>();
    for (let start = 0; start < request.members.length; start += 100) {
      const ids = request.members.slice(start, start + 100).map((member) => member.simulationId);
      for (const siteJob of await options.siteJobs.getMany(ids)) known.set(siteJob.simulationId, siteJob);
    }
    const fresh: Omit<SiteJob, 'version'>[] = [];
    const sites = await options.sites.all();
    let site: SiteDefinition | undefined;
    for (const member of request.members.filter((m) => !known.has(m.simulationId))) {
      const first = await firstAttempt(member, (name) => Promise.resolve(sites.get(name)));
      fresh.push(first.siteJob);
      site = first.site;
    }
    if (fresh.length === 1) await send(submitMessage(fresh[0]!));
    if (fresh.length > 1) {
      const base: SiteArrayWork = {
        schemaVersion: '1',
        kind: 'submitArray',
        site: fresh[0]!.site,
        ensembleId: request.ensembleId,
        arrayJobName: siteArrayJobName(request.ensembleId, request.sequence, 999),
        sentAt: new Date(now()).toISOString(),
        ...(site?.maxConcurrentJobs !== undefined ? { maxRunning: site.maxConcurrentJobs } : {}),
        job: fresh[0]!.job,
        members: [],
      };
      const members = fresh.map((siteJob) => ({
        simulationId: siteJob.simulationId,
        attempt: 1,
        jobName: siteJobName(siteJob.jobId, 1),
        spec: siteJob.spec,
      }));
      const parts = splitBySize(members, Buffer.byteLength(JSON.stringify(base)), (member) =>
        Buffer.byteLength(JSON.stringify(member)),
      );
      const maxRunning = throttleOfParts(site?.maxConcurrentJobs, parts.length);
      for (const [k, part] of parts.entries()) {
        await send({
          ...base,
          arrayJobName: siteArrayJobName(
            request.ensembleId,
            request.sequence,
            parts.length > 1 ? k + 1 : undefined,
          ),
          ...(maxRunning !== undefined ? { maxRunning } : {}),
          members: part,
        });
      }
    }
    for (const siteJob of fresh) await options.siteJobs.create(siteJob);
    return {
      jobIds: request.members.map((member) => known.get(member.simulationId)?.jobId ?? member.jobName),
    };
  };

  return {
    async submit(request) {
      const known = await options.siteJobs.get(request.simulationId);
      if (known) return { jobId: known.jobId };
      const { siteJob } = await firstAttempt(request);
      // Sent before it is recorded: a crash in between leaves no record, so the
      // next submitter sends it again (a redelivery to the agent), never a job nobody follows.
      await send(submitMessage(siteJob));
      await options.siteJobs.create(siteJob);
      return { jobId: siteJob.jobId };
    },

    submitMemberArray,

    async findJobByName(jobName) {
      return (await describe([jobName]))[0];
    },

    findJobsByName: (jobName) => describe([jobName]),

    describe,

    async terminate(jobId, reason) {
      const siteJob = await options.siteJobs.get(simulationIdOf(jobId));
      if (!siteJob) return;
      await send({
        schemaVersion: '1',
        kind: 'cancel',
        site: siteJob.site,
        simulationId: siteJob.simulationId,
        attempt: siteJob.attempt,
        jobName: siteJobName(siteJob.jobId, siteJob.attempt),
        sentAt: new Date(now()).toISOString(),
        reason: reason.slice(0, 500),
      });
    },
  };
}
