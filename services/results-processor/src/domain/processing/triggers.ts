/**
 * What started a processing, and whether a delivery of it still has work to
 * do. The trigger's id is recorded on the simulation's `results`, so a message
 * delivered twice processes once, while a requested reprocess runs again.
 */
import { DetailType } from '#shared/kernel/events/catalog.js';
import type { DeliveredEvent } from '#shared/kernel/events/delivered-event.js';
import type { Simulation, SimulationResultsStatus } from '#schemas/generated/types.js';

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
  | { action: 'skip'; why: string }
  /** A live processing of this trigger holds the lease: come back later (the message returns to the queue). */
  | { action: 'wait'; until: string }
  /** Earlier deliveries started this trigger and died (timeout, out of memory): record FAILED, do not start again. */
  | { action: 'fail'; reason: string };

export interface DeliveryView {
  now: Date;
  /** The queue will not deliver this message again. */
  lastAttempt: boolean;
  /** Starts allowed per trigger (the queue's maxReceiveCount). */
  maxAttempts: number;
}

/**
 * A PROCESSING mark carries a lease (`leaseExpiresAt`, the function's timeout
 * and a margin from its start) and the number of deliveries that started it
 * (`attempts`). A delivery that finds the lease expired knows the run holding
 * it died without a word (Lambda's timeout or out of memory kill everything);
 * a retryable error releases the lease before the message returns to the
 * queue. A run that died is started again only while the queue will deliver
 * once more: on the last delivery, or once `maxAttempts` runs have died, the
 * outcome is FAILED, so a file that kills the processor every time cannot
 * leave the results PROCESSING forever.
 */
export function decide(
  simulation: Simulation | undefined,
  trigger: Trigger,
  delivery: DeliveryView = { now: new Date(), lastAttempt: false, maxAttempts: Infinity },
): Decision {
  if (!simulation) return { action: 'skip', why: 'simulation not found' };
  if (simulation.status !== 'SUCCEEDED') {
    return { action: 'skip', why: `simulation is ${simulation.status}; only SUCCEEDED runs have results` };
  }
  const results = simulation.results;
  if (!results) return { action: 'process' };
  if (results.trigger === trigger.id) {
    if (results.status === 'PROCESSING') return redelivered(results, delivery);
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

/** This trigger is PROCESSING: held by a live run, released after a retryable error, or left by a run that died. */
function redelivered(results: SimulationResultsStatus, delivery: DeliveryView): Decision {
  const lease = results.leaseExpiresAt;
  if (lease === undefined) return { action: 'process' }; // released after a retryable error
  if (Date.parse(lease) > delivery.now.getTime()) return { action: 'wait', until: lease };
  const died = results.attempts ?? 1;
  if (delivery.lastAttempt || died >= delivery.maxAttempts) {
    return {
      action: 'fail',
      reason:
        `processing stopped without finishing ${died === 1 ? 'once' : `${died} times`} ` +
        '(the function timed out or ran out of memory: the outputs are too large or too slow to read); ' +
        'not started again',
    };
  }
  return { action: 'process' };
}
