import { NotFoundError } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import type { Simulation } from '#schemas/generated/types.js';
import type { SimulationReader } from './api-ports.js';

/**
 * A simulation the caller may see (its owner, or an admin). Another owner's
 * simulation answers exactly like a missing one, so ids cannot be probed.
 */
export async function loadVisibleSimulation(
  repository: SimulationReader,
  caller: Caller,
  id: string,
): Promise<Simulation> {
  const simulation = await repository.get(id);
  if (!simulation || (simulation.owner !== caller.userId && !caller.isAdmin)) {
    throw new NotFoundError(`simulation ${id} not found`);
  }
  return simulation;
}
