/**
 * Digests (docs/NOTIFICATIONS.md): more than `digestAbove` messages for one
 * subscription in a window become one digest, still exactly once per
 * delivery, against the verifying webhook receiver and the local Slack. The
 * clock is the test's, so a window closes when the test says, not after a minute.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ulid } from 'ulid';
import { DetailType } from '#shared/kernel/events/catalog.js';
import { startSlackReceiver, type SlackReceiver } from '#local/receivers/slack-receiver.js';
import { startWebhookReceiver, type WebhookReceiver } from '#local/receivers/webhook-receiver.js';
import { DeliveryPendingError, notifyEvent } from '#services/notifier/src/domain/deliver.js';
import { windowStartOf } from '#services/notifier/src/domain/digest.js';
import {
  DEFAULT_EVENTS,
  DEFAULT_STATUSES,
  type NotifierEvent,
} from '#services/notifier/src/domain/notifications.js';
import type { StoredSubscription } from '#services/notifier/src/domain/ports.js';
import { secretName, storeSecrets } from '#services/notifier/src/domain/secrets.js';
import { newWebhookSecret } from '#services/notifier/src/domain/webhook-signature.js';
import {
  deliverThroughQueue,
  shuffled,
  startNotifierHarness,
  statusEvent,
  type NotifierHarness,
} from '#test/helpers/notifier.js';

const WINDOW_MS = 60_000;
const DIGEST_ABOVE = 3;

let clock = Date.now();
let harness: NotifierHarness;
let hooks: WebhookReceiver;
let slack: SlackReceiver;

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  slack = await startSlackReceiver({ perSecond: 2 });
  harness = await startNotifierHarness(
    { now: () => new Date(clock), digestAbove: DIGEST_ABOVE, digestWindowMs: WINDOW_MS },
    { slackApiUrl: slack.apiUrl, slackMessagesPerSecond: 1 },
  );
}, 60_000);
afterAll(async () => {
  await harness.stop();
  await hooks.close();
  await slack.close();
});

async function subscribe(owner: string, extra: Partial<StoredSubscription>, secret: string) {
  const id = `sub_${ulid()}`;
  await storeSecrets(harness.ports.secrets, secretName(id), [secret]);
  const subscription: StoredSubscription = {
    id,
    owner,
    channel: 'webhook',
    events: [...DEFAULT_EVENTS],
    statuses: [...DEFAULT_STATUSES],
    secretRef: secretName(id),
    createdAt: new Date(clock).toISOString(),
    ...extra,
  };
  await harness.ports.subscriptions.put(subscription);
  return subscription;
}

/** Every message received once within the window; answers those not done (buffered in the digest). */
async function receiveOnce(events: NotifierEvent[]): Promise<NotifierEvent[]> {
  const notDone: NotifierEvent[] = [];
  for (const event of events) {
    try {
      await notifyEvent(harness.ports, event, { lastReceive: false, leaseMs: 60_000, eventId: ulid() });
    } catch (err) {
      if (!(err instanceof DeliveryPendingError)) throw err;
      notDone.push(event);
    }
  }
  return notDone;
}

/** Starts the test at a window's beginning, so its messages share one window. */
function startOfNextWindow() {
  clock = windowStartOf(new Date(clock), WINDOW_MS) + WINDOW_MS + 1_000;
}

const ensemble = (owner: string, count: number, tag: string) =>
  Array.from({ length: count }, (_, i) =>
    statusEvent(`sim_${tag}${i}`, owner, i % 3 === 2 ? 'FAILED' : 'SUCCEEDED', 7, { name: `member ${i}` }),
  );

