/**
 * The moves of a simulation that has no job yet, written by the submission
 * service: a campaign's stage or a held ensemble member released
 * (WAITING -> PENDING) or cancelled (WAITING -> CANCELLED), and an ensemble
 * member held by a pause before its job was submitted (PENDING -> WAITING).
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
 * another writer moved it first (a poller's claim, a duplicate). `announce:
 * false` leaves a release's `Simulation Submitted` to the caller (who publishes
 * many at once, 100 an event call).
 */
export async function moveUnsubmitted(
  ports: SubmissionPorts,
  simulation: Simulation,
  to: 'PENDING' | 'CANCELLED' | 'WAITING',
  reason: string,
  options: { announce?: boolean } = {},
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
