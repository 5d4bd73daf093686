import { parseArrayChildJobId } from '#shared/kernel/compute/array-members.js';
import { memberSimulationId, type EnsembleStore } from '#shared/kernel/repository/ensembles.js';
import type { SimulationRepository } from '#shared/kernel/repository/simulations.js';
import type { SimulationCost } from '#schemas/generated/types.js';
import type { CostStore } from '../domain/ports.js';

/** BatchGetItem's limit, which the repository's getMany keeps. */
const READ_CHUNK = 100;
/** Cost reads at once. */
const COST_READS = 16;

/**
 * The costs of an ensemble's members that ran as children of an array job
 * (their job id is `<parent>:<index>`): only first attempts go in an array
 * (a retried member runs alone, tagged with its own simulation id).
 */
export function createArrayMemberCosts(deps: {
  ensembles: Pick<EnsembleStore, 'get'>;
  simulations: Pick<SimulationRepository, 'getMany'>;
  costs: Pick<CostStore, 'get'>;
}): (ensembleId: string) => Promise<SimulationCost[]> {
  return async (ensembleId) => {
    const ensemble = await deps.ensembles.get(ensembleId);
    if (!ensemble) return [];
    const ids = Array.from({ length: ensemble.memberCount }, (_, i) => memberSimulationId(ensembleId, i, 1));
    const children: string[] = [];
    for (let start = 0; start < ids.length; start += READ_CHUNK) {
      for (const member of await deps.simulations.getMany(ids.slice(start, start + READ_CHUNK))) {
        if (member.job && parseArrayChildJobId(member.job.jobId)) children.push(member.id);
      }
    }
    const costs: SimulationCost[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(COST_READS, children.length) }, async () => {
        while (next < children.length) {
          const cost = await deps.costs.get(children[next++]!);
          if (cost) costs.push(cost);
        }
      }),
    );
    return costs.sort((a, b) => a.simulationId.localeCompare(b.simulationId));
  };
}
