/**
 * The notifier on the local platform: subscriptions made with the CLI and the
 * API, events published on the platform's bus as the poller and the cost
 * tracker publish them, deliveries verified by a webhook receiver.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { localSubFor } from '#local/auth/jwt.js';
import { startWebhookReceiver, type WebhookReceiver } from '#local/receivers/webhook-receiver.js';
import { simulationStatusChanged, Source } from '#shared/kernel/events/catalog.js';
import { createEventBridgePublisher, type EventPublisher } from '#shared/kernel/events/publisher.js';
import type { SimulationStatus } from '#schemas/generated/types.js';
import { api, useLocalPlatform } from '#test/helpers/platform-process.js';
import { gcrAs } from '#test/helpers/run-gcr.js';

const platform = useLocalPlatform({
  // Failed deliveries come back within seconds, not minutes.
  GCR_NOTIFIER_VISIBILITY_TIMEOUT_SECONDS: '2',
  GCR_NOTIFIER_BASE_DELAY_MS: '20',
});
let receiver: WebhookReceiver;
let publisher: EventPublisher;
let client: EventBridgeClient;
const USER = 'notify-alice';

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  client = new EventBridgeClient({
    endpoint: platform().endpoints.eventbridge,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  publisher = createEventBridgePublisher({ client, eventBusName: 'gcr-local' });
});
afterAll(async () => {
  client?.destroy();
  await receiver?.close();
});

function status(simulationId: string, to: SimulationStatus, version: number) {
  return simulationStatusChanged(Source.executionPoller, {
    simulationId,
    owner: localSubFor(USER),
    name: `run ${simulationId}`,
    from: 'RUNNING',
    to,
    reason: `to ${to}`,
    version,
    at: new Date().toISOString(),
  });
}

describe('notifier on the local platform', () => {
  it('answers every bad subscription with a 400 naming the field', async () => {
    const token = await platform().token(USER);
    const cases: [unknown, string][] = [
      [{ channel: 'webhook' }, 'url'],
      [{ channel: 'pager', url: receiver.url }, 'channel'],
      [{ channel: 'webhook', url: 'http://hooks.example.org/x' }, 'url'],
      [{ channel: 'webhook', url: 'https://169.254.169.254/latest/meta-data' }, 'url'],
      [{ channel: 'webhook', url: 'https://10.0.0.1/x' }, 'url'],
      [{ channel: 'webhook', url: receiver.url, statuses: ['DONE'] }, 'statuses.0'],
      [{ channel: 'webhook', url: receiver.url, events: [] }, 'events'],
      [{ channel: 'webhook', url: receiver.url, costAboveUsd: -1 }, 'costAboveUsd'],
      [{ channel: 'webhook', url: receiver.url, tags: {} }, 'tags'],
      [{ channel: 'webhook', url: receiver.url, tags: 'project=x' }, 'tags'],
      [{ channel: 'webhook', url: receiver.url, tags: { project: 5 } }, 'tags.project'],
      [{ channel: 'webhook', url: receiver.url, tags: { 'bad key!': 'x' } }, 'tags.bad key!'],
      [{ channel: 'webhook', url: receiver.url, secret: 'hunter2' }, 'secret'],
      [{ channel: 'webhook', url: receiver.url, evnts: ['status'] }, 'body'],
      [{ channel: 'email' }, 'address'],
      [{ channel: 'email', address: 'not-an-address' }, 'address'],
      [{ channel: 'email', address: 'a@example.org', secret: 'whsec_' + 'A'.repeat(43) + '=' }, 'secret'],
      [{ channel: 'webhook', url: receiver.url, address: 'a@example.org' }, 'address'],
      [{ channel: 'slack', url: 'https://hooks.example.org/services/T/B/X' }, 'url'],
      [{ channel: 'slack' }, 'url'],
      [{ channel: 'slack', token: 'xoxb-0123456789-abcdef' }, 'slackChannel'],
      [{ channel: 'slack', token: 'not-a-token', slackChannel: 'C0123ABCD' }, 'token'],
      [{ channel: 'slack', token: 'xoxb-0123456789-abcdef', slackChannel: '#general' }, 'slackChannel'],
    ];
    for (const [body, field] of cases) {
      const res = await api(platform(), 'POST', '/subscriptions', { token, body });
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
      expect(res.body.error.issues.map((i: { field: string }) => i.field)).toContain(field);
    }
    const notJson = await api(platform(), 'POST', '/subscriptions', { token, rawBody: '{' });
    expect(notJson.status).toBe(400);
    expect((await api(platform(), 'DELETE', '/subscriptions/sub_nope', { token })).status).toBe(404);
  }, 60_000);

  it('subscribes with the CLI, delivers the final outcome once (duplicates, RETRYING and stale events sent nothing), and again after the receiver was down', async () => {
    const gcr = gcrAs(platform(), USER);
    const made = await gcr('--json', 'subscribe', 'webhook', receiver.url, '--name', 'lab hook');
    expect(made.stderr).toBe('');
    const subscription = JSON.parse(made.stdout);
    expect(subscription.signingSecret).toMatch(/^whsec_/);
    receiver.setSecret(subscription.signingSecret);

    const listed = await gcr('subscriptions');
    expect(listed.stdout).toContain(subscription.id);
    expect(listed.stdout).not.toContain(subscription.signingSecret);
    expect(platform().output()).not.toContain(subscription.signingSecret);

    const tested = await gcr('subscriptions', 'test', subscription.id);
    expect(tested.stdout).toContain('delivered');
    await receiver.waitFor(1);

    const done = status('sim_N1', 'SUCCEEDED', 9);
    await publisher.publish([status('sim_N1', 'RETRYING', 6), done, done]);
    const [, end] = await receiver.waitFor(2);
    expect(end!.body.data).toMatchObject({ simulationId: 'sim_N1', to: 'SUCCEEDED', version: 9 });
    // A stale status of the same run, arriving late (test/integration/services/notifier/deliver.test.ts
    // covers every order): published before sim_N3's event below, and never delivered.
    const late = status('sim_N1', 'FAILED', 7);

    // The receiver goes down; the event waits in the queue and is delivered once it is back.
    const port = Number(new URL(receiver.url).port);
    await receiver.close();
    await publisher.publish([status('sim_N2', 'TIMED_OUT', 5)]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const secret = subscription.signingSecret as string;
    receiver = await startWebhookReceiver({ port });
    receiver.setSecret(secret);
    const [back] = await receiver.waitFor(1, 90_000);
    expect(back!.body.data).toMatchObject({ simulationId: 'sim_N2', to: 'TIMED_OUT' });

    // Nothing else arrives: one more event and only it follows.
    await publisher.publish([late, done, status('sim_N3', 'CANCELLED', 4)]);
    const all = await receiver.waitFor(2, 60_000);
    expect(all.map((d) => d.body.data['simulationId'])).toEqual(['sim_N2', 'sim_N3']);
    expect(receiver.requests.map((r) => r.body.data['simulationId'])).toEqual(['sim_N2', 'sim_N3']);
    expect(receiver.duplicates).toBe(0);
    expect(receiver.requests.every((r) => r.verified)).toBe(true);

    const removed = await gcr('unsubscribe', subscription.id);
    expect(removed.code).toBe(0);
    expect((await gcr('subscriptions')).stdout).not.toContain(subscription.id);
  }, 240_000);

  it('emails through the local SMTP server (gcr dev mail lists it), with HTML and text parts and a one-click unsubscribe that works once', async () => {
    const gcr = gcrAs(platform(), 'notify-mail');
    const made = JSON.parse((await gcr('--json', 'subscribe', 'email', 'Chemist@Example.org')).stdout);
    expect(made).toMatchObject({ channel: 'email', target: 'chemist@example.org' });
    expect(made.signingSecret).toBeUndefined();
    await publisher.publish([
      simulationStatusChanged(Source.executionPoller, {
        simulationId: 'sim_M1',
        owner: localSubFor('notify-mail'),
        name: 'ozone-july',
        from: 'RUNNING',
        to: 'FAILED',
        reason: 'model failure: exit code 1',
        version: 7,
        at: new Date().toISOString(),
      }),
    ]);
    const mailDir = path.join(platform().dataDir, 'mail');
    const listed = await waitFor(async () => {
      const out = (await gcr('--json', 'dev', 'mail')).stdout;
      const messages = JSON.parse(out).messages as {
        id: string;
        subject: string;
        to: string[];
        listUnsubscribe: string;
      }[];
      return messages.find((m) => m.to.includes('chemist@example.org'));
    });
    expect(listed.subject).toBe('[gcr] ozone-july: FAILED');
    const raw = readFileSync(path.join(mailDir, `${listed.id}.eml`), 'utf8');
    expect(raw).toMatch(/Content-Type: multipart\/alternative/i);
    expect(raw).toMatch(/Content-Type: text\/plain/i);
    expect(raw).toMatch(/Content-Type: text\/html/i);
    expect(raw).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/);

    const link = /^<(.+)>$/.exec(listed.listUnsubscribe)![1]!;
    expect(link.startsWith(`${platform().url}/unsubscribe?`)).toBe(true);
    const forged = new URL(link);
    forged.searchParams.set('t', 'A'.repeat(43));
    expect((await fetch(forged, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(404);
    expect((await fetch(link)).status).toBe(200);
    expect((await gcr('subscriptions')).stdout).toContain(made.id);
    expect((await fetch(link, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(200);
    expect((await gcr('subscriptions')).stdout).not.toContain(made.id);
    expect((await fetch(link, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(404);
  }, 120_000);
});

/** Polls `probe` (every 250 ms, up to `seconds`) until it answers something. */
async function waitFor<T>(probe: () => Promise<T | undefined>, seconds = 60): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
