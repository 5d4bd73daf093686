import { ConflictError, StaleVersionError } from '#shared/kernel/errors.js';
import { Source, simulationStatusChanged } from '#shared/kernel/events/catalog.js';
import { publishAndClear } from '#shared/kernel/repository/outbox.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import { isTerminal } from '#shared/kernel/status.js';
import type { Simulation } from '#schemas/generated/types.js';
import { loadVisibleSimulation } from '#shared/kernel/repository/visible-simulation.js';
import type { SubmissionPorts } from './ports.js';

const MAX_ATTEMPTS = 5;

/**
 * Moves a simulation to CANCELLING; the execution poller terminates its job and
 * records CANCELLED. Cancelling twice is harmless; cancelling a finished run is a 409.
 */
export async function cancelSimulation(
  ports: SubmissionPorts,
  caller: Caller,
  id: string,
): Promise<Simulation> {
  for (let attempt = 1; ; attempt++) {
    const simulation = await loadVisibleSimulation(ports.repository, caller, id);
    if (simulation.status === 'CANCELLING') return simulation;
    if (isTerminal(simulation.status)) {
      throw new ConflictError(
        `simulation ${id} already ended as ${simulation.status}; there is nothing to cancel`,
      );
    }
    const at = ports.now();
    const who = caller.username ?? caller.userId;
    const reason = `cancel requested by ${who}`;
    const event = simulationStatusChanged(Source.submission, {
      simulationId: id,
      owner: simulation.owner,
      name: simulation.name,
      backend: simulation.backend,
      from: simulation.status,
      to: 'CANCELLING',
      reason,
      version: simulation.version + 1,
      at: at.toISOString(),
      terminal: false,
    });
    try {
      const updated = await ports.repository.transition({
        id,
        expectedVersion: simulation.version,
        from: simulation.status,
        to: 'CANCELLING',
        reason,
        at,
        set: { cancelRequestedAt: at.toISOString(), cancelRequestedBy: who },
        event,
      });
      try {
        await publishAndClear(ports, id, updated.version, event);
      } catch (err) {
        // The event stays in the simulation's outbox, and CANCELLING is on the
        // StatusIndex: the poller publishes it and acts on the cancel at its next poll.
        ports.onPublishFailure?.(err, id);
      }
      return updated;
    } catch (err) {
      // The poller moved it meanwhile: read again and decide afresh.
      if (err instanceof StaleVersionError && attempt < MAX_ATTEMPTS) continue;
      throw err;
    }
  }
}
