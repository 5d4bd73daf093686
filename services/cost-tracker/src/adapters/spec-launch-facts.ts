import { estimateRun } from '#shared/science/estimate/estimate-run.js';
import { storedSpec } from '#shared/science/spec/validate-spec.js';
import type { Simulation } from '#schemas/generated/types.js';
import type { AttemptLaunch, LaunchFacts } from '../domain/ports.js';

/**
 * The launch facts of a job the backend cannot describe by instance: a local
 * Batch job runs on this machine, standing in for the instance the spec names
 * (compute.instanceType), or else the one the estimator recommends, the type
 * AWS Batch would most likely place it on; the purchase option is the spec's
 * (GCHP: on-demand), the zone the configured one. Every attempt of a job
 * stands in for the same instance.
 */
export function createSpecLaunchFacts(options: { availabilityZone: string }): LaunchFacts {
  const cache = new Map<string, AttemptLaunch>();
  return {
    async launchOf(simulation: Simulation) {
      const known = cache.get(simulation.id);
      if (known) return known;
      const spec = storedSpec(simulation);
      const named = spec.compute.instanceType;
      const estimate = named ? undefined : estimateRun(spec);
      const instanceType = named ?? estimate!.recommended.instanceType;
      const gchp = (spec as { model?: string }).model === 'gchp';
      const nodes = (spec.compute as { nodes?: number }).nodes ?? 1;
      const launch: AttemptLaunch = {
        instanceType,
        availabilityZone: options.availabilityZone,
        purchase: gchp ? 'on-demand' : spec.compute.purchase,
        nodes,
        source: `${simulation.backend} backend: the job stands in for ${instanceType} (${named ? "the spec's compute.instanceType" : "the estimator's recommendation"})`,
      };
      if (cache.size > 1000) cache.clear();
      cache.set(simulation.id, launch);
      return launch;
    },
  };
}
