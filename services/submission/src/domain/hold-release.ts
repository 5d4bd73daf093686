/**
 * The moves the submission service writes for a simulation no job of which
 * runs: a campaign's stage, a held ensemble member or a paused simulation
 * released (WAITING -> PENDING) or cancelled (WAITING -> CANCELLED), an
 * ensemble member or a simulation held by a pause before its job was
 * submitted (PENDING -> WAITING); and a user's pause of a simulation with a
 * job (-> PAUSING), whose job the execution poller then stops.
 * Each is a conditional transition with its Status Changed in the outbox;
 * a release also announces `Simulation Submitted`, the poller's fast path.
 */
import { StaleVersionError } from '#shared/kernel/errors.js';
import { Source, transitionEvent } from '#shared/kernel/events/catalog.js';
import { publishAndClear } from '#shared/kernel/repository/outbox.js';
import { isTerminal } from '#shared/kernel/status.js';
import type { Simulation } from '#schemas/generated/types.js';
import { publishSubmitted } from './ensembles.js';
import type { SubmissionPorts } from './ports.js';

/**
 * `simulation` (as read) to `to`: the simulation moved, or undefined when
 * another writer moved it first (a poller's claim or write, a duplicate).
 * `set`/`remove`: attributes changed in the same write (a pause's record).
 * `announce: false` leaves a release's `Simulation Submitted` to the caller (who publishes
 * many at once, 100 an event call).
 */
export async function moveUnsubmitted(
  ports: SubmissionPorts,
  simulation: Simulation,
  to: 'PENDING' | 'CANCELLED' | 'WAITING' | 'PAUSING',
  reason: string,
  options: { announce?: boolean; set?: Record<string, unknown>; remove?: string[] } = {},
): Promise<Simulation | undefined> {
  const at = ports.now();
  const event = transitionEvent(Source.submission, simulation, { to, reason, at, terminal: isTerminal(to) });
  let moved: Simulation;
  try {
    moved = await ports.repository.transition({
      id: simulation.id,
      expectedVersion: simulation.version,
      from: simulation.status,
      to,
      reason,
      at,
      ...(options.set ? { set: options.set } : {}),
      ...(options.remove ? { remove: options.remove } : {}),
      event,
    });
  } catch (err) {
    if (err instanceof StaleVersionError) return undefined;
    throw err;
  }
  try {
    await publishAndClear(ports, simulation.id, moved.version, event);
  } catch (err) {
    // In the outbox, and the simulation is on the StatusIndex: the finder's sweep publishes it.
    ports.onPublishFailure?.(err, simulation.id);
  }
  // The fast path to the poller; without it the finder hands the PENDING simulation over at its first tick.
  if (to === 'PENDING' && options.announce !== false) await publishSubmitted(ports, [moved]);
  return moved;
}
