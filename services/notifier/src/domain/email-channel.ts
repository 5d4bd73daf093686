/**
 * The email channel: one message per notification, HTML and text parts, and a
 * one-click unsubscribe (RFC 8058: `List-Unsubscribe` with an https link and
 * `List-Unsubscribe-Post: List-Unsubscribe=One-Click`). The link is signed:
 * an HMAC of the subscription and its owner under the subscription's own
 * secret, so only a link we sent unsubscribes. Suppressed addresses (SES
 * bounces and complaints) are never mailed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DIGEST_TYPE, digestHeadline, digestLines } from './digest.js';
import type { Notification } from './notifications.js';
import {
  holderOf,
  MailSendError,
  type DeliveryPorts,
  type MailMessage,
  type StoredSubscription,
} from './ports.js';

export const UNSUBSCRIBE_PATH = '/unsubscribe';

export function unsubscribeSignature(secret: string, subscriptionId: string, owner: string): string {
  return createHmac('sha256', secret)
    .update(`unsubscribe\u0000${subscriptionId}\u0000${owner}`)
    .digest('base64url');
}

export function unsubscribeUrl(base: string, secret: string, subscription: StoredSubscription): string {
  const url = new URL(UNSUBSCRIBE_PATH, base.endsWith('/') ? base : `${base}/`);
  url.pathname = `${new URL(base).pathname.replace(/\/$/, '')}${UNSUBSCRIBE_PATH}`;
  url.searchParams.set('s', subscription.id);
  // Its holder: the owner, or the teams' for a team subscription (where unsubscribeByLink finds it).
  const holder = holderOf(subscription);
  url.searchParams.set('o', Buffer.from(holder).toString('base64url'));
  url.searchParams.set('t', unsubscribeSignature(secret, subscription.id, holder));
  return url.toString();
}

export function signatureMatches(
  secret: string,
  subscriptionId: string,
  owner: string,
  given: string,
): boolean {
  const expected = Buffer.from(unsubscribeSignature(secret, subscriptionId, owner));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** Subject and lines of a notification, shared by both parts. */
export function describe(notification: Notification): { subject: string; lines: [string, string][] } {
  const d = notification.data;
  const who = String(d['name'] ?? d['simulationId'] ?? '');
  switch (notification.type) {
    case 'simulation.status_changed':
      return {
        subject: `[gcr] ${who}: ${String(d['to'])}`,
        lines: [
          ['Simulation', `${who}${d['name'] ? ` (${String(d['simulationId'])})` : ''}`],
          ['Status', `${String(d['from'])} -> ${String(d['to'])}`],
          ['Reason', String(d['reason'] ?? '')],
          ...(d['attempt'] !== undefined ? ([['Attempt', String(d['attempt'])]] as [string, string][]) : []),
          ['At', String(d['at'] ?? notification.at)],
        ],
      };
    case 'simulation.results_ready':
      return {
        subject: `[gcr] ${who}: results ready`,
        lines: [
          ['Simulation', who],
          ['Files', `${String(d['fileCount'])} (${String(d['totalBytes'])} bytes)`],
          ['Manifest', String(d['manifestKey'])],
        ],
      };
    case 'simulation.results_failed':
      return {
        subject: `[gcr] ${who}: results failed`,
        lines: [
          ['Simulation', who],
          ['Reason', String(d['reason'])],
        ],
      };
    case 'budget.threshold_crossed':
      return {
        subject: `[gcr] budget: ${String(d['thresholdPercent'])}% of ${String(d['month'])} reached`,
        lines: [
          ['Month', String(d['month'])],
          ['Spent', `$${String(d['spentUsd'])} of $${String(d['budgetUsd'])}`],
        ],
      };
    case 'simulation.cost_updated':
      return {
        subject: `[gcr] ${who}: cost $${String(d['amountUsd'])}`,
        lines: [
          ['Simulation', who],
          ['Cost', `$${String(d['amountUsd'])} (${String(d['kind'])})`],
          ...(d['maxCostUsd'] !== undefined
            ? ([['Budget', `$${String(d['maxCostUsd'])}`]] as [string, string][])
            : []),
        ],
      };
    case DIGEST_TYPE:
      return {
        subject: `[gcr] ${digestHeadline(notification)}`,
        lines: digestLines(notification).map((line, i) => [String(i + 1), line] as [string, string]),
      };
    default:
      return {
        subject: '[gcr] test message',
        lines: [['Message', String(d['message'] ?? notification.type)]],
      };
  }
}

export function emailMessage(notification: Notification, to: string, unsubscribe: string): MailMessage {
  const { subject, lines } = describe(notification);
  const text = [...lines.map(([k, v]) => `${k}: ${v}`), '', `Unsubscribe: ${unsubscribe}`, ''].join('\n');
  const rows = lines
    .map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('');
  const html = `<!doctype html><html><body><h2>${escapeHtml(subject)}</h2><table>${rows}</table><p><a href="${escapeHtml(unsubscribe)}">Unsubscribe</a></p></body></html>`;
  return {
    to,
    subject,
    text,
    html,
    headers: {
      'List-Unsubscribe': `<${unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}

export type ChannelResult =
  { ok: true } | { ok: false; permanent: boolean; error: string; retryAfterMs?: number };

export async function sendEmail(
  ports: Pick<DeliveryPorts, 'mail' | 'suppressions' | 'publicApiUrl'>,
  subscription: StoredSubscription,
  secret: string,
  notification: Notification,
): Promise<ChannelResult> {
  const address = subscription.address!;
  if (await ports.suppressions.isSuppressed(address)) {
    return { ok: false, permanent: true, error: `${address} is suppressed (it bounced or complained)` };
  }
  const link = unsubscribeUrl(await ports.publicApiUrl(), secret, subscription);
  try {
    await ports.mail.send(emailMessage(notification, address, link));
    return { ok: true };
  } catch (err) {
    const permanent = err instanceof MailSendError && err.permanent;
    return { ok: false, permanent, error: `the mail service refused it: ${(err as Error).message}` };
  }
}
