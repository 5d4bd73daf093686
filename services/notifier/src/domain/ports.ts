import type { NotificationKind, SimulationStatus } from '#schemas/generated/types.js';
import type { EventPublisher } from '#shared/kernel/events/publisher.js';
import type { SlackPorts } from './slack-channel.js';

export type Channel = 'webhook' | 'email' | 'slack';

/** A subscription as stored: its secret is never here, only the name it is kept under (`secretRef`). */
export interface StoredSubscription {
  id: string;
  /** Whose simulations it tells about; of a team subscription, the admin who made it. */
  owner: string;
  /** An admin-managed team subscription: every owner's simulations its tags match. */
  team?: string;
  channel: Channel;
  /** webhook: the endpoint. */
  url?: string;
  /** email: the address. */
  address?: string;
  /** slack with a bot token: the channel's id (the token is in the secret store; an incoming webhook's URL too). */
  slackChannel?: string;
  name?: string;
  events: NotificationKind[];
  statuses: SimulationStatus[];
  costAboveUsd?: number;
  /** Only simulations whose spec.tags hold all of these. */
  tags?: Record<string, string>;
  secretRef: string;
  createdAt: string;
}

/**
 * Subscriptions are kept by holder (holderOf): their owner, or TEAM_SUBSCRIPTIONS
 * for every team subscription, so an event reads its owner's and the teams' with one query each.
 */
export interface SubscriptionStore {
  put(subscription: StoredSubscription): Promise<void>;
  get(holder: string, id: string): Promise<StoredSubscription | undefined>;
  /** Oldest first. */
  listByOwner(holder: string): Promise<StoredSubscription[]>;
  /** False when there was none. */
  delete(holder: string, id: string): Promise<boolean>;
}

/** The holder of every team subscription: no Cognito user id starts with '#'. */
export const TEAM_SUBSCRIPTIONS = '#team';

/** Where a subscription is kept: its owner's, or the teams' holder. */
export const holderOf = (subscription: Pick<StoredSubscription, 'owner' | 'team'>) =>
  subscription.team !== undefined ? TEAM_SUBSCRIPTIONS : subscription.owner;

/** Where subscriptions' secrets are kept: SSM SecureString on AWS, an encrypted directory locally. */
export interface SecretStore {
  put(name: string, value: string): Promise<void>;
  get(name: string): Promise<string | undefined>;
  delete(name: string): Promise<void>;
}

/**
 * The delivery key of one notification for one subscription: (subscription,
 * simulation or other scope, event kind) names the record, and `order` (the
 * status version) is compared on it, so a stale status never follows a newer one.
 */
export interface DeliveryKey {
  subscriptionId: string;
  scope: string;
  kind: NotificationKind;
  order: number;
}

export type ClaimOutcome =
  /** Recorded: this delivery may be sent now. `attempts` counts earlier failed tries. */
  | { claimed: true; attempts: number }
  /** Already sent, or a newer one was (stale), or another delivery of it is in flight. */
  | { claimed: false; why: 'sent' | 'stale' | 'in-flight' }
  /** Waiting in the digest of the window starting at `windowStart` (ms). */
  | { claimed: false; why: 'buffered'; windowStart: number };

/** The delivery records (DynamoDB conditional writes). */
export interface DeliveryLedger {
  /** Records the delivery before it is sent, if nothing at or after it was sent or is being sent. */
  claim(key: DeliveryKey, now: Date, leaseMs: number): Promise<ClaimOutcome>;
  markSent(key: DeliveryKey, now: Date): Promise<void>;
  /** Gives the claim back after a failed try, counting it. */
  release(key: DeliveryKey, attempts: number, error: string): Promise<void>;
  /** The last try failed for good: recorded, never sent again. */
  markFailed(key: DeliveryKey, attempts: number, error: string): Promise<void>;
  /** The claimed delivery waits in the digest of its window instead of being sent. */
  markBuffered(key: DeliveryKey, windowStart: number): Promise<void>;
  /** Claims a buffered delivery the digest did not cover, to send it on its own; false when not buffered. */
  takeBuffered(key: DeliveryKey, now: Date, leaseMs: number): Promise<boolean>;
}

