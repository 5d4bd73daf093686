/**
 * One received event, delivered to every subscription that asks for it,
 * exactly once each: the delivery is recorded (a conditional write on its key)
 * before it is sent, so duplicated events send nothing twice and a stale one
 * (an older status version arriving after a newer) sends nothing at all.
 *
 * A failed send is tried again within the receive (backoff with full jitter,
 * Retry-After honoured), then the message goes back to the queue; after the
 * queue's last receive the owner's tooling hears `Notification Failed` and the
 * message goes to the dead-letter queue (a redrive, once the receiver is
 * fixed, sends what was not sent). A target that answers a 4xx other than
 * 408/409/425/429, or is refused by the target check, fails at once: trying
 * again cannot help.
 */
import { DetailType, Source } from '#shared/kernel/events/catalog.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import type { NotificationFailedDetail } from '#schemas/generated/types.js';
import {
  filtersByTags,
  notificationOf,
  tagsMatch,
  wants,
  type Notification,
  type NotifierEvent,
} from './notifications.js';
import {
  TEAM_SUBSCRIPTIONS,
  type DeliveryKey,
  type DeliveryPorts,
  type StoredSubscription,
} from './ports.js';
import { digestEntryOf, digestNotification, entryKeyOf, windowStartOf } from './digest.js';
import { loadSecrets } from './secrets.js';
import { sendEmail, type ChannelResult } from './email-channel.js';
import { sendSlack } from './slack-channel.js';
import { sendWebhook, webhookMessageId } from './webhook-channel.js';

/** Some deliveries of the message are not done yet: it goes back to the queue. */
export class DeliveryPendingError extends Error {
  constructor(
    message: string,
    /** When only digests are waited for: no use receiving the message again before this (epoch ms). */
    readonly retryAtMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryPendingError';
  }
}

/** `buffered`: waiting in a digest whose window has not closed. */
export type DeliveryResult = 'sent' | 'duplicate' | 'stale' | 'failed' | 'pending' | 'buffered';

export interface ReceiveInfo {
  /** The queue's last receive of this message: a delivery still failing is given up (Notification Failed). */
  lastReceive: boolean;
  /** How long a claim is held: longer than the function's timeout, so only a dead delivery's lapses. */
  leaseMs: number;
  eventId: string;
}

export function notificationFailed(detail: Omit<NotificationFailedDetail, 'schemaVersion'>): OutgoingEvent {
  return {
    source: Source.notifier,
    detailType: DetailType.NotificationFailed,
    detail: { schemaVersion: '1', ...detail } satisfies NotificationFailedDetail,
    resources: detail.simulationId ? [detail.simulationId] : [],
  };
}

/** Delivers one event; throws DeliveryPendingError when some delivery must be tried again later. */
export async function notifyEvent(
  ports: DeliveryPorts,
  event: NotifierEvent,
  receive: ReceiveInfo,
): Promise<Record<DeliveryResult, number>> {
  const notification = notificationOf(event, ports.now());
  // The owner's subscriptions and the teams' (admin-managed, across owners): one query each.
  const [own, teams] = await Promise.all([
    ports.subscriptions.listByOwner(notification.owner),
    notification.simulationId !== undefined ? ports.subscriptions.listByOwner(TEAM_SUBSCRIPTIONS) : [],
  ]);
  const wanting = [...own, ...teams].filter((s) => wants(s, notification));
  // The event carries no tags: the simulation is read once, and only when a subscription filters by them.
  const tags = wanting.some((s) => filtersByTags(s, notification))
    ? await ports.simulationTags(notification.simulationId!)
    : undefined;
  const subscriptions = wanting.filter((s) => !filtersByTags(s, notification) || tagsMatch(s, tags));
  const results = await Promise.all(subscriptions.map((s) => deliverOnce(ports, s, notification, receive)));
  const counts: Record<DeliveryResult, number> = {
    sent: 0,
    duplicate: 0,
    stale: 0,
    failed: 0,
    pending: 0,
    buffered: 0,
  };
  for (const result of results) counts[result] += 1;
  if (counts.pending > 0) {
    throw new DeliveryPendingError(`${counts.pending} of ${subscriptions.length} deliveries to try again`);
  }
  if (counts.buffered > 0) {
    const windowEnd = windowStartOf(ports.now(), ports.digestWindowMs) + ports.digestWindowMs;
    throw new DeliveryPendingError(`${counts.buffered} deliveries wait for their digest`, windowEnd);
  }
  return counts;
}

