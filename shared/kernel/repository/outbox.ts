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
 * died before clearing causes the one redelivery this allows (PutEvents has no
 * idempotency key): the copy carries the same `eventId` (simulation id and
 * version), by which consumers de-duplicate.
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
 * How long a reader's claim on an abandoned entry keeps other readers off it:
 * longer than a publish with its retries takes, so only a reader that died
 * with the claim lets another publish the entry again.
 */
export const OUTBOX_CLAIM_LEASE_MS = 30_000;

/**
 * Publishes what an earlier writer stored but could not confirm (oldest
 * first). Whoever reads the simulation does it: the poller on every message,
 * and, for a simulation nothing reads any more (it finished, and the message
 * that carried its last event went to the dead-letter queue), the execution
 * finder's sweep, which hands it to the poller. Several readers often meet the
 * same entry at once (a poll, a redelivered message, the sweep): each claims
 * it first (a conditional write with a lease), and only the one that wins
 * publishes it. A reader that loses stops there, leaving the newer entries to
 * the winner too, so they still go out in order.
 */
export async function publishPendingEvents(
  ports: {
    repository: Pick<SimulationRepository, 'clearPendingEvent' | 'claimPendingEvent'>;
    publisher: EventPublisher;
    now: () => number;
  },
  simulation: Simulation,
): Promise<void> {
  for (const pending of pendingEventsOf(simulation)) {
    const now = ports.now();
    if (!isAbandoned(pending, now)) continue;
    const claimed = await ports.repository.claimPendingEvent(simulation.id, pending.version, {
      nowMs: now,
      leaseUntil: now + OUTBOX_CLAIM_LEASE_MS,
    });
    if (!claimed) return;
    await publishAndClear(ports, simulation.id, pending.version, pending.event);
  }
}
