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
import type { Simulation } from '#schemas/generated/types.js';
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

/** Published by `sources`, its detail described by schemas/events/<schemaName>.schema.json. */
function entry(sources: readonly string[], schemaName: string): CatalogEntry {
  return { sources, schema: `https://gcr.dev/schemas/events/${schemaName}.schema.json` };
}

/** Who publishes each detail type, and the schema of its detail (docs/ARCHITECTURE.md, "Events"). */
export const EventCatalog: Record<CatalogDetailType, CatalogEntry> = {
  [DetailType.SimulationSubmitted]: entry([Source.submission], 'simulation-submitted'),
  [DetailType.SimulationPollRequested]: entry(
    [Source.executionFinder, Source.submission],
    'simulation-poll-requested',
  ),
  [DetailType.SimulationStatusChanged]: entry(
    // gcr.cost-tracker: the cancel of a run that reached its maxCostUsd
    [Source.submission, Source.executionPoller, Source.costTracker],
    'simulation-status-changed',
  ),
  [DetailType.SimulationResultsReady]: entry([Source.resultsProcessor], 'simulation-results-ready'),
  [DetailType.SimulationResultsFailed]: entry([Source.resultsProcessor], 'simulation-results-failed'),
  [DetailType.SimulationResultsRequested]: entry([Source.resultsProcessor], 'simulation-results-requested'),
  [DetailType.SimulationCostUpdated]: entry([Source.costTracker], 'simulation-cost-updated'),
  [DetailType.BudgetThresholdCrossed]: entry([Source.costTracker], 'budget-threshold-crossed'),
  [DetailType.NotificationFailed]: entry([Source.notifier], 'notification-failed'),
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

/** Simulations per Poll Requested event: the poller describes one event's jobs in one call. */
export const MAX_SIMULATIONS_PER_POLL_EVENT = 100;

/**
 * Poll Requested events for simulations of one backend, at most
 * MAX_SIMULATIONS_PER_POLL_EVENT each: the finder's scheduled polls, and the
 * prompt poll of the simulations a Slurm agent's report changed.
 */
export function simulationPollRequested(
  source: string,
  backend: SimulationPollRequestedDetail['backend'],
  simulations: Pick<Simulation, 'id' | 'status' | 'version' | 'job'>[],
  requestedAt: string,
): OutgoingEvent[] {
  const events: OutgoingEvent[] = [];
  for (let i = 0; i < simulations.length; i += MAX_SIMULATIONS_PER_POLL_EVENT) {
    const detail: SimulationPollRequestedDetail = {
      schemaVersion: '1',
      backend,
      requestedAt,
      simulations: simulations.slice(i, i + MAX_SIMULATIONS_PER_POLL_EVENT).map((s) => ({
        simulationId: s.id,
        status: s.status,
        version: s.version,
        ...(s.job ? { jobId: s.job.jobId } : {}),
      })),
    };
    events.push({ source, detailType: DetailType.SimulationPollRequested, detail });
  }
  return events;
}

/**
 * The id of a transition's Status Changed event: the simulation and the
 * version the transition gave it. Deterministic, so a copy published again
 * after a crash (the outbox allows one; PutEvents has no idempotency key) is
 * recognisably the same event, and consumers de-duplicate by it.
 */
export function statusEventId(simulationId: string, version: number): string {
  return `${simulationId}:v${version}`;
}

export function simulationStatusChanged(
  source: string,
  detail: Omit<SimulationStatusChangedDetail, 'schemaVersion' | 'eventId'>,
): OutgoingEvent {
  return {
    source,
    detailType: DetailType.SimulationStatusChanged,
    detail: {
      schemaVersion: '1',
      eventId: statusEventId(detail.simulationId, detail.version),
      ...detail,
    } satisfies SimulationStatusChangedDetail,
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
