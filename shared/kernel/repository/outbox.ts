import {
  ABANDONED_EVENT_AGE_MS,
  pendingEventsOf,
  type PendingEvent,
  type SimulationRepository,
} from './simulations.js';
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
  const terminal = (event.detail as { terminal?: unknown }).terminal === true;
  await ports.repository.clearPendingEvent(simulationId, version, { terminal });
}

/**
 * Entries younger than this are left to their writer, so a concurrent reader
 * does not publish them a second time.
 */
export { ABANDONED_EVENT_AGE_MS };

/** Whether an outbox entry was left by a writer that failed or crashed. */
export function isAbandoned(pending: PendingEvent, now: number): boolean {
  const writtenAt = Date.parse(String((pending.event.detail as { at?: unknown }).at ?? ''));
  return !Number.isFinite(writtenAt) || now - writtenAt >= ABANDONED_EVENT_AGE_MS;
}

/** Whether a simulation carries an event nobody is publishing (the finder's outbox sweep looks for these). */
export function hasAbandonedEvents(simulation: Simulation, now: number): boolean {
  return pendingEventsOf(simulation).some((pending) => isAbandoned(pending, now));
}

/**
 * Publishes what an earlier writer stored but could not confirm (oldest
 * first). Whoever reads the simulation does it: the poller on every message,
 * and, for a simulation nothing reads any more (it finished, and the message
 * that carried its last event went to the dead-letter queue), the execution
 * finder's sweep, which hands it to the poller.
 */
export async function publishPendingEvents(
  ports: {
    repository: Pick<SimulationRepository, 'clearPendingEvent'>;
    publisher: EventPublisher;
    now: () => number;
  },
  simulation: Simulation,
): Promise<void> {
  for (const pending of pendingEventsOf(simulation)) {
    if (!isAbandoned(pending, ports.now())) continue;
    await publishAndClear(ports, simulation.id, pending.version, pending.event);
  }
}