export async function deliverOnce(
  ports: DeliveryPorts,
  subscription: StoredSubscription,
  notification: Notification,
  receive: ReceiveInfo,
): Promise<DeliveryResult> {
  const key: DeliveryKey = {
    subscriptionId: subscription.id,
    scope: notification.scope,
    kind: notification.kind,
    order: notification.order,
  };
  const claim = await ports.ledger.claim(key, ports.now(), receive.leaseMs);
  if (!claim.claimed) {
    // Another receive holds it: this one comes back later and finds it sent, or takes over a dead claim.
    if (claim.why === 'in-flight') return 'pending';
    if (claim.why === 'buffered')
      return settleBuffered(ports, subscription, notification, key, claim.windowStart, receive);
    return claim.why === 'stale' ? 'stale' : 'duplicate';
  }
  if (claim.attempts === 0) {
    const windowStart = windowStartOf(ports.now(), ports.digestWindowMs);
    const count = await ports.digests.count(subscription.id, windowStart, ports.now());
    if (count > ports.digestAbove) {
      // Buffered before its entry is written: a crash between the two leaves a delivery the digest cannot cover, sent on its own.
      await ports.ledger.markBuffered(key, windowStart);
      await ports.digests.add(subscription.id, windowStart, digestEntryOf(key, notification));
      return 'buffered';
    }
  }
  return sendClaimed(ports, subscription, notification, key, claim.attempts, receive);
}

/**
 * A buffered delivery received again: once its window has closed it sends the
 * window's digest (or finds it sent), then is done if the digest covered it
 * and sent on its own if not.
 */
async function settleBuffered(
  ports: DeliveryPorts,
  subscription: StoredSubscription,
  notification: Notification,
  key: DeliveryKey,
  windowStart: number,
  receive: ReceiveInfo,
): Promise<DeliveryResult> {
  let digest = await ports.digests.covered(subscription.id, windowStart);
  if (!digest && ports.now().getTime() < windowStart + ports.digestWindowMs) return 'buffered';
  if (!digest) {
    await flushDigest(ports, subscription, windowStart, receive);
    digest = await ports.digests.covered(subscription.id, windowStart);
  }
  if (!digest) return 'pending';
  if (digest.covered.includes(entryKeyOf(key))) {
    // A digest refused for good fails its members with it (one Notification Failed, for the digest): none is resent alone.
    if (digest.failed !== undefined) {
      await ports.ledger.markFailed(key, 1, digest.failed);
      return 'failed';
    }
    await ports.ledger.markSent(key, ports.now());
    return 'sent';
  }
  if (!(await ports.ledger.takeBuffered(key, ports.now(), receive.leaseMs))) return 'pending';
  return sendClaimed(ports, subscription, notification, key, 0, receive);
}

/** Sends the window's digest once (a claim on its record); a failure leaves it to the next receive. */
async function flushDigest(
  ports: DeliveryPorts,
  subscription: StoredSubscription,
  windowStart: number,
  receive: ReceiveInfo,
): Promise<void> {
  const entries = await ports.digests.claimFlush(subscription.id, windowStart, ports.now(), receive.leaseMs);
  if (!entries) return;
  const digest = digestNotification(subscription, windowStart, ports.digestWindowMs, entries, ports.now());
  const key: DeliveryKey = { subscriptionId: subscription.id, scope: digest.scope, kind: 'status', order: 0 };
  const outcome = await sendWithRetries(ports, subscription, digest, key, 0);
  if (outcome.ok) {
    await ports.digests.markFlushed(
      subscription.id,
      windowStart,
      entries.map((e) => e.key),
      ports.now(),
    );
    return;
  }
  ports.log('digest not sent', { subscriptionId: subscription.id, windowStart, error: outcome.error });
  if (!outcome.permanent) {
    await ports.digests.releaseFlush(subscription.id, windowStart);
    return;
  }
  // Refused for good (a 4xx other than 408/409/425/429, a refused target): the receiver would refuse its
  // members one by one as well, so they fail with the digest, told once by one Notification Failed.
  const reason = `a digest of ${entries.length} notifications was refused: ${outcome.error}`;
  await ports.publisher.publish([
    notificationFailed({
      subscriptionId: subscription.id,
      channel: subscription.channel,
      eventId: receive.eventId,
      reason,
      attempts: outcome.attempts,
    }),
  ]);
  await ports.digests.markFlushed(
    subscription.id,
    windowStart,
    entries.map((e) => e.key),
    ports.now(),
    reason,
  );
}

