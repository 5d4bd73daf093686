/**
 * In-memory Slurm sites, site jobs and site queues: the ports of the sites
 * routes, the agent routes and the slurm backend, for unit tests.
 */
import type { SiteQueues } from '#shared/kernel/compute/site-queues.js';
import type { SiteJob, SiteJobAttempt, SiteJobStore } from '#shared/kernel/repository/site-jobs.js';
import type { SiteDefinition, SiteStore } from '#shared/kernel/repository/sites.js';
import type { Simulation } from '#schemas/generated/types.js';
import { aSimulation } from './simulations.js';

export function memorySites(): SiteStore & { map: Map<string, SiteDefinition> } {
  const map = new Map<string, SiteDefinition>();
  return {
    map,
    all: () => Promise.resolve(new Map(map)),
    get: (name) => Promise.resolve(structuredClone(map.get(name))),
    put: (definition) => Promise.resolve(void map.set(definition.name, structuredClone(definition))),
    delete: (name) => Promise.resolve(map.delete(name)),
    recordHeartbeat: (name, { at, agentId }) => {
      const site = map.get(name);
      if (site) map.set(name, { ...site, lastHeartbeatAt: at, agentId });
      return Promise.resolve(site !== undefined);
    },
  };
}

export function memorySiteJobs(): SiteJobStore & { map: Map<string, SiteJob> } {
  const map = new Map<string, SiteJob>();
  return {
    map,
    get: (id) => Promise.resolve(structuredClone(map.get(id))),
    getMany: (ids) =>
      Promise.resolve(ids.flatMap((id) => (map.has(id) ? [structuredClone(map.get(id)!)] : []))),
    create: (job) => {
      if (map.has(job.simulationId)) return Promise.resolve(false);
      map.set(job.simulationId, structuredClone({ ...job, version: 1 }));
      return Promise.resolve(true);
    },
    save: (job) => {
      if (map.get(job.simulationId)?.version !== job.version) return Promise.resolve(false);
      map.set(job.simulationId, structuredClone({ ...job, version: job.version + 1 }));
      return Promise.resolve(true);
    },
  };
}

/** Queues that keep what was sent to each site, parsed. */
export function memorySiteQueues(): SiteQueues & { sent: Map<string, unknown[]>; existing: Set<string> } {
  const sent = new Map<string, unknown[]>();
  const existing = new Set<string>();
  return {
    sent,
    existing,
    create: (site) => Promise.resolve(void existing.add(site)),
    remove: (site) => Promise.resolve(void existing.delete(site)),
    find: (site) =>
      Promise.resolve(
        existing.has(site)
          ? {
              url: `http://sqs.local/000000000000/gcr-test-site-${site}`,
              arn: `arn:aws:sqs:us-east-1:000000000000:gcr-test-site-${site}`,
            }
          : undefined,
      ),
    send: (site, body) => Promise.resolve(void sent.set(site, [...(sent.get(site) ?? []), JSON.parse(body)])),
  };
}

/** A simulation on the slurm backend that follows its site job gcr-<id> in `state` (its status the same). */
export function aSlurmSimulation(
  id: string,
  state: 'RUNNABLE' | 'RUNNING',
  job: Partial<NonNullable<Simulation['job']>> = {},
): Simulation {
  return aSimulation({
    id,
    backend: 'slurm',
    status: state,
    job: { jobId: `gcr-${id}`, jobName: `gcr-${id}`, attempt: 1, state, attempts: [], ...job },
  });
}

/** The site job of `id` with its first attempt as its agent reported it. */
export function reportFirstAttempt(
  siteJobs: { map: Map<string, SiteJob> },
  id: string,
  attempt: Omit<SiteJobAttempt, 'jobName'>,
): void {
  const job = siteJobs.map.get(id)!;
  siteJobs.map.set(id, { ...job, attempts: { '1': { jobName: `gcr-${id}-a1`, ...attempt } } });
}
