/** GET/POST/DELETE /subscriptions and POST /subscriptions/{id}/test. */
import { ulid } from 'ulid';
import type {
  Subscription,
  SubscriptionList,
  SubscriptionRequest,
  SubscriptionTestResult,
} from '#schemas/generated/types.js';
import { issuesFromAjv, validatorFor } from '#schemas/validator.js';
import { ForbiddenError, NotFoundError, ValidationError } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import {
  DEFAULT_EVENTS,
  DEFAULT_STATUSES,
  DEFAULT_TEAM_EVENTS,
  TEAM_EVENTS,
  testNotification,
} from './notifications.js';
import {
  holderOf,
  TEAM_SUBSCRIPTIONS,
  type DeliveryPorts,
  type SecretStore,
  type StoredSubscription,
  type SubscriptionStore,
  type SuppressionList,
  type TargetPolicy,
} from './ports.js';
import { loadSecrets, rotateSecret, secretName, storeSecrets } from './secrets.js';
import { sendEmail, signatureMatches } from './email-channel.js';
import { sendSlack } from './slack-channel.js';
import { checkWebhookTarget, maskedTarget } from './target-check.js';
import { sendWebhook, webhookMessageId } from './webhook-channel.js';
import { newWebhookSecret } from './webhook-signature.js';

export const SUBSCRIPTION_ID = /^sub_[0-9A-HJKMNP-TV-Z]{26}$/;
/** One owner's subscriptions at most (and the teams' together): each event is fanned out to all of them. */
export const MAX_SUBSCRIPTIONS_PER_OWNER = 50;

/** Team subscriptions tell about every owner's simulations: only admins make, list, change or delete them. */
function forbidUnlessAdmin(caller: Caller, field: string): void {
  if (caller.isAdmin) return;
  const why = "only admins may manage team subscriptions (they tell about every owner's simulations)";
  throw new ForbiddenError(why, [{ field, message: why }]);
}

export interface SubscriptionPorts {
  /** What a Slack incoming webhook's URL starts with (https://hooks.slack.com/services/, or the local receiver's). */
  slackWebhookPrefix: string;
  subscriptions: SubscriptionStore;
  secrets: SecretStore;
  targets: TargetPolicy;
  /** So the list can say which email subscriptions cannot be delivered. */
  suppressions: Pick<SuppressionList, 'isSuppressed'>;
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
    ...(stored.team !== undefined ? { team: stored.team } : {}),
    channel: stored.channel,
    target:
      stored.channel === 'email'
        ? stored.address!
        : stored.channel === 'slack'
          ? (stored.slackChannel ?? 'Slack incoming webhook')
          : maskedTarget(stored.url!),
    ...(stored.name !== undefined ? { name: stored.name } : {}),
    events: stored.events,
    statuses: stored.statuses,
    ...(stored.costAboveUsd !== undefined ? { costAboveUsd: stored.costAboveUsd } : {}),
    ...(stored.tags !== undefined ? { tags: stored.tags } : {}),
    createdAt: stored.createdAt,
    ...(signingSecret ? { signingSecret } : {}),
  };
}

export async function createSubscription(
  ports: SubscriptionPorts,
  caller: Caller,
  request: SubscriptionRequest,
): Promise<Subscription> {
  if (request.team !== undefined) forbidUnlessAdmin(caller, 'team');
  checkChannelFields(request, ports.slackWebhookPrefix);
  if (request.team !== undefined) checkTeamFields(request);
  if (request.channel === 'webhook') await checkWebhookTarget(request.url!, ports.targets, 'url');
  const holder = request.team !== undefined ? TEAM_SUBSCRIPTIONS : caller.userId;
  const existing = await ports.subscriptions.listByOwner(holder);
  if (existing.length >= MAX_SUBSCRIPTIONS_PER_OWNER) {
    const whose = request.team !== undefined ? 'team subscriptions' : 'subscriptions per owner';
    throw new ValidationError(`there are ${existing.length} ${whose}, the most there may be`, [
      { field: 'body', message: `at most ${MAX_SUBSCRIPTIONS_PER_OWNER} ${whose}; delete one first` },
    ]);
  }
  const id = `sub_${ulid()}`;
  // Email subscriptions have a secret too: it signs their unsubscribe links, and is never shown.
  // Slack's secret is its credential: the bot token or the incoming webhook's URL.
  const secret =
    request.channel === 'slack' ? (request.token ?? request.url!) : (request.secret ?? newWebhookSecret());
  const secretRef = secretName(id);
  await storeSecrets(ports.secrets, secretRef, [secret]);
  const stored: StoredSubscription = {
    id,
    owner: caller.userId,
    ...(request.team !== undefined ? { team: request.team } : {}),
    channel: request.channel,
    ...(request.channel === 'webhook'
      ? { url: request.url! }
      : request.channel === 'email'
        ? { address: request.address!.toLowerCase() }
        : request.slackChannel !== undefined
          ? { slackChannel: request.slackChannel }
          : {}),
    ...(request.name !== undefined ? { name: request.name } : {}),
    events: request.events ?? [...(request.team !== undefined ? DEFAULT_TEAM_EVENTS : DEFAULT_EVENTS)],
    statuses: request.statuses ?? [...DEFAULT_STATUSES],
    ...(request.costAboveUsd !== undefined ? { costAboveUsd: request.costAboveUsd } : {}),
    ...(request.tags !== undefined ? { tags: request.tags } : {}),
    secretRef,
    createdAt: ports.now().toISOString(),
  };
  await ports.subscriptions.put(stored);
  // The secret is answered only when we made it: the caller needs it to verify, and it is never shown again.
  return subscriptionView(stored, request.secret || request.channel !== 'webhook' ? undefined : secret);
}

