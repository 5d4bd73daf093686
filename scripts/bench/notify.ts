/**
 * npm run bench:notify — the notifier under an ensemble's end: SIMULATIONS
 * (default 1,000) simulations finish within WINDOW_SECONDS (60) for
 * SUBSCRIPTIONS (50) subscriptions of OWNERS (10) owners (each owner's first
 * subscription on Slack with a bot token and its own channel, the rest signed
 * webhooks). Every status event arrives twice, as EventBridge and SQS may
 * deliver it; up to CONCURRENCY (8) messages are handled at once, as the
 * queue's pollers would, and a message whose deliveries are not done comes
 * back after a second (one waiting only for its digest, when the window has
 * closed). Real parts: the notifier's domain and adapters, its
 * table on dynalite (conditional delivery records, Slack buckets), HTTP to a
 * verifying webhook receiver and to a local Slack that answers 429 above one
 * message a second per channel.
 *
 * More than DIGEST_ABOVE (10) messages for one subscription in a
 * DIGEST_WINDOW_SECONDS (60) window become one digest when it has closed (docs/NOTIFICATIONS.md).
 *
 * Reports deliveries (a simulation listed in a digest counts as delivered to
 * that subscription), duplicates (must be 0: a simulation told twice to one
 * subscription, alone or in a digest), messages sent, p50/p95
 * event-to-delivery latency per channel, and the most messages any Slack
 * channel got in one second (must stay within Slack's limit).
 */
import '#shared/kernel/quiet-sdk-warning.js';
import { ulid } from 'ulid';
import { startSlackReceiver } from '#local/receivers/slack-receiver.js';
import { startWebhookReceiver } from '#local/receivers/webhook-receiver.js';
import { DeliveryPendingError, notifyEvent } from '#services/notifier/src/domain/deliver.js';
import {
  DEFAULT_EVENTS,
  DEFAULT_STATUSES,
  type NotifierEvent,
} from '#services/notifier/src/domain/notifications.js';
import type { StoredSubscription } from '#services/notifier/src/domain/ports.js';
import { secretName, storeSecrets } from '#services/notifier/src/domain/secrets.js';
import { newWebhookSecret } from '#services/notifier/src/domain/webhook-signature.js';
import { isEntryPoint } from '#shared/kernel/entry-point.js';
import { startNotifierHarness, statusEvent } from './notify-harness.js';

export interface NotifyBenchOptions {
  simulations: number;
  subscriptions: number;
  owners: number;
  windowSeconds: number;
  concurrency: number;
  /** More messages than this for one subscription in a minute become a digest. */
  digestAbove: number;
  /** The digest's window (a minute). */
  digestWindowSeconds: number;
}

