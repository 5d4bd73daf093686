import type { Caller } from '#shared/kernel/http/identity.js';
import type { Simulation } from '#schemas/generated/types.js';
import { loadVisibleSimulation } from '#shared/kernel/repository/visible-simulation.js';
import type { SubmissionPorts } from './ports.js';

export async function getSimulation(
  ports: Pick<SubmissionPorts, 'repository'>,
  caller: Caller,
  id: string,
): Promise<Simulation> {
  return loadVisibleSimulation(ports.repository, caller, id);
}
