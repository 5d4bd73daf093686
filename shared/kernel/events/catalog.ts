import type {
  BudgetThresholdCrossedDetail,
  NotificationFailedDetail,
  SimulationCostUpdatedDetail,
  SimulationPollRequestedDetail,
  SimulationResultsFailedDetail,
  SimulationResultsReadyDetail,
  SimulationResultsRequestedDetail,
  SimulationStatusChangedDetail,
  SimulationSubmittedDetail,
} from '#schemas/generated/types.js';
import type { OutgoingEvent } from './publisher.js';

/** Detail types of the event catalog (../shared/DESIGN.md); the detail schemas live in schemas/events/. */
export const DetailType = {
  SimulationSubmitted: 'Simulation Submitted',
  SimulationPollRequested: 'Simulation Poll Requested',
  SimulationStatusChanged: 'Simulation Status Changed',
  SimulationResultsReady: 'Simulation Results Ready',
  SimulationResultsFailed: 'Simulation Results Failed',
  SimulationResultsRequested: 'Simulation Results Requested',
  SimulationCostUpdated: 'Simulation Cost Updated',
  BudgetThresholdCrossed: 'Budget Threshold Crossed',
  NotificationFailed: 'Notification Failed',
} as const;

export const Source = {
  submission: 'gcr.submission',
  executionFinder: 'gcr.execution-finder',
  executionPoller: 'gcr.execution-poller',
  resultsProcessor: 'gcr.results-processor',
  costTracker: 'gcr.cost-tracker',
  notifier: 'gcr.notifier',
} as const;

export type CatalogDetailType = (typeof DetailType)[keyof typeof DetailType];

/** The detail each of our detail types carries (types generated from schemas/events/). */
export interface DetailOfType {
  [DetailType.SimulationSubmitted]: SimulationSubmittedDetail;
  [DetailType.SimulationPollRequested]: SimulationPollRequestedDetail;
  [DetailType.SimulationStatusChanged]: SimulationStatusChangedDetail;
  [DetailType.SimulationResultsReady]: SimulationResultsReadyDetail;
  [DetailType.SimulationResultsFailed]: SimulationResultsFailedDetail;
  [DetailType.SimulationResultsRequested]: SimulationResultsRequestedDetail;
  [DetailType.SimulationCostUpdated]: SimulationCostUpdatedDetail;
  [DetailType.BudgetThresholdCrossed]: BudgetThresholdCrossedDetail;
  [DetailType.NotificationFailed]: NotificationFailedDetail;
}

export interface CatalogEntry {
  /** The services that publish it. */
  sources: readonly string[];
  /** `$id` of its detail's JSON Schema. */
  schema: string;
}

const schemaOf = (name: string): string => `https://gcr.dev/schemas/events/${name}.schema.json`;

/** Who publishes each detail type, and the schema of its detail (docs/ARCHITECTURE.md, "Events"). */
export const EventCatalog: Record<CatalogDetailType, CatalogEntry> = {
  [DetailType.SimulationSubmitted]: {
    sources: [Source.submission],
    schema: schemaOf('simulation-submitted'),
  },
  [DetailType.SimulationPollRequested]: {
    sources: [Source.executionFinder],
    schema: schemaOf('simulation-poll-requested'),
  },
  [DetailType.SimulationStatusChanged]: {
    sources: [Source.submission, Source.executionPoller],
    schema: schemaOf('simulation-status-changed'),
  },
  [DetailType.SimulationResultsReady]: {
    sources: [Source.resultsProcessor],
    schema: schemaOf('simulation-results-ready'),
  },
  [DetailType.SimulationResultsFailed]: {
    sources: [Source.resultsProcessor],
    schema: schemaOf('simulation-results-failed'),
  },
  [DetailType.SimulationResultsRequested]: {
    sources: [Source.resultsProcessor],
    schema: schemaOf('simulation-results-requested'),
  },
  [DetailType.SimulationCostUpdated]: {
    sources: [Source.costTracker],
    schema: schemaOf('simulation-cost-updated'),
  },
  [DetailType.BudgetThresholdCrossed]: {
    sources: [Source.costTracker],
    schema: schemaOf('budget-threshold-crossed'),
  },
  [DetailType.NotificationFailed]: {
    sources: [Source.notifier],
    schema: schemaOf('notification-failed'),
  },
};

/**
 * AWS Batch's own job state events, on the default bus: not ours and without a
 * schema of ours; `jobDescriptionFromBatchEvent` (compute/batch-backend.ts)
 * checks their detail.
 */
export const BatchJobStateChange = { source: 'aws.batch', detailType: 'Batch Job State Change' } as const;

export function isCatalogDetailType(value: string): value is CatalogDetailType {
  return Object.hasOwn(EventCatalog, value);
}

export function simulationSubmitted(detail: Omit<SimulationSubmittedDetail, 'schemaVersion'>): OutgoingEvent {
  return {
    source: Source.submission,
    detailType: DetailType.SimulationSubmitted,
    detail: { schemaVersion: '1', ...detail } satisfies SimulationSubmittedDetail,
    resources: [detail.simulationId],
  };
}

export function simulationStatusChanged(
  source: string,
  detail: Omit<SimulationStatusChangedDetail, 'schemaVersion'>,
): OutgoingEvent {
  return {
    source,
    detailType: DetailType.SimulationStatusChanged,
    detail: { schemaVersion: '1', ...detail } satisfies SimulationStatusChangedDetail,
    resources: [detail.simulationId],
  };
}

export function simulationResultsRequested(
  detail: Omit<SimulationResultsRequestedDetail, 'schemaVersion'>,
): OutgoingEvent {
  return {
    source: Source.resultsProcessor,
    detailType: DetailType.SimulationResultsRequested,
    detail: { schemaVersion: '1', ...detail } satisfies SimulationResultsRequestedDetail,
    resources: [detail.simulationId],
  };
}

export function simulationResultsReady(
  detail: Omit<SimulationResultsReadyDetail, 'schemaVersion'>,
): OutgoingEvent {
  return {
    source: Source.resultsProcessor,
    detailType: DetailType.SimulationResultsReady,
    detail: { schemaVersion: '1', ...detail } satisfies SimulationResultsReadyDetail,
    resources: [detail.simulationId],
  };
}

export function simulationResultsFailed(
  detail: Omit<SimulationResultsFailedDetail, 'schemaVersion'>,
): OutgoingEvent {
  return {
    source: Source.resultsProcessor,
    detailType: DetailType.SimulationResultsFailed,
    detail: { schemaVersion: '1', ...detail } satisfies SimulationResultsFailedDetail,
    resources: [detail.simulationId],
  };
}
