import { NotFoundError } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import type { Simulation } from '#schemas/generated/types.js';
import type { SubmissionPorts } from './ports.js';

/**
 * Loads a simulation the caller may see. Another owner's simulation answers
 * exactly like a missing one, so ids cannot be probed.
 */
export async function loadVisibleSimulation(
  ports: Pick<SubmissionPorts, 'repository'>,
  caller: Caller,
  id: string,
): Promise<Simulation> {
  const simulation = await ports.repository.get(id);
  if (!simulation || (simulation.owner !== caller.userId && !caller.isAdmin)) {
    throw new NotFoundError(`simulation ${id} not found`);
  }
  return simulation;
}
