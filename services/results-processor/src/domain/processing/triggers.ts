/**
 * What started a processing, and whether a delivery of it still has work to
 * do. The trigger's id is recorded on the simulation's `results`, so a message
 * delivered twice processes once, while a requested reprocess runs again.
 */
import { DetailType } from '#shared/kernel/events/catalog.js';
import type { DeliveredEvent } from '#shared/kernel/events/delivered-event.js';
import type { Simulation } from '#schemas/generated/types.js';

/** The events the results queue receives (its rules in serverless.yml). */
export const RESULTS_EVENTS = [
  DetailType.SimulationStatusChanged,
  DetailType.SimulationResultsRequested,
] as const;

export type ResultsEvent = DeliveredEvent<(typeof RESULTS_EVENTS)[number]>;

export interface Trigger {
  simulationId: string;
  /** "succeeded:v<version>" or "request:<requestId>". */
  id: string;
  kind: 'succeeded' | 'request';
  requestedBy?: string;
  /** Species to draw previews for, when the request names them. */
  species?: string[];
}

/** The trigger an event carries; undefined for an event that asks for nothing (not SUCCEEDED). */
export function triggerOf(event: ResultsEvent): Trigger | undefined {
  switch (event['detail-type']) {
    case DetailType.SimulationStatusChanged: {
      const { simulationId, to, version } = event.detail;
      if (to !== 'SUCCEEDED') return undefined;
      return { simulationId, id: `succeeded:v${version}`, kind: 'succeeded' };
    }
    case DetailType.SimulationResultsRequested: {
      const { simulationId, requestId, requestedAt, requestedBy, species } = event.detail;
      return {
        simulationId,
        // Requests published before requestId existed are told apart by their time.
        id: `request:${requestId ?? requestedAt}`,
        kind: 'request',
        requestedBy,
        ...(species && species.length > 0 ? { species } : {}),
      };
    }
  }
}

export type Decision =
  | { action: 'process' }
  /** Processed already, but its event may not have been published: publish it. */
  | { action: 'announce' }
  | { action: 'skip'; why: string };

export function decide(simulation: Simulation | undefined, trigger: Trigger): Decision {
  if (!simulation) return { action: 'skip', why: 'simulation not found' };
  if (simulation.status !== 'SUCCEEDED') {
    return { action: 'skip', why: `simulation is ${simulation.status}; only SUCCEEDED runs have results` };
  }
  const results = simulation.results;
  if (!results) return { action: 'process' };
  if (results.trigger === trigger.id) {
    if (results.status === 'PROCESSING') return { action: 'process' }; // redelivered after a crash or a retryable error
    return results.announcedAt
      ? { action: 'skip', why: `already ${results.status} for ${trigger.id}` }
      : { action: 'announce' };
  }
  // The run's own SUCCEEDED event processes once; later work comes only from requests.
  if (trigger.kind === 'succeeded') {
    return {
      action: 'skip',
      why: `results already ${results.status} (${results.trigger ?? 'unknown trigger'})`,
    };
  }
  return { action: 'process' };
}
