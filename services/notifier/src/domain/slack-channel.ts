/**
 * The Slack channel. Two kinds of subscription:
 * - an incoming webhook (`https://hooks.slack.com/services/...`): one message
 *   per notable event;
 * - a bot token and a channel: one message per simulation, posted with
 *   `chat.postMessage` at its first notable event and updated in place with
 *   `chat.update` as it moves on; failures and retries are also replies in
 *   its thread.
 * Messages are Block Kit with a text fallback, within Slack's sizes (50
 * blocks, 3,000 characters a text). Every post to a channel takes a token
 * from that channel's bucket (about 1 message a second, Slack's limit), and a
 * 429 is tried again after its Retry-After.
 */
import { DIGEST_TYPE, digestHeadline, digestLines } from './digest.js';
import type { ChannelResult } from './email-channel.js';
import type { Notification } from './notifications.js';
import type { DeliveryPorts, StoredSubscription } from './ports.js';

const MAX_TEXT = 3000;

export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

const clip = (text: string, max = MAX_TEXT) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** `*Status*`-style fields of a notification, in Slack's mrkdwn. */
function fields(notification: Notification): string[] {
  const d = notification.data;
  const out: string[] = [];
  if (notification.kind === 'status') {
    out.push(`*Status*\n${String(d['to'])}`, `*Reason*\n${clip(String(d['reason'] ?? ''), 1000)}`);
    if (d['attempt'] !== undefined) out.push(`*Attempt*\n${String(d['attempt'])}`);
    if (d['backend'] !== undefined) out.push(`*Backend*\n${String(d['backend'])}`);
  } else if (notification.kind === 'results') {
    out.push(
      notification.type === 'simulation.results_ready'
        ? `*Results*\nready: ${String(d['fileCount'])} files`
        : `*Results*\nfailed: ${clip(String(d['reason'] ?? ''), 1000)}`,
    );
  } else if (notification.kind === 'cost') {
    out.push(`*Cost so far*\n$${Number(d['amountUsd']).toFixed(2)} (${String(d['kind'])})`);
    if (d['maxCostUsd'] !== undefined) out.push(`*Budget*\n$${Number(d['maxCostUsd']).toFixed(2)}`);
  } else if (notification.kind === 'budget') {
    out.push(
      `*Spent*\n$${Number(d['spentUsd']).toFixed(2)} of $${Number(d['budgetUsd']).toFixed(2)}`,
      `*Threshold*\n${String(d['thresholdPercent'])}% of ${String(d['month'])}`,
    );
  }
  return out;
}

/** A digest: its headline and one line per notification, within Slack's block sizes. */
function slackDigest(notification: Notification): SlackMessage {
  const headline = digestHeadline(notification);
  const lines = digestLines(notification);
  // Sections of at most 3,000 characters, at most 49 of them after the header.
  const sections: string[] = [];
  for (const line of lines.map((l) => clip(l, 500))) {
    const last = sections.length - 1;
    if (last >= 0 && sections[last]!.length + line.length + 1 <= MAX_TEXT) sections[last] += `\n${line}`;
    else sections.push(line);
  }
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(headline, 150) } },
    ...sections.slice(0, 49).map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } })),
  ];
  return { text: clip([headline, ...lines].join(' | ')), blocks };
}

export function slackMessage(notification: Notification, apiUrl?: string): SlackMessage {
  if (notification.type === DIGEST_TYPE) return slackDigest(notification);
  const d = notification.data;
  const who = String(d['name'] ?? d['simulationId'] ?? 'budget');
  const headline =
    notification.kind === 'status'
      ? `${who}: ${String(d['to'])}`
      : notification.kind === 'results'
        ? `${who}: results ${notification.type === 'simulation.results_ready' ? 'ready' : 'failed'}`
        : notification.kind === 'cost'
          ? `${who}: cost $${Number(d['amountUsd']).toFixed(2)}`
          : notification.kind === 'budget'
            ? `Budget: ${String(d['thresholdPercent'])}% of ${String(d['month'])} reached`
            : 'GEOS-Chem Cloud Runner test message';
  const lines = fields(notification);
  const simulationId = d['simulationId'] !== undefined ? String(d['simulationId']) : undefined;
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(headline, 150) } },
    ...(lines.length > 0
      ? [
          {
            type: 'section',
            fields: lines.slice(0, 10).map((text) => ({ type: 'mrkdwn', text: clip(text, 2000) })),
          },
        ]
      : []),
    ...(simulationId
      ? [
          {
            type: 'context',
            elements: [
              {
                type: 'mrkdwn',
                text: clip(
                  `\`${simulationId}\`${apiUrl ? ` · <${apiUrl}/simulations/${simulationId}|status> · <${apiUrl}/simulations/${simulationId}/logs|logs> · <${apiUrl}/simulations/${simulationId}/results|results>` : ''} · \`gcr status ${simulationId}\``,
                ),
              },
            ],
          },
        ]
      : []),
  ];
  const text = clip([headline, ...lines.map((l) => l.replace(/\*/g, '').replace('\n', ': '))].join(' | '));
  return { text, blocks };
}

