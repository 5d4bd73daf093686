import { pendingEventsOf, type SimulationRepository } from '../repository/simulations.js';
import type { Simulation } from '../../schemas/generated/types.js';
import type { EventPublisher, OutgoingEvent } from './publisher.js';

/**
 * The transactional outbox's second half: a transition's event was written with
 * the transition; publish it, then forget it. A failure leaves it on the item,
 * and whoever next reads the simulation publishes it (`publishPendingEvents`),
 * so an event is delivered at least once and never lost. Consumers order and
 * de-duplicate by (simulationId, version).
 */
export async function publishAndClear(
  ports: { repository: Pick<SimulationRepository, 'clearPendingEvent'>; publisher: EventPublisher },
  simulationId: string,
  version: number,
  event: OutgoingEvent,
): Promise<void> {
  await ports.publisher.publish([event]);
  await ports.repository.clearPendingEvent(simulationId, version);
}

/** Publishes what an earlier writer stored but could not confirm (oldest first). */
export async function publishPendingEvents(
  ports: { repository: Pick<SimulationRepository, 'clearPendingEvent'>; publisher: EventPublisher },
  simulation: Simulation,
): Promise<void> {
  for (const pending of pendingEventsOf(simulation)) {
    await publishAndClear(ports, simulation.id, pending.version, pending.event);
  }
}