/** What the schema cannot say without conditionals: the fields each channel needs and refuses. */
function checkChannelFields(request: SubscriptionRequest, slackWebhookPrefix: string): void {
  const issue = (field: string, message: string) => ({ field, message });
  const present = (field: keyof SubscriptionRequest) => request[field] !== undefined;
  const issues: { field: string; message: string }[] = [];
  const refuse = (...fields: (keyof SubscriptionRequest)[]) => {
    for (const field of fields.filter(present))
      issues.push(issue(field, `is not used by a ${request.channel} subscription`));
  };
  if (request.channel === 'webhook') {
    if (!present('url')) issues.push(issue('url', 'is required for a webhook subscription'));
    refuse('address', 'token', 'slackChannel');
  } else if (request.channel === 'email') {
    if (!present('address')) issues.push(issue('address', 'is required for an email subscription'));
    refuse('url', 'secret', 'token', 'slackChannel');
  } else {
    refuse('address', 'secret');
    if (present('token') !== present('slackChannel')) {
      issues.push(
        issue(present('token') ? 'slackChannel' : 'token', 'a bot token and a channel go together'),
      );
    } else if (present('token') === present('url')) {
      issues.push(issue('url', 'give either an incoming webhook url, or a token and a slackChannel'));
    } else if (present('url') && !request.url!.startsWith(slackWebhookPrefix)) {
      issues.push(issue('url', `must be a Slack incoming webhook (${slackWebhookPrefix}...)`));
    }
  }
  if (issues.length > 0) throw new ValidationError('the subscription is invalid', issues);
}

/**
 * A team subscription's own rules: it matches simulations across owners by
 * their tags, so it must have some (else it would tell about every run of
 * everyone), and it hears no budgets (an owner's, not a team's).
 */
function checkTeamFields(request: SubscriptionRequest): void {
  const issues: { field: string; message: string }[] = [];
  if (request.tags === undefined) {
    issues.push({
      field: 'tags',
      message: "a team subscription needs a tag filter (e.g. project=ozone): it matches every owner's runs",
    });
  }
  const refused = (request.events ?? []).filter((kind) => !TEAM_EVENTS.includes(kind));
  if (refused.length > 0) {
    issues.push({
      field: 'events',
      message: `a team subscription hears ${TEAM_EVENTS.join(', ')}, not ${refused.join(', ')} (an owner's)`,
    });
  }
  if (issues.length > 0) throw new ValidationError('the team subscription is invalid', issues);
}

/** GET /subscriptions: the caller's; `?scope=team` the team subscriptions (admins). */
export async function listSubscriptions(
  ports: SubscriptionPorts,
  caller: Caller,
  query: Record<string, string | undefined> = {},
): Promise<SubscriptionList> {
  const scope = query['scope'] ?? 'owner';
  if (scope !== 'owner' && scope !== 'team') {
    throw new ValidationError('query.scope is not a scope', [
      { field: 'query.scope', message: 'must be owner (yours, the default) or team (admins)' },
    ]);
  }
  if (scope === 'team') forbidUnlessAdmin(caller, 'query.scope');
  const stored = await ports.subscriptions.listByOwner(scope === 'team' ? TEAM_SUBSCRIPTIONS : caller.userId);
  return {
    subscriptions: await Promise.all(
      stored.map(async (s) =>
        s.channel === 'email'
          ? { ...subscriptionView(s), suppressed: await ports.suppressions.isSuppressed(s.address!) }
          : subscriptionView(s),
      ),
    ),
  };
}

