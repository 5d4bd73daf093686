/**
 * Slack deliveries against a local Slack (local/receivers/slack-receiver.ts)
 * speaking chat.postMessage / chat.update and incoming webhooks, with its rate
 * limit (429 + Retry-After) and failures; the notifier's table on dynalite.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ulid } from 'ulid';
import type { SimulationStatus } from '#schemas/generated/types.js';
import { startSlackReceiver, type SlackReceiver } from '#local/receivers/slack-receiver.js';
import { DEFAULT_EVENTS } from '#services/notifier/src/domain/notifications.js';
import type { StoredSubscription } from '#services/notifier/src/domain/ports.js';
import { secretName, storeSecrets } from '#services/notifier/src/domain/secrets.js';
import { slackMessage } from '#services/notifier/src/domain/slack-channel.js';
import {
  deliverThroughQueue,
  lifecycle,
  shuffled,
  startNotifierHarness,
  statusEvent,
  type NotifierHarness,
} from '#test/helpers/notifier.js';

let slack: SlackReceiver;
let harness: NotifierHarness;

beforeAll(async () => {
  // The receiver allows 2 a second per channel: the notifier's own bucket (1 a second) must keep under it.
  slack = await startSlackReceiver({ perSecond: 2 });
  harness = await startNotifierHarness({}, { slackApiUrl: slack.apiUrl, slackMessagesPerSecond: 1 });
}, 60_000);
afterAll(async () => {
  await harness.stop();
  await slack.close();
});
afterEach(() => {
  harness.published.length = 0;
});

async function subscribeSlack(owner: string, extra: Partial<StoredSubscription>, secret: string) {
  const id = `sub_${ulid()}`;
  await storeSecrets(harness.ports.secrets, secretName(id), [secret]);
  const subscription: StoredSubscription = {
    id,
    owner,
    channel: 'slack',
    events: [...DEFAULT_EVENTS],
    statuses: ['RETRYING', 'FAILED', 'SUCCEEDED', 'CANCELLED', 'TIMED_OUT'],
    secretRef: secretName(id),
    createdAt: new Date().toISOString(),
    ...extra,
  };
  await harness.ports.subscriptions.put(subscription);
  return subscription;
}

describe('Slack deliveries', () => {
  it('with a bot token: one message per simulation, updated in place, retries as thread replies, within the channel rate, from duplicated shuffled events', async () => {
    const owner = `slack-${ulid()}`;
    const channel = 'C0TESTAAA1';
    await subscribeSlack(owner, { slackChannel: channel }, slack.token);
    const ends: SimulationStatus[] = ['SUCCEEDED', 'FAILED', 'SUCCEEDED'];
    const events = ends.flatMap((end, i) => lifecycle(`sim_S${i}`, owner, end));
    // Each run's events in order (as a run's own events mostly are), the runs interleaved, each event twice.
    const version = (e: (typeof events)[number]) => (e.detail as { version: number }).version;
    const ordered = shuffled([...events, ...events], 3).sort((a, b) => version(a) - version(b));
    await deliverThroughQueue(harness.ports, ordered, { parallel: 4 });

    const messages = slack.messages(channel);
    expect(messages.size).toBe(3);
    const finalTexts = [...messages.values()].map((m) => m.text.split(' | ')[0]).sort();
    expect(finalTexts).toEqual(['run sim_S0: SUCCEEDED', 'run sim_S1: FAILED', 'run sim_S2: SUCCEEDED']);
    // RETRYING came first for each run: it made the message; FAILED, later, is also a reply in its thread.
    const replies = slack.posts.filter((p) => p.threadTs !== undefined);
    expect(replies.map((r) => r.text.split(' | ')[0])).toEqual(['run sim_S1: FAILED']);
    // The bucket gives 1 a second; arrival jitter may put two within one second, never more, and Slack's 429 never came.
    expect(slack.maxPerSecond(channel)).toBeLessThanOrEqual(2);
    expect(slack.rateLimited).toBe(0);
    const times = slack.posts.filter((p) => p.channel === channel).map((p) => p.at);
    expect((times.length - 1) / ((Math.max(...times) - Math.min(...times)) / 1000)).toBeLessThanOrEqual(1.1);
    expect(harness.published).toEqual([]);
  }, 120_000);

  it('honours 429 Retry-After and 5xx from Slack: the message arrives once, and no alert is raised', async () => {
    const owner = `slack-${ulid()}`;
    const channel = 'C0TESTBBB2';
    await subscribeSlack(owner, { slackChannel: channel, statuses: ['FAILED'] }, slack.token);
    slack.failNext(1, 429, 0);
    await deliverThroughQueue(harness.ports, [statusEvent('sim_R1', owner, 'FAILED', 4)]);
    slack.failNext(2, 503);
    await deliverThroughQueue(harness.ports, [statusEvent('sim_R2', owner, 'FAILED', 4)]);
    expect([...slack.messages(channel).values()].map((m) => m.text.split(' | ')[0])).toEqual([
      'sim_R1: FAILED',
      'sim_R2: FAILED',
    ]);
    expect(harness.published).toEqual([]);
  }, 60_000);

  it('through an incoming webhook: one message per notable event, delivered once the receiver is back', async () => {
    const owner = `slack-${ulid()}`;
    const hook = `${slack.webhookPrefix}T000/B000/XXXX`;
    await subscribeSlack(owner, {}, hook);
    const port = Number(new URL(slack.apiUrl).port);
    await slack.close();
    expect(
      await deliverThroughQueue(harness.ports, [statusEvent('sim_W1', owner, 'TIMED_OUT', 5)], {
        maxReceives: 1,
      }),
    ).toBe(1);
    expect(harness.published.map((e) => e.detailType)).toEqual(['Notification Failed']);
    slack = await startSlackReceiver({ port, perSecond: 2 });
    // The dead-lettered message, redriven, and the run's results.
    await deliverThroughQueue(harness.ports, [statusEvent('sim_W1', owner, 'TIMED_OUT', 5)]);
    const webhookPosts = slack.posts.filter((p) => p.method === 'webhook');
    expect(webhookPosts.map((p) => p.text.split(' | ')[0])).toEqual(['sim_W1: TIMED_OUT']);
    expect(webhookPosts[0]!.blocks).toBeDefined();
  }, 60_000);

  it('builds Block Kit within Slack sizes, with a text fallback, links and the reason', () => {
    const message = slackMessage(statusEventNotification('x'.repeat(5000)), 'https://api.example.org');
    expect(message.text.length).toBeLessThanOrEqual(3000);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(message.blocks)).toContain('https://api.example.org/simulations/sim_1/logs');
    for (const block of message.blocks as { fields?: { text: string }[] }[])
      for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(2000);
  });
});

function statusEventNotification(reason: string) {
  return {
    kind: 'status' as const,
    type: 'simulation.status_changed',
    owner: 'o',
    simulationId: 'sim_1',
    scope: 'sim_1',
    order: 3,
    status: 'FAILED' as const,
    at: '2026-12-07T00:00:00Z',
    data: { simulationId: 'sim_1', name: 'ozone', from: 'RUNNING', to: 'FAILED', reason, attempt: 2 },
  };
}
