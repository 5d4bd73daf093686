import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '../powertools.js';
import { DetailType } from './catalog.js';
import type { OutgoingEvent } from './publisher.js';

/** Metrics of what the platform is for, in namespace GeosChemCloudRunner (dimension `service`: the publisher). */
export const BusinessMetric = {
  submitted: 'SimulationsSubmitted',
  succeeded: 'SimulationsSucceeded',
  failed: 'SimulationsFailed',
  cancelled: 'SimulationsCancelled',
  timedOut: 'SimulationsTimedOut',
  resultsFailed: 'ResultsFailed',
} as const;

const TERMINAL_STATUS_METRIC: Record<string, string> = {
  SUCCEEDED: BusinessMetric.succeeded,
  FAILED: BusinessMetric.failed,
  CANCELLED: BusinessMetric.cancelled,
  TIMED_OUT: BusinessMetric.timedOut,
};

/** The business metric one published event counts in, if any. */
export function businessMetricOf(event: OutgoingEvent): string | undefined {
  switch (event.detailType) {
    case DetailType.SimulationSubmitted:
      return BusinessMetric.submitted;
    case DetailType.SimulationStatusChanged:
      return TERMINAL_STATUS_METRIC[String((event.detail as { to?: unknown }).to)];
    case DetailType.SimulationResultsFailed:
      return BusinessMetric.resultsFailed;
    default:
      return undefined;
  }
}

/**
 * Counts the events EventBridge accepted, once the publisher has them all on
 * the bus: every service publishes through createEventBridgePublisher, so no
 * handler has to remember. The Lambda middleware (lambdaHandler) publishes
 * them at the end of the invocation. At least once, like the events: an outbox
 * event published again after a crash counts again.
 */
export function countBusinessEvents(events: readonly OutgoingEvent[]): void {
  for (const event of events) {
    const name = businessMetricOf(event);
    if (name) metrics.addMetric(name, MetricUnit.Count, 1);
  }
}