/**
 * The caller's own subscription, or a team subscription (admins; anyone else
 * is told why not, 403). Another owner's is a 404, exactly like a missing one.
 */
async function loadManaged(ports: Pick<SubscriptionPorts, 'subscriptions'>, caller: Caller, id: string) {
  if (!SUBSCRIPTION_ID.test(id)) {
    throw new NotFoundError(`no subscription ${id}`);
  }
  const stored =
    (await ports.subscriptions.get(caller.userId, id)) ??
    (await ports.subscriptions.get(TEAM_SUBSCRIPTIONS, id));
  if (!stored) throw new NotFoundError(`no subscription ${id}`);
  if (stored.team !== undefined) forbidUnlessAdmin(caller, 'path.id');
  return stored;
}

export async function deleteSubscription(
  ports: SubscriptionPorts,
  caller: Caller,
  id: string,
): Promise<void> {
  const stored = await loadManaged(ports, caller, id);
  await ports.subscriptions.delete(holderOf(stored), id);
  await ports.secrets.delete(stored.secretRef);
}

/** One signed test message to the target, no retries and no delivery record; the answer says how it went. */
export async function testSubscription(
  ports: TestPorts,
  caller: Caller,
  id: string,
): Promise<SubscriptionTestResult> {
  const stored = await loadManaged(ports, caller, id);
  const notification = testNotification(stored, ports.now());
  const secrets = await loadSecrets(ports.secrets, stored.secretRef);
  const messageId = webhookMessageId({
    subscriptionId: id,
    scope: notification.scope,
    kind: 'status',
    order: 0,
  });
  const result =
    stored.channel === 'email'
      ? await sendEmail(ports, stored, secrets[0]!, notification)
      : stored.channel === 'slack'
        ? await sendSlack(ports, stored, secrets[0]!, notification)
        : await sendWebhook(ports, stored, secrets, notification, messageId);
  return result.ok ? { delivered: true } : { delivered: false, error: result.error };
}

export type TestPorts = SubscriptionPorts &
  Pick<DeliveryPorts, 'poster' | 'mail' | 'suppressions' | 'publicApiUrl' | 'slack' | 'threads' | 'throttle'>;

/**
 * The one-click unsubscribe (RFC 8058) of an email subscription: the link's
 * signature checked against the subscription's own secret; an unknown or
 * already deleted subscription, or a signature that does not match, changes
 * nothing and says only that the link is not valid (404).
 */
export async function unsubscribeByLink(
  ports: SubscriptionPorts,
  link: { subscriptionId?: string; ownerToken?: string; signature?: string },
): Promise<void> {
  const invalid = () => new NotFoundError('this unsubscribe link is not valid (or the subscription is gone)');
  const { subscriptionId, ownerToken, signature } = link;
  if (!subscriptionId || !ownerToken || !signature || !SUBSCRIPTION_ID.test(subscriptionId)) throw invalid();
  // The link names the subscription's holder: its owner, or the teams' (unsubscribeUrl).
  const holder = Buffer.from(ownerToken, 'base64url').toString('utf8');
  const stored = await ports.subscriptions.get(holder, subscriptionId);
  if (!stored) throw invalid();
  const [secret] = await loadSecrets(ports.secrets, stored.secretRef);
  if (!secret || !signatureMatches(secret, subscriptionId, holder, signature)) throw invalid();
  await ports.subscriptions.delete(holder, subscriptionId);
  await ports.secrets.delete(stored.secretRef);
}

/**
 * POST /subscriptions/{id}/secret: a new signing secret for a webhook (or the
 * caller's own, `{"secret": "whsec_..."}`), answered once; the old one keeps
 * signing too for a day, so the receiver can switch without losing a delivery.
 */
export async function rotateSigningSecret(
  ports: SubscriptionPorts,
  caller: Caller,
  id: string,
  body: unknown,
): Promise<Subscription> {
  const stored = await loadManaged(ports, caller, id);
  if (stored.channel !== 'webhook') {
    throw new ValidationError('only a webhook subscription has a signing secret', [
      { field: 'path.id', message: `is a ${stored.channel} subscription` },
    ]);
  }
  const given = body && typeof body === 'object' ? (body as { secret?: unknown }).secret : undefined;
  if (
    given !== undefined &&
    (typeof given !== 'string' || !/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/.test(given))
  ) {
    throw new ValidationError('the secret is invalid', [
      { field: 'secret', message: 'must be whsec_ and 24-64 random bytes in base64' },
    ]);
  }
  const secret = (given as string | undefined) ?? newWebhookSecret();
  await rotateSecret(ports.secrets, stored.secretRef, secret, ports.now().getTime());
  return subscriptionView(stored, given === undefined ? secret : undefined);
}
