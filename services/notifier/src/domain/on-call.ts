/**
 * On-call in Slack: every CloudWatch alarm of every stack notifies the
 * infrastructure stack's topic (`gcr-<stage>-alarms`), which the notifier's
 * on-call queue is subscribed to; each state change becomes one Slack message
 * to the on-call target (its state change, name, reason and runbook link).
 *
 * The target is configuration, not a subscription: one secret in the secret
 * store (`on-call/slack`: SSM SecureString `/gcr/<stage>/notifier/on-call/slack`
 * on AWS), either `{"webhookUrl": "https://hooks.slack.com/services/..."}` or
 * `{"token": "xoxb-...", "channel": "C0123ABCD"}`. Without it nothing is posted
 * (email on-call, the topic's other subscriber, still is).
 */
import { ConfigError, MalformedEventError } from '#shared/kernel/errors.js';
import type { SecretStore } from './ports.js';
import type { SlackClient, SlackMessage, SlackPorts } from './slack-channel.js';

/** Where the on-call Slack target is kept in the secret store. */
export const ON_CALL_SLACK_SECRET = 'on-call/slack';

/** What a CloudWatch alarm publishes to SNS on a state change (the fields used here). */
export interface AlarmStateChange {
  name: string;
  description: string;
  newState: string;
  oldState: string;
  reason: string;
  at: string;
  /** The region's code (us-east-1), from the alarm's ARN. */
  region?: string;
  /** The runbook the description names (`Runbook runbooks/x.md`). */
  runbook?: string;
}

export type OnCallSlackTarget = { webhookUrl: string } | { token: string; channel: string };

export interface OnCallPorts extends Pick<SlackPorts, 'slack' | 'throttle'> {
  slack: SlackClient;
  secrets: SecretStore;
  /** What a Slack incoming webhook's URL must start with (the target is checked like a subscription's). */
  slackWebhookPrefix: string;
  /** Where runbooks/ is browsable (the repository's web URL, ending in /); empty: the path alone. */
  runbookBaseUrl: string;
}

/** Slack did not take the message: it goes back to the queue (after Retry-After when given). */
export class OnCallDeliveryError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'OnCallDeliveryError';
  }
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** The alarm in a queue message: the SNS envelope (`Type: Notification`) around CloudWatch's JSON. */
export function parseAlarmMessage(body: string): AlarmStateChange {
  let alarm: Record<string, unknown>;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    alarm =
      parsed['Type'] === 'Notification' && typeof parsed['Message'] === 'string'
        ? (JSON.parse(parsed['Message']) as Record<string, unknown>)
        : parsed;
  } catch {
    throw new MalformedEventError('the on-call message is not an alarm (not JSON)');
  }
  if (!alarm || typeof alarm['AlarmName'] !== 'string' || typeof alarm['NewStateValue'] !== 'string') {
    throw new MalformedEventError('the on-call message is not a CloudWatch alarm state change');
  }
  const description = text(alarm['AlarmDescription']);
  const runbook = /runbooks\/[A-Za-z0-9._-]+\.md/.exec(description)?.[0];
  const region = text(alarm['AlarmArn']).split(':')[3];
  return {
    name: alarm['AlarmName'],
    description,
    newState: alarm['NewStateValue'],
    oldState: text(alarm['OldStateValue']) || 'unknown',
    reason: text(alarm['NewStateReason']),
    at: text(alarm['StateChangeTime']),
    ...(region ? { region } : {}),
    ...(runbook ? { runbook } : {}),
  };
}

const clip = (value: string, max: number) => (value.length <= max ? value : `${value.slice(0, max - 1)}…`);
const STATE_EMOJI: Record<string, string> = {
  ALARM: ':rotating_light:',
  OK: ':white_check_mark:',
  INSUFFICIENT_DATA: ':grey_question:',
};

