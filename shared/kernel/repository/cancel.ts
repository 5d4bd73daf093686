import type { Simulation } from '#schemas/generated/types.js';
import { ConflictError, StaleVersionError } from '../errors.js';
import { transitionEvent } from '../events/catalog.js';
import type { EventPublisher } from '../events/publisher.js';
import { isTerminal } from '../status.js';
import { publishAndClear } from './outbox.js';
import type { SimulationRepository } from './simulations.js';

const MAX_ATTEMPTS = 5;

export interface CancelPorts {
  repository: Pick<SimulationRepository, 'transition' | 'clearPendingEvent'>;
  publisher: EventPublisher;
  now: () => Date;
  /** Told when the event could not be published; it stays in the simulation's outbox. */
  onPublishFailure?: (err: unknown, simulationId: string) => void;
}

export interface CancelRequest {
  id: string;
  /** Reads the simulation afresh (a user's cancel checks the caller may see it). */
  load: () => Promise<Simulation>;
  /** The event's source: the service asking (its rule and IAM name it). */
  source: string;
  reason: string;
  requestedBy: string;
}

/**
 * Moves a simulation to CANCELLING, the one cancel path of the platform (a
 * user's cancel, the cost tracker's cost limit): the execution poller
 * terminates its job and records CANCELLED, or CANCELLED at once when no job can
 * belong to it (and here at once for a WAITING one, which has none). Cancelling twice is harmless; a finished simulation is a
 * ConflictError.
 */
export async function requestCancel(ports: CancelPorts, request: CancelRequest): Promise<Simulation> {
  const { id, reason, requestedBy } = request;
  for (let attempt = 1; ; attempt++) {
    const simulation = await request.load();
    if (simulation.status === 'CANCELLING') return simulation;
    if (isTerminal(simulation.status)) {
      throw new ConflictError(
        `simulation ${id} already ended as ${simulation.status}; there is nothing to cancel`,
      );
    }
    const at = ports.now();
    // A WAITING simulation (a campaign's later stage, a held ensemble member) has no job: cancelled at once.
    const to = simulation.status === 'WAITING' ? 'CANCELLED' : 'CANCELLING';
    const event = transitionEvent(request.source, simulation, {
      to,
      reason,
      at,
      terminal: to === 'CANCELLED',
    });
    try {
      const updated = await ports.repository.transition({
        id,
        expectedVersion: simulation.version,
        from: simulation.status,
        to,
        reason,
        at,
        set: { cancelRequestedAt: at.toISOString(), cancelRequestedBy: requestedBy },
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
