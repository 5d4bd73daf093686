import type { NotificationKind, SimulationStatus } from '#schemas/generated/types.js';
import type { EventPublisher } from '#shared/kernel/events/publisher.js';

export type Channel = 'webhook';

/** A subscription as stored: its secret is never here, only the name it is kept under (`secretRef`). */
export interface StoredSubscription {
  id: string;
  owner: string;
  channel: Channel;
  url: string;
  name?: string;
  events: NotificationKind[];
  statuses: SimulationStatus[];
  costAboveUsd?: number;
  secretRef: string;
  createdAt: string;
}

export interface SubscriptionStore {
  put(subscription: StoredSubscription): Promise<void>;
  get(owner: string, id: string): Promise<StoredSubscription | undefined>;
  /** Oldest first. */
  listByOwner(owner: string): Promise<StoredSubscription[]>;
  /** False when there was none. */
  delete(owner: string, id: string): Promise<boolean>;
}

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
  | { claimed: false; why: 'sent' | 'stale' | 'in-flight' };

/** The delivery records (DynamoDB conditional writes). */
export interface DeliveryLedger {
  /** Records the delivery before it is sent, if nothing at or after it was sent or is being sent. */
  claim(key: DeliveryKey, now: Date, leaseMs: number): Promise<ClaimOutcome>;
  markSent(key: DeliveryKey, now: Date): Promise<void>;
  /** Gives the claim back after a failed try, counting it. */
  release(key: DeliveryKey, attempts: number, error: string): Promise<void>;
  /** The last try failed for good: recorded, never sent again. */
  markFailed(key: DeliveryKey, attempts: number, error: string): Promise<void>;
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

export interface DeliveryPorts {
  subscriptions: SubscriptionStore;
  ledger: DeliveryLedger;
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