/** Block Kit with a text fallback, within Slack's sizes (header 150, fields 2,000, text 3,000). */
export function alarmSlackMessage(alarm: AlarmStateChange, runbookBaseUrl: string): SlackMessage {
  const headline = `${STATE_EMOJI[alarm.newState] ?? ':bell:'} ${alarm.newState}: ${alarm.name}`;
  const runbookUrl = alarm.runbook && runbookBaseUrl ? `${runbookBaseUrl}${alarm.runbook}` : undefined;
  const runbook = alarm.runbook
    ? runbookUrl
      ? `<${runbookUrl}|${alarm.runbook}>`
      : `\`${alarm.runbook}\``
    : 'none named in the alarm';
  const consoleUrl = alarm.region
    ? `https://${alarm.region}.console.aws.amazon.com/cloudwatch/home?region=${alarm.region}#alarmsV2:alarm/${encodeURIComponent(alarm.name)}`
    : undefined;
  const fields = [
    `*State*\n${alarm.oldState} → ${alarm.newState}`,
    `*Since*\n${alarm.at || 'unknown'}`,
    `*Reason*\n${clip(alarm.reason || 'none given', 1900)}`,
    `*Runbook*\n${runbook}`,
  ];
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(headline, 150), emoji: true } },
    { type: 'section', fields: fields.map((f) => ({ type: 'mrkdwn', text: f })) },
    ...(alarm.description
      ? [{ type: 'section', text: { type: 'mrkdwn', text: clip(alarm.description, 3000) } }]
      : []),
    ...(consoleUrl
      ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `<${consoleUrl}|the alarm in CloudWatch>` }] }]
      : []),
  ];
  const fallback = [
    `${alarm.newState}: ${alarm.name}`,
    `${alarm.oldState} → ${alarm.newState}`,
    `Reason: ${alarm.reason || 'none given'}`,
    `Runbook: ${runbookUrl ?? alarm.runbook ?? 'none'}`,
  ].join(' | ');
  return { text: clip(fallback, 3000), blocks };
}

/** The on-call target, checked: an incoming webhook must be Slack's, a token comes with its channel. */
export async function onCallTarget(ports: OnCallPorts): Promise<OnCallSlackTarget | undefined> {
  const value = await ports.secrets.get(ON_CALL_SLACK_SECRET);
  if (value === undefined) return undefined;
  const bad = (why: string) => new ConfigError(`the on-call Slack target (${ON_CALL_SLACK_SECRET}) ${why}`);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(value) as Record<string, unknown>;
  } catch {
    throw bad('is not JSON');
  }
  if (typeof parsed['webhookUrl'] === 'string') {
    if (!parsed['webhookUrl'].startsWith(ports.slackWebhookPrefix)) {
      throw bad(`webhookUrl must be a Slack incoming webhook (${ports.slackWebhookPrefix}...)`);
    }
    return { webhookUrl: parsed['webhookUrl'] };
  }
  if (typeof parsed['token'] === 'string' && typeof parsed['channel'] === 'string') {
    return { token: parsed['token'], channel: parsed['channel'] };
  }
  throw bad('needs webhookUrl, or token and channel');
}

/**
 * Posts one alarm state change to the on-call Slack target; throws
 * OnCallDeliveryError when Slack did not take it (the message is received
 * again). Answers whether a message was posted (false: no target configured).
 */
export async function postAlarm(ports: OnCallPorts, body: string): Promise<boolean> {
  const alarm = parseAlarmMessage(body);
  const target = await onCallTarget(ports);
  if (!target) return false;
  const message = alarmSlackMessage(alarm, ports.runbookBaseUrl);
  const refused = (status: number, error: string, retryAfterSeconds?: number) =>
    new OnCallDeliveryError(
      `Slack refused the on-call message for ${alarm.name}: HTTP ${status}${error ? ` ${error}` : ''}`,
      retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : undefined,
    );
  if ('webhookUrl' in target) {
    await ports.throttle('on-call#webhook');
    const answer = await ports.slack.webhook(target.webhookUrl, message);
    if (answer.statusCode !== 200) throw refused(answer.statusCode, '', answer.retryAfterSeconds);
    return true;
  }
  await ports.throttle(target.channel);
  const answer = await ports.slack.call('chat.postMessage', target.token, {
    channel: target.channel,
    ...message,
  });
  if (answer.statusCode !== 200 || !answer.body.ok) {
    throw refused(answer.statusCode, answer.body.error ?? '', answer.retryAfterSeconds);
  }
  return true;
}
