/**
 * What started a processing, and whether a delivery of it still has work to
 * do. The trigger's id is recorded on the simulation's `results`, so a message
 * delivered twice processes once, while a requested reprocess runs again.
 */
import { DetailType } from '#shared/kernel/events/catalog.js';
import type { Simulation } from '#schemas/generated/types.js';

/** An EventBridge event as a rule delivers it to the results queue. */
export interface DeliveredEvent {
  id?: string;
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
}

export interface Trigger {
  simulationId: string;
  /** "succeeded:v<version>" or "request:<requestId>". */
  id: string;
  kind: 'succeeded' | 'request';
  requestedBy?: string;
  /** Species to draw previews for, when the request names them. */
  species?: string[];
}

export class UnknownEventError extends Error {
  override readonly name = 'UnknownEventError';
}

/** The trigger an event carries; undefined for an event that asks for nothing (not SUCCEEDED). */
export function triggerOf(event: DeliveredEvent): Trigger | undefined {
  const type = event['detail-type'];
  const detail = event.detail ?? {};
  const simulationId = detail['simulationId'];
  if (typeof simulationId !== 'string' || simulationId === '') {
    throw new UnknownEventError(`"${type}" event without a simulationId`);
  }
  if (type === DetailType.SimulationStatusChanged) {
    if (detail['to'] !== 'SUCCEEDED') return undefined;
    return { simulationId, id: `succeeded:v${String(detail['version'])}`, kind: 'succeeded' };
  }
  if (type === DetailType.SimulationResultsRequested) {
    const requestId = detail['requestId'] ?? detail['requestedAt'] ?? event.id;
    const species = Array.isArray(detail['species']) ? detail['species'].map(String) : undefined;
    return {
      simulationId,
      id: `request:${String(requestId)}`,
      kind: 'request',
      ...(typeof detail['requestedBy'] === 'string' ? { requestedBy: detail['requestedBy'] } : {}),
      ...(species && species.length > 0 ? { species } : {}),
    };
  }
  throw new UnknownEventError(`the results processor does not handle "${type}" events from ${event.source}`);
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
