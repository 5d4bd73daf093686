import type { Caller } from '#shared/kernel/http/identity.js';
import { planInputs } from '#shared/science/inputs/plan-inputs.js';
import { storedSpec } from '#shared/science/spec/validate-spec.js';
import type { InputPlan } from '#schemas/generated/types.js';
import { loadVisibleSimulation } from '#shared/kernel/repository/visible-simulation.js';
import type { SubmissionPorts } from './ports.js';

/** GET /simulations/{id}/inputs: the input data the simulation reads, from its stored spec. */
export async function getInputs(
  ports: Pick<SubmissionPorts, 'repository'>,
  caller: Caller,
  id: string,
): Promise<InputPlan> {
  const simulation = await loadVisibleSimulation(ports.repository, caller, id);
  return planInputs(storedSpec(simulation));
}
