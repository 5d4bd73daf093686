import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ulid } from 'ulid';
import type { SimulationStatus } from '#schemas/generated/types.js';
import { DetailType, simulationStatusChanged, Source } from '#shared/kernel/events/catalog.js';
import { DeliveryPendingError, notifyEvent } from '#services/notifier/src/domain/deliver.js';
import {
  DEFAULT_EVENTS,
  DEFAULT_STATUSES,
  type NotifierEvent,
} from '#services/notifier/src/domain/notifications.js';
import type { StoredSubscription } from '#services/notifier/src/domain/ports.js';
import { loadSecrets, secretName, storeSecrets } from '#services/notifier/src/domain/secrets.js';
import { newWebhookSecret } from '#services/notifier/src/domain/webhook-signature.js';
import { startWebhookReceiver, type WebhookReceiver } from '#local/receivers/webhook-receiver.js';
import {
  deliverThroughQueue,
  lifecycle,
  notifierEvent,
  shuffled,
  startNotifierHarness,
  statusEvent,
  type NotifierHarness,
} from '#test/helpers/notifier.js';

const MAX_RECEIVES = 5;

let harness: NotifierHarness;
let receiver: WebhookReceiver;

beforeAll(async () => {
  harness = await startNotifierHarness();
}, 60_000);
afterAll(async () => {
  await harness.stop();
});
afterEach(async () => {
  await receiver?.close();
  harness.published.length = 0;
});

async function subscribe(
  owner: string,
  extra: Partial<StoredSubscription> = {},
): Promise<StoredSubscription> {
  receiver = await startWebhookReceiver();
  const id = `sub_${ulid()}`;
  const secret = newWebhookSecret();
  receiver.setSecret(secret);
  await storeSecrets(harness.ports.secrets, secretName(id), [secret]);
  const subscription: StoredSubscription = {
    id,
    owner,
    channel: 'webhook',
    url: receiver.url,
    events: [...DEFAULT_EVENTS],
    statuses: [...DEFAULT_STATUSES],
    secretRef: secretName(id),
    createdAt: new Date().toISOString(),
    ...extra,
  };
  await harness.ports.subscriptions.put(subscription);
  return subscription;
}

const throughQueue = (events: NotifierEvent[], parallel = 1) =>
  deliverThroughQueue(harness.ports, events, { parallel, maxReceives: MAX_RECEIVES });

