import type { Caller } from '#shared/kernel/http/identity.js';
import type { Simulation } from '#schemas/generated/types.js';
import { loadVisibleSimulation } from './access.js';
import type { SubmissionPorts } from './ports.js';

export async function getSimulation(
  ports: Pick<SubmissionPorts, 'repository'>,
  caller: Caller,
  id: string,
): Promise<Simulation> {
  return loadVisibleSimulation(ports, caller, id);
}
