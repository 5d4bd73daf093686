/**
 * A subscription's secrets, kept as one value in the secret store: the current
 * one first, then (after a rotation) the one it replaced, valid for another
 * day so receivers can switch without losing a delivery; webhooks are signed
 * with both meanwhile (Standard Webhooks' rotation).
 */
import type { SecretStore } from './ports.js';

/** How long a replaced webhook secret still signs deliveries. */
export const PREVIOUS_SECRET_VALID_MS = 24 * 60 * 60 * 1000;

interface StoredSecrets {
  current: string;
  previous?: string;
  previousUntil?: number;
}

export function secretName(subscriptionId: string): string {
  return `subscriptions/${subscriptionId}`;
}

function parse(value: string): StoredSecrets | undefined {
  const parsed = JSON.parse(value) as unknown;
  // The first form: a list, current first.
  if (Array.isArray(parsed)) {
    const [current, previous] = parsed.filter((s): s is string => typeof s === 'string');
    return current ? { current, ...(previous ? { previous } : {}) } : undefined;
  }
  return parsed && typeof parsed === 'object' && typeof (parsed as StoredSecrets).current === 'string'
    ? (parsed as StoredSecrets)
    : undefined;
}

/** The secrets valid now, current first. */
export async function loadSecrets(store: SecretStore, ref: string, now = Date.now()): Promise<string[]> {
  const value = await store.get(ref);
  const stored = value === undefined ? undefined : parse(value);
  if (!stored) return [];
  const previousValid = stored.previous && (stored.previousUntil === undefined || stored.previousUntil > now);
  return previousValid ? [stored.current, stored.previous!] : [stored.current];
}

export function storeSecrets(store: SecretStore, ref: string, secrets: readonly string[]): Promise<void> {
  return store.put(
    ref,
    JSON.stringify({ current: secrets[0], ...(secrets[1] ? { previous: secrets[1] } : {}) }),
  );
}

/** Makes `next` current; the current one stays valid for PREVIOUS_SECRET_VALID_MS. */
export async function rotateSecret(
  store: SecretStore,
  ref: string,
  next: string,
  now = Date.now(),
): Promise<void> {
  const [current] = await loadSecrets(store, ref, now);
  const stored: StoredSecrets = {
    current: next,
    ...(current ? { previous: current, previousUntil: now + PREVIOUS_SECRET_VALID_MS } : {}),
  };
  await store.put(ref, JSON.stringify(stored));
}