/** Sends a claimed delivery and settles its record. */
async function sendClaimed(
  ports: DeliveryPorts,
  subscription: StoredSubscription,
  notification: Notification,
  key: DeliveryKey,
  earlierAttempts: number,
  receive: ReceiveInfo,
): Promise<DeliveryResult> {
  const outcome = await sendWithRetries(ports, subscription, notification, key, earlierAttempts);
  if (outcome.ok) {
    await ports.ledger.markSent(key, ports.now());
    return 'sent';
  }
  const giveUp = outcome.permanent || receive.lastReceive;
  const log = {
    subscriptionId: subscription.id,
    simulationId: notification.simulationId,
    attempts: outcome.attempts,
  };
  if (!giveUp) {
    ports.log('delivery failed; the message will be received again', { ...log, error: outcome.error });
    await ports.ledger.release(key, outcome.attempts, outcome.error);
    return 'pending';
  }
  await ports.publisher.publish([
    notificationFailed({
      subscriptionId: subscription.id,
      channel: subscription.channel,
      eventId: receive.eventId,
      ...(notification.simulationId ? { simulationId: notification.simulationId } : {}),
      reason: outcome.error,
      attempts: outcome.attempts,
    }),
  ]);
  ports.log('delivery given up: Notification Failed published', { ...log, error: outcome.error });
  if (outcome.permanent) {
    await ports.ledger.markFailed(key, outcome.attempts, outcome.error);
    return 'failed';
  }
  // Released, not closed: the message goes to the dead-letter queue, and a redrive sends it.
  await ports.ledger.release(key, outcome.attempts, outcome.error);
  return 'pending';
}

type SendOutcome = { ok: true } | { ok: false; permanent: boolean; error: string; attempts: number };

/** One try on the subscription's channel. */
async function sendOnce(
  ports: DeliveryPorts,
  subscription: StoredSubscription,
  secrets: string[],
  notification: Notification,
  messageId: string,
): Promise<ChannelResult> {
  if (subscription.channel === 'email') return sendEmail(ports, subscription, secrets[0]!, notification);
  if (subscription.channel === 'slack') return sendSlack(ports, subscription, secrets[0]!, notification);
  return sendWebhook(ports, subscription, secrets, notification, messageId);
}

async function sendWithRetries(
  ports: DeliveryPorts,
  subscription: StoredSubscription,
  notification: Notification,
  key: DeliveryKey,
  earlierAttempts: number,
): Promise<SendOutcome> {
  const secrets = await loadSecrets(ports.secrets, subscription.secretRef);
  if (secrets.length === 0) {
    return {
      ok: false,
      permanent: true,
      error: 'the subscription has no secret',
      attempts: earlierAttempts + 1,
    };
  }
  const messageId = webhookMessageId(key);
  let attempts = earlierAttempts;
  let error = 'not tried';
  for (let attempt = 1; attempt <= ports.attemptsPerReceive; attempt += 1) {
    attempts += 1;
    const result = await sendOnce(ports, subscription, secrets, notification, messageId);
    if (result.ok) return { ok: true };
    error = result.error;
    if (result.permanent) return { ok: false, permanent: true, error, attempts };
    if (attempt === ports.attemptsPerReceive) break;
    const backoff = ports.random() * Math.min(ports.maxDelayMs, ports.baseDelayMs * 2 ** (attempt - 1));
    const delay = Math.max(backoff, result.retryAfterMs ?? 0);
    // A wait longer than we hold the message for is the queue's to make (its visibility timeout).
    if (delay > ports.maxDelayMs) break;
    await ports.sleep(delay);
  }
  return { ok: false, permanent: false, error, attempts };
}
