import type { SiteJobStore } from '#shared/kernel/repository/site-jobs.js';
import { storedSpec } from '#shared/science/spec/validate-spec.js';
import type { Simulation } from '#schemas/generated/types.js';
import type { Progress } from '../domain/ports.js';

/**
 * The progress of a simulation on a Slurm site: the model time its agent last
 * reported for the current attempt (a report's `progress.modelTime`, kept on
 * the site job), as a share of the spec's period. The job itself cannot reach
 * the platform from a compute node, so there is no status file in S3.
 */
export function siteJobProgressReader(siteJobs: Pick<SiteJobStore, 'get'>) {
  return {
    async read(simulation: Simulation): Promise<Progress | undefined> {
      const siteJob = await siteJobs.get(simulation.id);
      const modelTime = siteJob?.attempts[String(siteJob.attempt)]?.progress?.modelTime;
      if (!modelTime) return undefined;
      const { period } = storedSpec(simulation);
      const start = Date.parse(period.start);
      const span = Date.parse(period.end) - start;
      const reached = Date.parse(modelTime) - start;
      if (!Number.isFinite(reached) || !(span > 0)) return undefined;
      return { percent: Math.min(100, Math.max(0, (reached / span) * 100)), simulatedTime: modelTime };
    },
  };
}