/** One buffered notification, as its digest lists it. */
export interface DigestEntry {
  /** The delivery it stands for (entryKeyOf). */
  key: string;
  type: string;
  simulationId?: string;
  name?: string;
  /** What happened: the status moved to, `results ready`, ... */
  outcome: string;
  at: string;
}

/** What became of a window's digest: the deliveries it covered, and why it failed when it was refused for good. */
export interface DigestOutcome {
  covered: string[];
  failed?: string;
}

/** The digests' windows in the notifier's table: a counter, the buffered entries and the digest's record. */
export interface DigestBuffer {
  /** Counts one more message of the subscription in the window; answers the count. */
  count(subscriptionId: string, windowStart: number, now: Date): Promise<number>;
  add(subscriptionId: string, windowStart: number, entry: DigestEntry): Promise<void>;
  /** The entries' keys the window's digest covered once sent (or refused for good: `failed`); undefined until then. */
  covered(subscriptionId: string, windowStart: number): Promise<DigestOutcome | undefined>;
  /** Claims the sending of the digest (a lease); answers the entries to send, undefined when another holds it or it was sent. */
  claimFlush(
    subscriptionId: string,
    windowStart: number,
    now: Date,
    leaseMs: number,
  ): Promise<DigestEntry[] | undefined>;
  /** The digest was sent, or refused for good (`failed`, the reason): records what it covered. */
  markFlushed(
    subscriptionId: string,
    windowStart: number,
    covered: string[],
    now: Date,
    failed?: string,
  ): Promise<void>;
  /** Gives the claim back after a failed send. */
  releaseFlush(subscriptionId: string, windowStart: number): Promise<void>;
}

/** One HTTP POST to a checked target. */
export interface HttpPostResult {
  statusCode: number;
  retryAfterSeconds?: number;
}
export interface HttpPoster {
  post(url: string, headers: Record<string, string>, body: string): Promise<HttpPostResult>;
}

/** The addresses a host name resolves to (DNS), for the target check. */
export type ResolveHost = (host: string) => Promise<string[]>;

export interface TargetPolicy {
  /** Only the local platform sets this: http and loopback receivers (127.0.0.1, ::1, localhost). */
  allowLoopback: boolean;
  resolve: ResolveHost;
}

/** One email, both parts, with its extra headers (List-Unsubscribe). */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

/** A refusal from the mail service: `permanent` (a 5xx reply, a refused address) is not tried again. */
export class MailSendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'MailSendError';
  }
}

/** SMTP locally, SES (v2) on AWS. */
export interface MailSender {
  send(message: MailMessage): Promise<void>;
}

/** Addresses SES reported as bouncing (permanently) or complaining: never mailed again. */
export interface SuppressionList {
  isSuppressed(address: string): Promise<boolean>;
  suppress(address: string, reason: string, at: Date): Promise<void>;
}

export interface EmailPorts {
  mail: MailSender;
  suppressions: SuppressionList;
  /** The public base URL of the notifier's API, for the unsubscribe link. */
  publicApiUrl: () => Promise<string>;
}

export interface DeliveryPorts extends EmailPorts, SlackPorts {
  subscriptions: SubscriptionStore;
  ledger: DeliveryLedger;
  digests: DigestBuffer;
  /** A simulation's spec.tags (the simulations table, through the shared repository); undefined when it is gone. */
  simulationTags(simulationId: string): Promise<Record<string, string> | undefined>;
  /** More messages than this for one subscription in one window become a digest. */
  digestAbove: number;
  /** The digest's window (a minute). */
  digestWindowMs: number;
  secrets: SecretStore;
  poster: HttpPoster;
  publisher: EventPublisher;
  targets: TargetPolicy;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Tries within one receive of the message, before it goes back to the queue. */
  attemptsPerReceive: number;
  baseDelayMs: number;
  maxDelayMs: number;
  log: (message: string, data?: Record<string, unknown>) => void;
}
