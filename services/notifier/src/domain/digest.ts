/**
 * Digests: when one subscription would get more than `digestAbove` messages
 * in one window (a minute: an ensemble finishing), the rest of the window's
 * notifications are buffered in the notifier's table and sent as one digest
 * when the window has closed.
 *
 * Crash-safe by construction, with the table as the window's buffer and the
 * queue messages themselves as the timer: a buffered delivery's message stays
 * on the queue (it is not done) and, received again after the window, sends
 * the digest (one claim on the digest's record) or finds it sent. The digest's
 * record keeps what it covered; a delivery it covered is then marked sent,
 * and one it did not (its entry was written after the digest was read) is
 * sent on its own. So nothing is sent twice and nothing is lost.
 */
import type { Notification } from './notifications.js';
import type { DeliveryKey, DigestEntry, StoredSubscription } from './ports.js';

/** The webhook payload's `type` of a digest. */
export const DIGEST_TYPE = 'notifications.digest';

export const windowStartOf = (now: Date, windowMs: number) => Math.floor(now.getTime() / windowMs) * windowMs;

/** One buffered delivery's name in the digest's record. */
export const entryKeyOf = (key: DeliveryKey) => `${key.scope}#${key.kind}#${key.order}`;

/** What a line of the digest says happened. */
function outcomeOf(notification: Notification): string {
  const d = notification.data;
  switch (notification.type) {
    case 'simulation.status_changed':
      return String(d['to']);
    case 'simulation.results_ready':
      return 'results ready';
    case 'simulation.results_failed':
      return 'results failed';
    case 'simulation.cost_updated':
      return `cost $${Number(d['amountUsd']).toFixed(2)}`;
    case 'budget.threshold_crossed':
      return `budget ${String(d['thresholdPercent'])}% of ${String(d['month'])}`;
    default:
      return notification.type;
  }
}

export function digestEntryOf(key: DeliveryKey, notification: Notification): DigestEntry {
  const name = notification.data['name'];
  return {
    key: entryKeyOf(key),
    type: notification.type,
    ...(notification.simulationId ? { simulationId: notification.simulationId } : {}),
    ...(typeof name === 'string' ? { name } : {}),
    outcome: outcomeOf(notification),
    at: notification.at,
  };
}

/** The one message a window's buffered notifications become. */
export function digestNotification(
  subscription: StoredSubscription,
  windowStart: number,
  windowMs: number,
  entries: DigestEntry[],
  now: Date,
): Notification {
  const sorted = [...entries].sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
  return {
    kind: 'status',
    type: DIGEST_TYPE,
    owner: subscription.owner,
    scope: `digest#${windowStart}`,
    order: 0,
    at: now.toISOString(),
    data: {
      subscriptionId: subscription.id,
      windowStart: new Date(windowStart).toISOString(),
      windowEnd: new Date(windowStart + windowMs).toISOString(),
      count: sorted.length,
      notifications: sorted.map(({ key: _key, ...entry }) => entry),
    },
  };
}

/** `name: outcome` lines of a digest, for Slack and email. */
export function digestLines(notification: Notification): string[] {
  const items = (notification.data['notifications'] ?? []) as Omit<DigestEntry, 'key'>[];
  return items.map(
    (i) =>
      `${i.name ?? i.simulationId ?? 'budget'}${i.name && i.simulationId ? ` (${i.simulationId})` : ''}: ${i.outcome}`,
  );
}

export const digestHeadline = (notification: Notification) =>
  `${String(notification.data['count'])} notifications since ${String(notification.data['windowStart']).slice(11, 16)} UTC`;
