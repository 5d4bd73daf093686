import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import { IdempotencyMismatchError } from '#shared/kernel/errors.js';
import { stableStringify } from '#shared/kernel/stable-json.js';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** A new id: time-ordered (ULID), lower case. */
export function newSimulationId(): string {
  return `sim_${ulid().toLowerCase()}`;
}

/**
 * The id a request with an Idempotency-Key gets: derived from owner and key, so a
 * retried POST lands on the same item and a conditional put refuses a second one.
 */
export function idempotentSimulationId(owner: string, key: string): string {
  const digest = createHash('sha256').update(`${owner}\u0000${key}`).digest();
  let out = '';
  for (let i = 0; i < 26; i++) out += CROCKFORD[digest[i]! % 32];
  return `sim_${out}`;
}

/** The id of the retry of a failed simulation that is not an ensemble member: one retry per failed run, however often asked. */
export function retrySimulationId(failedId: string): string {
  return idempotentSimulationId(failedId, 'retry');
}

export function requestFingerprint(body: unknown): string {
  return createHash('sha256').update(stableStringify(body)).digest('hex');
}

/**
 * Stores a group's record (an ensemble, a campaign) unless its id, derived from
 * an Idempotency-Key, is taken: then the stored one, if the same request made
 * it (its fingerprint), else a 422. `replayed` says which.
 */
export async function createOrReplay<R extends { id: string; requestFingerprint?: string }>(
  store: { create(record: R): Promise<'created' | 'exists'>; get(id: string): Promise<R | undefined> },
  record: R,
  what: 'ensemble' | 'campaign',
): Promise<{ record: R; replayed: boolean }> {
  if ((await store.create(record)) === 'created') return { record, replayed: false };
  const earlier = await store.get(record.id);
  if (!earlier || earlier.requestFingerprint !== record.requestFingerprint) {
    throw new IdempotencyMismatchError(
      `this Idempotency-Key was already used with a different ${what} request; use a new key for a new ${what}`,
    );
  }
  return { record: earlier, replayed: true };
}
