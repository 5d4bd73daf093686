/** The subscriptions page's pure logic: channels, events, filters in words, tags typed as text. */
import { simulationStatusSchema, subscriptionRequestSchema } from '#schemas/generated/schemas.js';
import type { Subscription, SubscriptionTestResult } from '#schemas/generated/types.js';

export type Channel = Subscription['channel'];
export type NotificationKind = Subscription['events'][number];
export type SimulationStatus = Subscription['statuses'][number];

export const CHANNELS: { value: Channel; label: string }[] = [
  { value: 'webhook', label: 'Webhook' },
  { value: 'email', label: 'Email' },
  { value: 'slack', label: 'Slack' },
];

/** From the API's schema, so the choices are the ones it accepts. */
export const NOTIFICATION_KINDS = subscriptionRequestSchema.$defs.NotificationKind
  .enum as readonly NotificationKind[];
export const SIMULATION_STATUSES = simulationStatusSchema.enum as readonly SimulationStatus[];

const KIND_LABELS: Record<NotificationKind, string> = {
  status: 'Status changes',
  results: 'Results ready or failed',
  budget: 'Budget thresholds',
  cost: 'Cost updates',
};

export function kindLabel(kind: NotificationKind): string {
  return KIND_LABELS[kind];
}

export function channelLabel(channel: Channel): string {
  return CHANNELS.find((c) => c.value === channel)?.label ?? channel;
}

/** What a subscription listens to besides its events, in words. */
export function describeFilters(
  subscription: Pick<Subscription, 'events' | 'statuses' | 'tags' | 'costAboveUsd'>,
): string[] {
  const filters: string[] = [];
  if (subscription.events.includes('status')) filters.push(`statuses ${subscription.statuses.join(', ')}`);
  for (const [key, value] of Object.entries(subscription.tags ?? {})) filters.push(`tag ${key}=${value}`);
  if (subscription.costAboveUsd !== undefined) filters.push(`cost above $${subscription.costAboveUsd}`);
  return filters;
}

/**
 * "project=ozone, team=chem" -> { project: 'ozone', team: 'chem' }; empty
 * text -> undefined (no filter); a part without `=` -> an error message for the field.
 */
export function parseTags(text: string): { tags?: Record<string, string>; error?: string } {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0) return {};
  const tags: Record<string, string> = {};
  for (const part of parts) {
    const at = part.indexOf('=');
    if (at <= 0) return { error: `"${part}" is not key=value` };
    tags[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return { tags };
}

/** A test delivery's outcome as one line (not by colour alone). */
export function describeTestResult(result: SubscriptionTestResult): string {
  const status = result.statusCode !== undefined ? ` (HTTP ${result.statusCode})` : '';
  return result.delivered ? `Delivered${status}` : `Failed${status}: ${result.error ?? 'no reason given'}`;
}
