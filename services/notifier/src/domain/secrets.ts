/** A subscription's signing secrets, kept as one value in the secret store: current first, then the one it replaced. */
import type { SecretStore } from './ports.js';

export function secretName(subscriptionId: string): string {
  return `subscriptions/${subscriptionId}`;
}

export async function loadSecrets(store: SecretStore, ref: string): Promise<string[]> {
  const value = await store.get(ref);
  if (value === undefined) return [];
  const parsed = JSON.parse(value) as unknown;
  return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
}

export function storeSecrets(store: SecretStore, ref: string, secrets: readonly string[]): Promise<void> {
  return store.put(ref, JSON.stringify(secrets));
}
