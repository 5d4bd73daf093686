/** GET/POST/DELETE /subscriptions and POST /subscriptions/{id}/test. */
import { ulid } from 'ulid';
import type {
  Subscription,
  SubscriptionList,
  SubscriptionRequest,
  SubscriptionTestResult,
} from '#schemas/generated/types.js';
import { issuesFromAjv, validatorFor } from '#schemas/validator.js';
import { NotFoundError, ValidationError } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import { DEFAULT_EVENTS, DEFAULT_STATUSES, testNotification } from './notifications.js';
import type {
  DeliveryPorts,
  SecretStore,
  StoredSubscription,
  SubscriptionStore,
  TargetPolicy,
} from './ports.js';
import { loadSecrets, secretName, storeSecrets } from './secrets.js';
import { checkWebhookTarget, maskedTarget } from './target-check.js';
import { isRetryableStatus, webhookMessageId, webhookRequest } from './webhook-channel.js';
import { newWebhookSecret } from './webhook-signature.js';

export const SUBSCRIPTION_ID = /^sub_[0-9A-HJKMNP-TV-Z]{26}$/;
/** One owner's subscriptions at most: each event is fanned out to all of them. */
export const MAX_SUBSCRIPTIONS_PER_OWNER = 50;

export interface SubscriptionPorts {
  subscriptions: SubscriptionStore;
  secrets: SecretStore;
  targets: TargetPolicy;
  now: () => Date;
}

const validateRequest = validatorFor<SubscriptionRequest>(
  'https://gcr.dev/schemas/api/subscription-request.schema.json',
);

export function parseSubscriptionRequest(body: unknown): SubscriptionRequest {
  const copy = structuredClone(body);
  if (!validateRequest(copy)) {
    throw new ValidationError('the subscription is invalid', issuesFromAjv(validateRequest.errors));
  }
  return copy;
}

export function subscriptionView(stored: StoredSubscription, signingSecret?: string): Subscription {
  return {
    id: stored.id,
    owner: stored.owner,
    channel: stored.channel,
    target: maskedTarget(stored.url),
    ...(stored.name !== undefined ? { name: stored.name } : {}),
    events: stored.events,
    statuses: stored.statuses,
    ...(stored.costAboveUsd !== undefined ? { costAboveUsd: stored.costAboveUsd } : {}),
    createdAt: stored.createdAt,
    ...(signingSecret ? { signingSecret } : {}),
  };
}

export async function createSubscription(
  ports: SubscriptionPorts,
  caller: Caller,
  request: SubscriptionRequest,
): Promise<Subscription> {
  await checkWebhookTarget(request.url, ports.targets, 'url');
  const existing = await ports.subscriptions.listByOwner(caller.userId);
  if (existing.length >= MAX_SUBSCRIPTIONS_PER_OWNER) {
    throw new ValidationError(`you have ${existing.length} subscriptions, the most one may have`, [
      {
        field: 'body',
        message: `at most ${MAX_SUBSCRIPTIONS_PER_OWNER} subscriptions per owner; delete one first`,
      },
    ]);
  }
  const id = `sub_${ulid()}`;
  const secret = request.secret ?? newWebhookSecret();
  const secretRef = secretName(id);
  await storeSecrets(ports.secrets, secretRef, [secret]);
  const stored: StoredSubscription = {
    id,
    owner: caller.userId,
    channel: request.channel,
    url: request.url,
    ...(request.name !== undefined ? { name: request.name } : {}),
    events: request.events ?? [...DEFAULT_EVENTS],
    statuses: request.statuses ?? [...DEFAULT_STATUSES],
    ...(request.costAboveUsd !== undefined ? { costAboveUsd: request.costAboveUsd } : {}),
    secretRef,
    createdAt: ports.now().toISOString(),
  };
  await ports.subscriptions.put(stored);
  // The secret is answered only when we made it: the caller needs it to verify, and it is never shown again.
  return subscriptionView(stored, request.secret ? undefined : secret);
}

export async function listSubscriptions(ports: SubscriptionPorts, caller: Caller): Promise<SubscriptionList> {
  const stored = await ports.subscriptions.listByOwner(caller.userId);
  return { subscriptions: stored.map((s) => subscriptionView(s)) };
}

/** Another owner's subscription is a 404, exactly like a missing one. */
async function loadOwn(ports: Pick<SubscriptionPorts, 'subscriptions'>, caller: Caller, id: string) {
  if (!SUBSCRIPTION_ID.test(id)) {
    throw new NotFoundError(`no subscription ${id}`);
  }
  const stored = await ports.subscriptions.get(caller.userId, id);
  if (!stored) throw new NotFoundError(`no subscription ${id}`);
  return stored;
}

export async function deleteSubscription(
  ports: SubscriptionPorts,
  caller: Caller,
  id: string,
): Promise<void> {
  const stored = await loadOwn(ports, caller, id);
  await ports.subscriptions.delete(caller.userId, id);
  await ports.secrets.delete(stored.secretRef);
}

/** One signed test message to the target, no retries and no delivery record; the answer says how it went. */
export async function testSubscription(
  ports: SubscriptionPorts & Pick<DeliveryPorts, 'poster'>,
  caller: Caller,
  id: string,
): Promise<SubscriptionTestResult> {
  const stored = await loadOwn(ports, caller, id);
  const now = ports.now();
  const notification = testNotification(stored, now);
  try {
    await checkWebhookTarget(stored.url, ports.targets);
    const secrets = await loadSecrets(ports.secrets, stored.secretRef);
    const messageId = webhookMessageId({
      subscriptionId: id,
      scope: notification.scope,
      kind: 'status',
      order: 0,
    });
    const request = webhookRequest(secrets, messageId, notification, now);
    const result = await ports.poster.post(stored.url, request.headers, request.body);
    const delivered = result.statusCode >= 200 && result.statusCode < 300;
    return {
      delivered,
      statusCode: result.statusCode,
      ...(delivered
        ? {}
        : {
            error: `the target answered HTTP ${result.statusCode}${isRetryableStatus(result) ? ' (retryable)' : ''}`,
          }),
    };
  } catch (err) {
    return { delivered: false, error: (err as Error).message };
  }
}