export interface NotifyBenchFigures {
  simulations: number;
  subscriptions: number;
  eventsIn: number;
  expectedDeliveries: { webhook: number; slack: number };
  deliveries: { webhook: number; slack: number };
  duplicates: { webhook: number; slack: number };
  /** What went out: single messages and digests. */
  messages: { webhook: number; slack: number; digests: number };
  unverified: number;
  latencyMs: { webhook: { p50: number; p95: number }; slack: { p50: number; p95: number } };
  slackMaxPerChannelPerSecond: number;
  slackRateLimitedAnswers: number;
  redeliveries: number;
  notificationFailed: number;
  seconds: number;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function runNotifyBench(options: NotifyBenchOptions): Promise<NotifyBenchFigures> {
  const started = Date.now();
  const hooks = await startWebhookReceiver();
  const slack = await startSlackReceiver({ perSecond: 1 });
  const harness = await startNotifierHarness(
    {
      attemptsPerReceive: 3,
      baseDelayMs: 50,
      maxDelayMs: 2_000,
      random: Math.random,
      digestAbove: options.digestAbove,
      digestWindowMs: options.digestWindowSeconds * 1000,
    },
    { slackApiUrl: slack.apiUrl, slackMessagesPerSecond: 1 },
  );
  try {
    const secret = newWebhookSecret();
    hooks.setSecret(secret);
    const owners = Array.from({ length: options.owners }, (_, i) => `bench-owner-${i}-${ulid()}`);
    const subscriptions: StoredSubscription[] = [];
    for (let i = 0; i < options.subscriptions; i += 1) {
      const owner = owners[i % owners.length]!;
      const isSlack = i < owners.length;
      const id = `sub_${ulid()}`;
      await storeSecrets(harness.ports.secrets, secretName(id), [isSlack ? slack.token : secret]);
      const subscription: StoredSubscription = {
        id,
        owner,
        channel: isSlack ? 'slack' : 'webhook',
        ...(isSlack
          ? { slackChannel: `C0BENCH${String(i).padStart(4, '0')}` }
          : { url: `${hooks.url}/${id}` }),
        events: [...DEFAULT_EVENTS],
        statuses: [...DEFAULT_STATUSES],
        secretRef: secretName(id),
        createdAt: new Date().toISOString(),
      };
      await harness.ports.subscriptions.put(subscription);
      subscriptions.push(subscription);
    }
    const perOwner = (owner: string, channel: string) =>
      subscriptions.filter((s) => s.owner === owner && s.channel === channel).length;

    // Arrival times: the simulations end spread over the window; each event arrives twice.
    const arrivals: { at: number; event: NotifierEvent; simulationId: string }[] = [];
    const expected = { webhook: 0, slack: 0 };
    for (let i = 0; i < options.simulations; i += 1) {
      const owner = owners[i % owners.length]!;
      const simulationId = `sim_bench${String(i).padStart(6, '0')}`;
      const event = statusEvent(simulationId, owner, 'SUCCEEDED', 6, { name: `ensemble member ${i}` });
      const at = (i / options.simulations) * options.windowSeconds * 1000;
      arrivals.push({ at, event, simulationId }, { at: at + Math.random() * 2000, event, simulationId });
      expected.webhook += perOwner(owner, 'webhook');
      expected.slack += perOwner(owner, 'slack');
    }
    arrivals.sort((a, b) => a.at - b.at);
    const arrivedAt = new Map<string, number>();

    // The queue: messages become visible at their time; a pending one comes back after a second.
    const t0 = Date.now();
    const visible: { event: NotifierEvent; simulationId: string; receives: number; notBefore: number }[] = [];
    let next = 0;
    let redeliveries = 0;
    let inFlight = 0;
    await new Promise<void>((resolve, reject) => {
      const pump = () => {
        const now = Date.now() - t0;
        while (next < arrivals.length && arrivals[next]!.at <= now) {
          const { event, simulationId } = arrivals[next]!;
          if (!arrivedAt.has(simulationId)) arrivedAt.set(simulationId, Date.now());
          visible.push({ event, simulationId, receives: 0, notBefore: 0 });
          next += 1;
        }
        while (inFlight < options.concurrency) {
          const index = visible.findIndex((m) => m.notBefore <= Date.now());
          if (index < 0) break;
          const [message] = visible.splice(index, 1);
          inFlight += 1;
          message!.receives += 1;
          notifyEvent(harness.ports, message!.event, {
            lastReceive: message!.receives >= 50,
            leaseMs: 60_000,
            eventId: `${message!.simulationId}-${message!.receives}`,
          })
            .catch((err: unknown) => {
              if (!(err instanceof DeliveryPendingError)) throw err;
              redeliveries += 1;
              // A message waiting only for its digest comes back when the window has closed.
              visible.push({ ...message!, notBefore: Math.max(Date.now() + 1000, err.retryAtMs ?? 0) });
            })
            .then(() => {
              inFlight -= 1;
            })
            .catch(reject);
        }
        if (next >= arrivals.length && visible.length === 0 && inFlight === 0) resolve();
        else setTimeout(pump, 5);
      };
      pump();
    });

    const latency = (receivedAt: number, simulationId: string) => receivedAt - arrivedAt.get(simulationId)!;
    // Each (subscription, simulation) told, alone or in a digest, with when.
    const told = { webhook: new Map<string, number>(), slack: new Map<string, number>() };
    const duplicates = { webhook: hooks.duplicates, slack: 0 };
    const latencies = { webhook: [] as number[], slack: [] as number[] };
    const tell = (channel: 'webhook' | 'slack', subscription: string, simulationId: string, at: number) => {
      const key = `${subscription}#${simulationId}`;
      if (told[channel].has(key)) duplicates[channel] += 1;
      else {
        told[channel].set(key, at);
        latencies[channel].push(latency(at, simulationId));
      }
    };
    let digests = 0;
    for (const d of hooks.deliveries) {
      const listed = (d.body.data['notifications'] ?? [d.body.data]) as { simulationId?: string }[];
      if (d.body.type === 'notifications.digest') digests += 1;
      for (const n of listed) tell('webhook', d.path, String(n.simulationId), d.receivedAt);
    }
    const slackPosts = slack.posts.filter((p) => p.method === 'chat.postMessage' && p.threadTs === undefined);
    for (const p of slackPosts) {
      const named = [...new Set([...JSON.stringify(p.blocks).matchAll(/sim_bench\d+/g)].map((m) => m[0]))];
      if (named.length > 1 || p.text.includes(' notifications since ')) digests += 1;
      for (const simulationId of named) tell('slack', p.channel, simulationId, p.at);
    }
    const channels = [...new Set(slack.posts.map((p) => p.channel))];
    return {
      simulations: options.simulations,
      subscriptions: options.subscriptions,
      eventsIn: arrivals.length,
      expectedDeliveries: expected,
      deliveries: { webhook: told.webhook.size, slack: told.slack.size },
      duplicates,
      messages: { webhook: hooks.deliveries.length, slack: slackPosts.length, digests },
      unverified: hooks.requests.filter((r) => !r.verified).length,
      latencyMs: {
        webhook: { p50: percentile(latencies.webhook, 50), p95: percentile(latencies.webhook, 95) },
        slack: { p50: percentile(latencies.slack, 50), p95: percentile(latencies.slack, 95) },
      },
      slackMaxPerChannelPerSecond: Math.max(0, ...channels.map((c) => slack.maxPerSecond(c))),
      slackRateLimitedAnswers: slack.rateLimited,
      redeliveries,
      notificationFailed: harness.published.length,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await harness.stop();
    await hooks.close();
    await slack.close();
  }
}

if (isEntryPoint(import.meta.url)) {
  const number = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  runNotifyBench({
    simulations: number('SIMULATIONS', 1000),
    subscriptions: number('SUBSCRIPTIONS', 50),
    owners: number('OWNERS', 10),
    windowSeconds: number('WINDOW_SECONDS', 60),
    concurrency: number('CONCURRENCY', 8),
    digestAbove: number('DIGEST_ABOVE', 10),
    digestWindowSeconds: number('DIGEST_WINDOW_SECONDS', 60),
  }).then(
    (figures) => {
      process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
      const ok =
        figures.duplicates.webhook === 0 &&
        figures.duplicates.slack === 0 &&
        figures.deliveries.webhook === figures.expectedDeliveries.webhook &&
        figures.deliveries.slack === figures.expectedDeliveries.slack &&
        figures.slackMaxPerChannelPerSecond <= 1;
      process.exit(ok ? 0 : 1);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
