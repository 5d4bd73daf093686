import type { Simulation } from '#schemas/generated/types.js';
import { NotFoundError } from '../errors.js';
import type { Caller } from '../http/identity.js';
import type { SimulationRepository } from './simulations.js';

/**
 * Loads a simulation the caller may see: their own, or any for an admin.
 * Another owner's simulation answers exactly like a missing one (404), so ids
 * cannot be probed.
 */
export async function loadVisibleSimulation(
  repository: Pick<SimulationRepository, 'get'>,
  caller: Caller,
  id: string,
): Promise<Simulation> {
  const simulation = await repository.get(id);
  if (!simulation || (simulation.owner !== caller.userId && !caller.isAdmin)) {
    throw new NotFoundError(`simulation ${id} not found`);
  }
  return simulation;
}
