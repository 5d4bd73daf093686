import type { Simulation } from '#schemas/generated/types.js';
import { simulationSchema } from '#schemas/generated/schemas.js';
import { NotFoundError } from '../errors.js';
import type { Caller } from '../http/identity.js';
import type { SimulationRepository } from './simulations.js';

/** A simulation id as the schema defines it (schemas/api/simulation.schema.json): sim_ + 26 of [0-9a-z]. */
const SIMULATION_ID = new RegExp(simulationSchema.properties.id.pattern);

export function isSimulationId(id: string): boolean {
  return SIMULATION_ID.test(id);
}

/** An id as it may be quoted back to the caller: short, one line. */
function quoted(id: string): string {
  return JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id);
}

/**
 * Loads a simulation the caller may see: their own, or any for an admin.
 * Another owner's simulation answers exactly like a missing one (404), so ids
 * cannot be probed. An id that is not a simulation id never reaches the table:
 * the table also holds rows that are not simulations (rate-limit buckets,
 * owners' active slots), and DynamoDB refuses keys over 2 KB with an error.
 * It names nothing, so it is a 404 too, saying which path parameter is wrong.
 */
export async function loadVisibleSimulation(
  repository: Pick<SimulationRepository, 'get'>,
  caller: Caller,
  id: string,
  field = 'path.id',
): Promise<Simulation> {
  if (!isSimulationId(id)) {
    throw new NotFoundError(
      `no simulation has the id ${quoted(id)}: ${field} must be sim_ followed by 26 lower-case letters and digits`,
    );
  }
  const simulation = await repository.get(id);
  if (!simulation || (simulation.owner !== caller.userId && !caller.isAdmin)) {
    throw new NotFoundError(`simulation ${id} not found`);
  }
  return simulation;
}
