/**
 * Pause and resume of an ensemble (docs/CAMPAIGNS.md): members not yet
 * submitted are held in WAITING (PENDING -> WAITING), so no poller submits
 * them, and resume moves them back (WAITING -> PENDING, announced). Members
 * already submitted run on. Held in a status rather than behind a flag the
 * poller would have to read: the poller already ignores anything not PENDING
 * (a claim is a conditional write on the version, so a pause and a poller's
 * claim never both win), WAITING is never "overdue" (a held PENDING member
 * would trip the oldest-overdue-poll alarm), and the roll-up and each
 * member's history show who is held and why.
 */
import type { Caller } from '#shared/kernel/http/identity.js';
import type { Ensemble, Simulation } from '#schemas/generated/types.js';
import {
  DEFAULT_MEMBER_PAGE,
  getEnsemble,
  loadMembers,
  loadVisibleEnsemble,
  type EnsemblePorts,
} from './ensembles.js';
import { moveUnsubmitted } from './hold-release.js';

/** Members moved at once. */
const CONCURRENCY = 8;

async function eachLimited<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** POST /ensembles/{id}/pause | resume: the roll-up after the members were held or released. */
export async function pauseOrResumeEnsemble(
  ports: EnsemblePorts,
  caller: Caller,
  id: string,
  action: 'pause' | 'resume',
): Promise<Ensemble> {
  const record = await loadVisibleEnsemble(ports.ensembles, caller, id);
  const who = caller.username ?? caller.userId;
  // Being created (in batches): its members wait for the last batch anyway. A
  // pause is kept for then (they stay WAITING; those a completing release moved
  // already are held below); a resume only clears it.
  if (
    record.creation &&
    record.creation.status !== 'COMPLETE' &&
    (await ports.ensembles.holdWhenCreated(id, action === 'pause')) &&
    action === 'resume'
  ) {
    return getEnsemble(ports, caller, id, { limit: DEFAULT_MEMBER_PAGE });
  }
  const members = (await loadMembers(ports.repository, record)).filter(
    (s): s is Simulation => s !== undefined,
  );
  if (action === 'pause') {
    await eachLimited(
      members.filter((s) => s.status === 'PENDING'),
      async (member) => {
        // A poller that claimed it is submitting its job (or crashed doing so and will find it): let it run.
        const fresh = await ports.repository.getWithInternals(member.id);
        if (!fresh || fresh.simulation.status !== 'PENDING' || fresh.submitClaimedAt !== undefined) return;
        await moveUnsubmitted(ports, fresh.simulation, 'WAITING', `held: ensemble ${id} paused by ${who}`);
      },
    );
  } else {
    await eachLimited(
      // Members of an ensemble are never campaign stages: every WAITING one was held by the ensemble's
      // pause, but those paused on their own (`pause`), which wait for their own resume.
      members.filter((s) => s.status === 'WAITING' && !s.pause),
      async (member) => {
        await moveUnsubmitted(ports, member, 'PENDING', `released: ensemble ${id} resumed by ${who}`);
      },
    );
  }
  return getEnsemble(ports, caller, id, { limit: DEFAULT_MEMBER_PAGE });
}
