import { NotFoundError } from '../errors.js';
import type { Caller } from '../http/identity.js';
import { isEnsembleId, type EnsembleRecord, type EnsembleStore } from './ensembles.js';

/**
 * An ensemble the caller may see (their own, or any for an admin); another
 * owner's is a 404 like a missing one, and an id that is no ensemble id never
 * reaches the table. The submission service's routes and the results API's
 * both use it (as visible-simulation.ts for simulations).
 */
export async function loadVisibleEnsemble(
  store: Pick<EnsembleStore, 'get'>,
  caller: Caller,
  id: string,
): Promise<EnsembleRecord> {
  if (!isEnsembleId(id)) {
    throw new NotFoundError(
      `no ensemble has the id ${JSON.stringify(id.slice(0, 40))}: path.id must be ens_ followed by 26 lower-case letters and digits`,
    );
  }
  const record = await store.get(id);
  if (!record || (record.owner !== caller.userId && !caller.isAdmin))
    throw new NotFoundError(`ensemble ${id} not found`);
  return record;
}
