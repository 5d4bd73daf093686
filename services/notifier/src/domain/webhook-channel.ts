/** The webhook channel: a Standard Webhooks POST, signed with the subscription's secrets. */
import { createHash } from 'node:crypto';
import type { Notification } from './notifications.js';
import { ValidationError } from '#shared/kernel/errors.js';
import type { ChannelResult } from './email-channel.js';
import type { DeliveryKey, DeliveryPorts, HttpPostResult, StoredSubscription } from './ports.js';
import { checkWebhookTarget, TargetRefusedError } from './target-check.js';
import { signedHeaders } from './webhook-signature.js';

/** The JSON body every webhook gets (docs/NOTIFICATIONS.md): Standard Webhooks' `type`, `timestamp`, `data`. */
export function webhookBody(notification: Notification): string {
  return JSON.stringify({ type: notification.type, timestamp: notification.at, data: notification.data });
}

/**
 * The `webhook-id`: the same for every try of one delivery, so a receiver that
 * saw it already (our success answer lost on the way back) can drop the copy.
 */
export function webhookMessageId(
  key: Pick<DeliveryKey, 'subscriptionId' | 'scope' | 'kind' | 'order'>,
): string {
  const digest = createHash('sha256')
    .update(`${key.subscriptionId}\u0000${key.scope}\u0000${key.kind}\u0000${key.order}`)
    .digest('base64url');
  return `msg_${digest.slice(0, 32)}`;
}

export function webhookRequest(
  secrets: readonly string[],
  messageId: string,
  notification: Notification,
  now: Date,
): { headers: Record<string, string>; body: string } {
  const body = webhookBody(notification);
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'gcr-notifier/1',
      ...signedHeaders(secrets, messageId, timestamp, body),
    },
    body,
  };
}

/** 2xx is delivered. 408, 409, 425, 429 and 5xx are worth another try; other 4xx will answer the same again. */
export function isRetryableStatus(result: HttpPostResult): boolean {
  const code = result.statusCode;
  return code === 408 || code === 409 || code === 425 || code === 429 || code >= 500;
}

/** One signed POST; the target checked again first (DNS can change after the subscription was made). */
export async function sendWebhook(
  ports: Pick<DeliveryPorts, 'poster' | 'targets' | 'now'>,
  subscription: StoredSubscription,
  secrets: readonly string[],
  notification: Notification,
  messageId: string,
): Promise<ChannelResult> {
  const url = subscription.url!;
  try {
    await checkWebhookTarget(url, ports.targets);
    const request = webhookRequest(secrets, messageId, notification, ports.now());
    const result = await ports.poster.post(url, request.headers, request.body);
    if (result.statusCode >= 200 && result.statusCode < 300) return { ok: true };
    const error = `the target answered HTTP ${result.statusCode}`;
    return {
      ok: false,
      permanent: !isRetryableStatus(result),
      error,
      ...(result.retryAfterSeconds !== undefined ? { retryAfterMs: result.retryAfterSeconds * 1000 } : {}),
    };
  } catch (err) {
    if (err instanceof ValidationError || err instanceof TargetRefusedError) {
      return { ok: false, permanent: true, error: err.message };
    }
    return {
      ok: false,
      permanent: false,
      error: `the target could not be reached: ${(err as Error).message}`,
    };
  }
}
