import type {
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