describe('notifier deliveries (dynalite, HTTP to a verifying receiver)', () => {
  it('sends duplicated and shuffled events once per subscription, and only the final outcome by default', async () => {
    const owner = `alice-${ulid()}`;
    await subscribe(owner);
    const events = lifecycle('sim_A', owner);
    const copies = [...events, ...events, ...events];
    for (const seed of [1, 2]) await throughQueue(shuffled(copies, seed), 4);
    expect(receiver.deliveries.map((d) => [d.body.type, d.body.data['to']])).toEqual([
      ['simulation.status_changed', 'SUCCEEDED'],
    ]);
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
    expect(receiver.duplicates).toBe(0);
    expect(harness.published).toEqual([]);
  }, 60_000);

  it('never sends a stale status after a newer one, whatever the order', async () => {
    const owner = `bob-${ulid()}`;
    const all: SimulationStatus[] = ['SUBMITTED', 'RUNNABLE', 'STARTING', 'RUNNING', 'RETRYING', 'SUCCEEDED'];
    await subscribe(owner, { statuses: all });
    const events = lifecycle('sim_B', owner);
    await throughQueue(shuffled([...events, ...events], 7), 1);
    const versions = receiver.deliveries.map((d) => Number(d.body.data['version']));
    expect(versions.length).toBeGreaterThan(0);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions.at(-1)).toBe(9);
    expect(receiver.duplicates).toBe(0);
  }, 60_000);

  it('a retry that later succeeds is delivered once and raises no alert (503s, then 429 with Retry-After)', async () => {
    const owner = `carol-${ulid()}`;
    await subscribe(owner);
    receiver.failNext(4, 503);
    await throughQueue([statusEvent('sim_C', owner, 'FAILED', 5)]);
    receiver.failNext(1, 429, 0);
    await throughQueue([statusEvent('sim_C2', owner, 'SUCCEEDED', 5)]);
    expect(receiver.deliveries.map((d) => d.body.data['simulationId'])).toEqual(['sim_C', 'sim_C2']);
    expect(receiver.requests.length).toBe(7);
    expect(harness.published).toEqual([]);
  }, 60_000);

  it('delivers once the receiver, down at first, is up again', async () => {
    const owner = `dave-${ulid()}`;
    const subscription = await subscribe(owner);
    const port = Number(new URL(subscription.url!).port);
    await receiver.close();
    const event = statusEvent('sim_D', owner, 'SUCCEEDED', 4);
    await expect(
      notifyEvent(harness.ports, event, { lastReceive: false, leaseMs: 60_000, eventId: 'd-1' }),
    ).rejects.toThrow(DeliveryPendingError);
    receiver = await startWebhookReceiver({ port });
    receiver.setSecret((await loadSecrets(harness.ports.secrets, subscription.secretRef))[0]!);
    const counts = await notifyEvent(harness.ports, event, {
      lastReceive: false,
      leaseMs: 60_000,
      eventId: 'd-1',
    });
    expect(counts.sent).toBe(1);
    expect(receiver.deliveries).toHaveLength(1);
    expect(harness.published).toEqual([]);
  }, 60_000);

  it('after the last receive publishes Notification Failed and leaves the message to the DLQ; a redrive sends it', async () => {
    const owner = `erin-${ulid()}`;
    const subscription = await subscribe(owner);
    receiver.failNext(1000, 500);
    const deadLettered = await throughQueue([statusEvent('sim_E', owner, 'TIMED_OUT', 6)]);
    expect(deadLettered).toBe(1);
    expect(harness.published).toEqual([
      expect.objectContaining({
        source: Source.notifier,
        detailType: DetailType.NotificationFailed,
        detail: expect.objectContaining({
          subscriptionId: subscription.id,
          channel: 'webhook',
          simulationId: 'sim_E',
          attempts: MAX_RECEIVES * harness.ports.attemptsPerReceive,
          reason: 'the target answered HTTP 500',
        }),
      }),
    ]);
    receiver.failNext(0, 200);
    await throughQueue([statusEvent('sim_E', owner, 'TIMED_OUT', 6)]);
    expect(receiver.deliveries).toHaveLength(1);
  }, 60_000);

  it('a target answering 410 fails at once: Notification Failed, no retries, never sent again', async () => {
    const owner = `frank-${ulid()}`;
    await subscribe(owner);
    receiver.failNext(1000, 410);
    const event = statusEvent('sim_F', owner, 'FAILED', 3);
    expect(await throughQueue([event, event])).toBe(0);
    expect(receiver.requests).toHaveLength(1);
    expect(harness.published.map((e) => e.detailType)).toEqual([DetailType.NotificationFailed]);
  }, 60_000);

  it('filters by tags, reading the simulation once per event and only when a subscription filters by them', async () => {
    const owner = `tagged-${ulid()}`;
    await subscribe(owner, { tags: { project: 'ozone' } });
    const tagsOf: Record<string, Record<string, string>> = {
      sim_T1: { project: 'ozone', site: 'x' },
      sim_T2: { project: 'aerosols' },
    };
    const reads: string[] = [];
    const original = harness.ports.simulationTags;
    harness.ports.simulationTags = async (id) => {
      reads.push(id);
      return tagsOf[id];
    };
    try {
      const end = (id: string) => statusEvent(id, owner, 'SUCCEEDED', 7, { name: id });
      await throughQueue([end('sim_T1'), end('sim_T2'), end('sim_T3')]);
      expect(receiver.deliveries.map((d) => d.body.data['simulationId'])).toEqual(['sim_T1']);
      expect(reads).toEqual(['sim_T1', 'sim_T2', 'sim_T3']);
      // An owner whose subscriptions filter by no tag costs no read.
      const plain = `untagged-${ulid()}`;
      await receiver.close();
      await subscribe(plain);
      await throughQueue([statusEvent('sim_T4', plain, 'SUCCEEDED', 7)]);
      expect(receiver.deliveries).toHaveLength(1);
      expect(reads).toHaveLength(3);
    } finally {
      harness.ports.simulationTags = original;
    }
  });

  it('tells a run stuck in RUNNABLE past its queue limit by default (it ends TIMED_OUT, with the reason), never RUNNABLE itself', async () => {
    const owner = `queued-${ulid()}`;
    await subscribe(owner);
    const reason =
      'waited 31 min for capacity, over its 30 min queue limit: MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT';
    const stuck = notifierEvent(
      simulationStatusChanged(Source.executionPoller, {
        simulationId: 'sim_Q1',
        owner,
        from: 'RUNNABLE',
        to: 'TIMED_OUT',
        reason,
        version: 4,
        at: new Date().toISOString(),
        terminal: true,
      }),
    );
    await throughQueue([statusEvent('sim_Q1', owner, 'RUNNABLE', 3), stuck, stuck]);
    expect(
      receiver.deliveries.map((d) => [d.body.data['from'], d.body.data['to'], d.body.data['reason']]),
    ).toEqual([['RUNNABLE', 'TIMED_OUT', reason]]);
  });

  it('never mails an address SES reported bouncing or complaining: Notification Failed at once, nothing sent', async () => {
    const owner = `suppressed-${ulid()}`;
    const { mail, suppressions } = harness.ports;
    const mailed: string[] = [];
    harness.ports.mail = { send: async (message) => void mailed.push(message.to) };
    harness.ports.suppressions = {
      isSuppressed: async (address) => address === 'bounced@example.org',
      suppress: async () => undefined,
    };
    try {
      await subscribe(owner, { channel: 'email', address: 'bounced@example.org', url: undefined });
      await throughQueue([statusEvent('sim_M1', owner, 'FAILED', 6)]);
      expect(mailed).toEqual([]);
      expect(harness.published.map((e) => e.detailType)).toEqual([DetailType.NotificationFailed]);
      expect(harness.published[0]!.detail).toMatchObject({
        channel: 'email',
        simulationId: 'sim_M1',
        reason: expect.stringMatching(/bounced@example.org is suppressed/),
        attempts: 1,
      });
    } finally {
      harness.ports.mail = mail;
      harness.ports.suppressions = suppressions;
    }
  });

  it('delivers budget thresholds by default, and cost updates only to those who ask, above their amount', async () => {
    const owner = `grace-${ulid()}`;
    await subscribe(owner, { events: ['budget', 'cost'], costAboveUsd: 10 });
    const budget = (thresholdPercent: number) =>
      notifierEvent({
        source: Source.costTracker,
        detailType: DetailType.BudgetThresholdCrossed,
        detail: {
          schemaVersion: '1',
          owner,
          month: '2026-12',
          budgetUsd: 100,
          spentUsd: thresholdPercent,
          thresholdPercent,
        },
      });
    const cost = (amountUsd: number) =>
      notifierEvent({
        source: Source.costTracker,
        detailType: DetailType.SimulationCostUpdated,
        detail: { schemaVersion: '1', simulationId: 'sim_G', owner, kind: 'accrued', amountUsd },
      });
    await throughQueue([budget(80), budget(50), budget(80), cost(4), cost(12), cost(11)]);
    expect(receiver.deliveries.map((d) => d.body.type)).toEqual([
      'budget.threshold_crossed',
      'simulation.cost_updated',
    ]);
    expect(
      receiver.deliveries.map((d) => d.body.data['thresholdPercent'] ?? d.body.data['amountUsd']),
    ).toEqual([80, 12]);
  }, 60_000);
});