describe('digests', () => {
  it('sends an ensemble end as its first messages and one digest of the rest, each simulation exactly once, from duplicated shuffled events', async () => {
    startOfNextWindow();
    const owner = `digest-${ulid()}`;
    const secret = newWebhookSecret();
    hooks.setSecret(secret);
    await subscribe(owner, { url: hooks.url }, secret);
    const events = ensemble(owner, 10, 'D');
    const buffered = await receiveOnce(shuffled([...events, ...events], 1));
    expect(hooks.deliveries).toHaveLength(DIGEST_ABOVE);
    expect(buffered.length).toBeGreaterThanOrEqual(10 - DIGEST_ABOVE);

    clock += WINDOW_MS; // the window closes: the queue's next receives send the digest
    expect(await deliverThroughQueue(harness.ports, buffered, { parallel: 4 })).toBe(0);
    await deliverThroughQueue(harness.ports, events, { parallel: 4 }); // and a redrive sends nothing more

    const single = hooks.deliveries.filter((d) => d.body.type === 'simulation.status_changed');
    const digests = hooks.deliveries.filter((d) => d.body.type === 'notifications.digest');
    expect(single).toHaveLength(DIGEST_ABOVE);
    expect(digests).toHaveLength(1);
    const listed = digests[0]!.body.data['notifications'] as { simulationId: string; outcome: string }[];
    expect(digests[0]!.body.data['count']).toBe(10 - DIGEST_ABOVE);
    const all = [
      ...single.map((d) => String(d.body.data['simulationId'])),
      ...listed.map((n) => n.simulationId),
    ];
    expect(all.sort()).toEqual(
      events.map((e) => String((e.detail as { simulationId: string }).simulationId)).sort(),
    );
    expect(listed.every((n) => n.outcome === 'SUCCEEDED' || n.outcome === 'FAILED')).toBe(true);
    expect(hooks.duplicates).toBe(0);
    expect(hooks.requests.every((r) => r.verified)).toBe(true);
    expect(harness.published).toEqual([]);
  });

  it('sends on its own a buffered delivery the digest did not cover (its entry written after the digest was read)', async () => {
    startOfNextWindow();
    const owner = `digest-late-${ulid()}`;
    const secret = newWebhookSecret();
    hooks.setSecret(secret);
    const subscription = await subscribe(owner, { url: hooks.url }, secret);
    const before = hooks.deliveries.length;
    const events = ensemble(owner, DIGEST_ABOVE + 1, 'L');
    const buffered = await receiveOnce(events);
    expect(buffered).toHaveLength(1);
    // A delivery of the same window recorded as buffered, whose entry never reached the buffer (a crash, a slow write).
    const late = statusEvent('sim_Llate', owner, 'SUCCEEDED', 7, { name: 'late member' });
    const key = { subscriptionId: subscription.id, scope: 'sim_Llate', kind: 'status' as const, order: 7 };
    expect((await harness.ports.ledger.claim(key, new Date(clock), 60_000)).claimed).toBe(true);
    await harness.ports.ledger.markBuffered(key, windowStartOf(new Date(clock), WINDOW_MS));

    clock += WINDOW_MS;
    expect(await deliverThroughQueue(harness.ports, [...buffered, late, late], { parallel: 2 })).toBe(0);
    const mine = hooks.deliveries.slice(before);
    expect(mine.map((d) => [d.body.type, d.body.data['simulationId'] ?? d.body.data['count']])).toEqual(
      expect.arrayContaining([
        ['notifications.digest', 1],
        ['simulation.status_changed', 'sim_Llate'],
      ]),
    );
    expect(mine).toHaveLength(DIGEST_ABOVE + 2);
    expect(hooks.duplicates).toBe(0);
  });

  it('fails the members of a digest refused for good (410) with it: one Notification Failed, none resent one by one', async () => {
    // Near the real clock again: the receiver refuses (401) timestamps more than 5 minutes off.
    clock = Date.now();
    startOfNextWindow();
    const owner = `digest-refused-${ulid()}`;
    const secret = newWebhookSecret();
    hooks.setSecret(secret);
    const subscription = await subscribe(owner, { url: hooks.url }, secret);
    const before = hooks.requests.length;
    const buffered = await receiveOnce(ensemble(owner, DIGEST_ABOVE + 3, 'R'));
    expect(buffered).toHaveLength(3);

    clock += WINDOW_MS;
    hooks.failNext(1, 410);
    // Every buffered message received (twice: duplicates) until done; none is dead-lettered.
    expect(await deliverThroughQueue(harness.ports, [...buffered, ...buffered], { parallel: 2 })).toBe(0);
    const mine = hooks.requests.slice(before);
    // The first DIGEST_ABOVE as they came, then the digest, refused; nothing after it.
    expect(mine.map((r) => r.body.type)).toEqual([
      ...Array<string>(DIGEST_ABOVE).fill('simulation.status_changed'),
      'notifications.digest',
    ]);
    const failed = harness.published.filter(
      (e) => (e.detail as { subscriptionId?: string }).subscriptionId === subscription.id,
    );
    expect(failed.map((e) => e.detailType)).toEqual([DetailType.NotificationFailed]);
    expect(failed[0]!.detail).toMatchObject({
      channel: 'webhook',
      reason: 'a digest of 3 notifications was refused: the target answered HTTP 410',
    });
    // A member's event received again later finds its delivery failed: still nothing sent.
    await deliverThroughQueue(harness.ports, buffered.slice(0, 1));
    expect(hooks.requests.length - before).toBe(DIGEST_ABOVE + 1);
  });

  it('posts one Slack digest for a bot-token channel, within the channel rate', async () => {
    startOfNextWindow();
    const owner = `digest-slack-${ulid()}`;
    const channel = 'C0DIGEST01';
    await subscribe(owner, { channel: 'slack', slackChannel: channel }, slack.token);
    const events = ensemble(owner, 8, 'S');
    const buffered = await receiveOnce(shuffled([...events, ...events], 2));
    clock += WINDOW_MS;
    expect(await deliverThroughQueue(harness.ports, buffered, { parallel: 4 })).toBe(0);

    const posts = slack.posts.filter((p) => p.channel === channel && p.method === 'chat.postMessage');
    expect(posts).toHaveLength(DIGEST_ABOVE + 1);
    const digest = posts.find((p) => p.text.startsWith(`${8 - DIGEST_ABOVE} notifications`))!;
    expect(digest).toBeDefined();
    const named = new Set(
      posts.flatMap((p) => [...JSON.stringify(p.blocks).matchAll(/sim_S\d+/g)].map((m) => m[0])),
    );
    expect(named.size).toBe(8);
    expect(slack.maxPerSecond(channel)).toBeLessThanOrEqual(2);
  });
});
