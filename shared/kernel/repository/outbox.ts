import { pendingEventsOf, type SimulationRepository } from './simulations.js';
import type { Simulation } from '#schemas/generated/types.js';
import type { EventPublisher, OutgoingEvent } from '../events/publisher.js';

/**
 * The transactional outbox's second half: a transition's event was written with
 * the transition; publish it, then forget it. A failure leaves it on the item,
 * and whoever reads the simulation once the entry is clearly abandoned publishes
 * it (`publishPendingEvents`), so no event is lost. A writer that published but
 * died before clearing causes the one duplicate this allows; consumers order
 * and de-duplicate by (simulationId, version).
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

/**
 * A writer publishes and clears its event within moments; an entry older than
 * this was left by a writer that failed or crashed. Younger entries are left to
 * their writer, so a concurrent reader does not publish them a second time.
 */
export const ABANDONED_EVENT_AGE_MS = 30_000;

/** Publishes what an earlier writer stored but could not confirm (oldest first). */
export async function publishPendingEvents(
  ports: {
    repository: Pick<SimulationRepository, 'clearPendingEvent'>;
    publisher: EventPublisher;
    now: () => number;
  },
  simulation: Simulation,
): Promise<void> {
  for (const pending of pendingEventsOf(simulation)) {
    const writtenAt = Date.parse(String((pending.event.detail as { at?: unknown }).at ?? ''));
    if (Number.isFinite(writtenAt) && ports.now() - writtenAt < ABANDONED_EVENT_AGE_MS) continue;
    await publishAndClear(ports, simulation.id, pending.version, pending.event);
  }
}
