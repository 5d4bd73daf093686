/**
 * What the notifier hears (the event catalog's detail types it subscribes to)
 * and the default that is quiet and useful: terminal states (a run stuck in
 * RUNNABLE past its spec's queue limit is ended TIMED_OUT by the poller),
 * results ready or failed, budget thresholds. A RETRYING is a failure that
 * will be retried: never an alert unless a subscription names it.
 */
import type { NotificationKind, SimulationStatus, SubscriptionTestResult } from '#schemas/generated/types.js';
import { DetailType } from '#shared/kernel/events/catalog.js';
import type { DeliveredEvent } from '#shared/kernel/events/delivered-event.js';
import type { StoredSubscription } from './ports.js';

export const NOTIFIER_EVENTS = [
  DetailType.SimulationStatusChanged,
  DetailType.SimulationResultsReady,
  DetailType.SimulationResultsFailed,
  DetailType.BudgetThresholdCrossed,
  DetailType.SimulationCostUpdated,
] as const;
export type NotifierEvent = DeliveredEvent<(typeof NOTIFIER_EVENTS)[number]>;

export const DEFAULT_EVENTS: readonly NotificationKind[] = ['status', 'results', 'budget'];
/** A team subscription's default: budgets are an owner's, not a team's. */
export const TEAM_EVENTS: readonly NotificationKind[] = ['status', 'results', 'cost'];
export const DEFAULT_TEAM_EVENTS: readonly NotificationKind[] = ['status', 'results'];
export const DEFAULT_STATUSES: readonly SimulationStatus[] = [
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'TIMED_OUT',
];

/** One event, as every channel sees it. */
export interface Notification {
  kind: NotificationKind;
  /** The webhook payload's `type`. */
  type: string;
  owner: string;
  simulationId?: string;
  /** The delivery record's scope: the simulation, or the owner's budget month. */
  scope: string;
  /** Orders deliveries of one scope and kind: the status version (0 where events do not repeat). */
  order: number;
  /** Status events: the status moved to. */
  status?: SimulationStatus;
  costUsd?: number;
  at: string;
  data: Record<string, unknown>;
}

/** The event's detail without its schemaVersion, which belongs to the envelope it came in. */
function dataOf(detail: object): Record<string, unknown> {
  const { schemaVersion: _version, ...data } = detail as Record<string, unknown>;
  return data;
}

export function notificationOf(event: NotifierEvent, now: Date): Notification {
  const at = event.time ?? now.toISOString();
  switch (event['detail-type']) {
    case DetailType.SimulationStatusChanged: {
      const d = event.detail;
      return {
        kind: 'status',
        type: 'simulation.status_changed',
        owner: d.owner,
        simulationId: d.simulationId,
        scope: d.simulationId,
        order: d.version,
        status: d.to,
        at: d.at,
        data: dataOf(d),
      };
    }
    case DetailType.SimulationResultsReady:
    case DetailType.SimulationResultsFailed: {
      const d = event.detail;
      const ready = event['detail-type'] === DetailType.SimulationResultsReady;
      return {
        kind: 'results',
        type: ready ? 'simulation.results_ready' : 'simulation.results_failed',
        owner: d.owner,
        simulationId: d.simulationId,
        // Ready and Failed of one run share the record: a reprocessing sends again only after a newer one.
        scope: d.simulationId,
        order: Date.parse(at) || 0,
        at,
        data: dataOf(d),
      };
    }
    case DetailType.BudgetThresholdCrossed: {
      const d = event.detail;
      return {
        kind: 'budget',
        type: 'budget.threshold_crossed',
        owner: d.owner,
        scope: `budget#${d.month}`,
        // Each threshold once a month, and never a lower one after a higher.
        order: d.thresholdPercent,
        costUsd: d.spentUsd,
        at,
        data: dataOf(d),
      };
    }
    case DetailType.SimulationCostUpdated: {
      const d = event.detail;
      return {
        kind: 'cost',
        type: 'simulation.cost_updated',
        owner: d.owner,
        simulationId: d.simulationId,
        scope: d.simulationId,
        // Amounts only grow: a lower one arriving late is stale. Cents keep it an integer.
        order: Math.round(d.amountUsd * 100) * 10 + (d.kind === 'final' ? 2 : d.kind === 'accrued' ? 1 : 0),
        costUsd: d.amountUsd,
        at,
        data: dataOf(d),
      };
    }
  }
}

/** Does the subscription's tag filter let a simulation with these tags through? */
export function tagsMatch(
  subscription: StoredSubscription,
  tags: Record<string, string> | undefined,
): boolean {
  return Object.entries(subscription.tags ?? {}).every(([key, value]) => tags?.[key] === value);
}

/** Is the notification filtered by tags for this subscription (which then needs the simulation's tags)? */
export const filtersByTags = (subscription: StoredSubscription, notification: Notification) =>
  notification.simulationId !== undefined && Object.keys(subscription.tags ?? {}).length > 0;

/** Does this subscription ask for this notification (tags aside: filtersByTags, tagsMatch)? */
export function wants(subscription: StoredSubscription, notification: Notification): boolean {
  // A team subscription hears every owner's simulations (its tags decide which); an owner's, their own events.
  if (subscription.team !== undefined) {
    if (notification.simulationId === undefined) return false;
  } else if (subscription.owner !== notification.owner) return false;
  if (!subscription.events.includes(notification.kind)) return false;
  if (notification.kind === 'status' && !subscription.statuses.includes(notification.status!)) return false;
  if (notification.kind === 'cost' && subscription.costAboveUsd !== undefined) {
    if ((notification.costUsd ?? 0) <= subscription.costAboveUsd) return false;
  }
  return true;
}

/** The message POST /subscriptions/{id}/test sends. */
export function testNotification(subscription: StoredSubscription, now: Date): Notification {
  return {
    kind: 'status',
    type: 'subscription.test',
    owner: subscription.owner,
    scope: `test#${now.getTime()}`,
    order: 0,
    at: now.toISOString(),
    data: {
      subscriptionId: subscription.id,
      message: 'a test message from the GEOS-Chem Cloud Runner notifier',
    },
  };
}

export type { SubscriptionTestResult };
