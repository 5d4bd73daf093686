import { Source } from '#shared/kernel/events/catalog.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import { requestCancel } from '#shared/kernel/repository/cancel.js';
import { loadVisibleSimulation } from '#shared/kernel/repository/visible-simulation.js';
import type { Simulation } from '#schemas/generated/types.js';
import type { SubmissionPorts } from './ports.js';

/**
 * A user's cancel: moves a simulation the caller may see to CANCELLING through
 * the platform's one cancel path (`shared/kernel/repository/cancel.ts`).
 * Cancelling twice is harmless; cancelling a finished run is a 409.
 */
export async function cancelSimulation(
  ports: SubmissionPorts,
  caller: Caller,
  id: string,
): Promise<Simulation> {
  const who = caller.username ?? caller.userId;
  return requestCancel(ports, {
    id,
    load: () => loadVisibleSimulation(ports.repository, caller, id),
    source: Source.submission,
    reason: `cancel requested by ${who}`,
    requestedBy: who,
  });
}
