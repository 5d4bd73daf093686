import { NotFoundError } from '../errors.js';
import type { Caller } from '../http/identity.js';
import { isEnsembleId, type EnsembleRecord, type EnsembleStore } from './ensembles.js';

/**
 * A group (an ensemble, a campaign) the caller may see: their own, or any for
 * an admin. An id of the wrong shape, a missing one and another owner's are
 * the same 404, so a caller learns nothing of others' groups. The submission
 * service's routes and the results API's both use it (as
 * visible-simulation.ts for simulations).
 */
export async function loadVisibleGroup<R extends { owner: string }>(
  store: { get(id: string): Promise<R | undefined> },
  caller: Caller,
  id: string,
  group: { what: 'ensemble' | 'campaign'; prefix: string; isId: (id: string) => boolean },
): Promise<R> {
  if (!group.isId(id)) {
    throw new NotFoundError(
      `no ${group.what} has the id ${JSON.stringify(id.slice(0, 40))}: path.id must be ${group.prefix} followed by 26 lower-case letters and digits`,
    );
  }
  const record = await store.get(id);
  if (!record || (record.owner !== caller.userId && !caller.isAdmin))
    throw new NotFoundError(`${group.what} ${id} not found`);
  return record;
}

/** An ensemble the caller may see; another owner's is a 404 like a missing one. */
export function loadVisibleEnsemble(
  store: Pick<EnsembleStore, 'get'>,
  caller: Caller,
  id: string,
): Promise<EnsembleRecord> {
  return loadVisibleGroup(store, caller, id, { what: 'ensemble', prefix: 'ens_', isId: isEnsembleId });
}