/** Slack's answer to a Web API call: HTTP 200 with `ok`, or 429 with Retry-After. */
export interface SlackApiAnswer {
  statusCode: number;
  retryAfterSeconds?: number;
  body: { ok?: boolean; error?: string; ts?: string; channel?: string };
}

export interface SlackClient {
  /** POSTs JSON to an incoming webhook; Slack answers 200 `ok`. */
  webhook(url: string, message: SlackMessage): Promise<{ statusCode: number; retryAfterSeconds?: number }>;
  /** A Web API method (`chat.postMessage`, `chat.update`) with a bot token. */
  call(method: string, token: string, body: Record<string, unknown>): Promise<SlackApiAnswer>;
}

/** Where a simulation's bot message is, so it can be updated in place. */
export interface SlackThreads {
  get(subscriptionId: string, simulationId: string): Promise<{ channel: string; ts: string } | undefined>;
  put(subscriptionId: string, simulationId: string, thread: { channel: string; ts: string }): Promise<void>;
}

export interface SlackPorts {
  slack: SlackClient;
  threads: SlackThreads;
  /** Takes a token from the channel's bucket, waiting as long as it takes. */
  throttle(channelKey: string): Promise<void>;
}

/** Errors of Slack's Web API that another try will not mend. */
const PERMANENT_SLACK_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_blocks',
  'msg_too_long',
  'no_text',
]);

function failure(statusCode: number, error: string, retryAfterSeconds?: number): ChannelResult {
  return {
    ok: false,
    permanent: statusCode !== 429 && statusCode < 500 && PERMANENT_SLACK_ERRORS.has(error),
    error: `Slack answered ${statusCode === 200 ? error : `HTTP ${statusCode}${error ? ` ${error}` : ''}`}`,
    ...(retryAfterSeconds !== undefined ? { retryAfterMs: retryAfterSeconds * 1000 } : {}),
  };
}

/** Thread replies for what a person should read even when the message above is updated. */
function wantsThreadReply(notification: Notification): boolean {
  const to = notification.data['to'];
  return notification.kind === 'status' && (to === 'FAILED' || to === 'RETRYING' || to === 'TIMED_OUT');
}

export async function sendSlack(
  ports: SlackPorts & Pick<DeliveryPorts, 'publicApiUrl'>,
  subscription: StoredSubscription,
  secret: string,
  notification: Notification,
): Promise<ChannelResult> {
  const message = slackMessage(notification, await ports.publicApiUrl().catch(() => undefined));
  try {
    if (!subscription.slackChannel) {
      // An incoming webhook: the secret is its URL (it is the credential), one message per event.
      await ports.throttle(`webhook#${subscription.id}`);
      const answer = await ports.slack.webhook(secret, message);
      return answer.statusCode === 200
        ? { ok: true }
        : failure(answer.statusCode, '', answer.retryAfterSeconds);
    }
    const channel = subscription.slackChannel;
    const simulationId = notification.simulationId;
    const thread = simulationId ? await ports.threads.get(subscription.id, simulationId) : undefined;
    await ports.throttle(channel);
    const answer = thread
      ? await ports.slack.call('chat.update', secret, { channel: thread.channel, ts: thread.ts, ...message })
      : await ports.slack.call('chat.postMessage', secret, { channel, ...message });
    if (answer.statusCode !== 200 || !answer.body.ok)
      return failure(answer.statusCode, answer.body.error ?? '', answer.retryAfterSeconds);
    if (!thread && simulationId && answer.body.ts) {
      await ports.threads.put(subscription.id, simulationId, {
        channel: answer.body.channel ?? channel,
        ts: answer.body.ts,
      });
    }
    if (thread && wantsThreadReply(notification)) {
      await ports.throttle(channel);
      const reply = await ports.slack.call('chat.postMessage', secret, {
        channel: thread.channel,
        thread_ts: thread.ts,
        text: message.text,
      });
      // The update above is the delivery; a lost reply is logged by the caller's next event, not retried.
      if (reply.statusCode !== 200 || !reply.body.ok) return { ok: true };
    }
    return { ok: true };
  } catch (err) {
    return { ok: false, permanent: false, error: `Slack could not be reached: ${(err as Error).message}` };
  }
}
