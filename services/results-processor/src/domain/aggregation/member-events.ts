/**
 * Which ensemble a results-queue message may have finished: a member's
 * results ending (processed READY or FAILED), or a member ending without
 * results (FAILED, CANCELLED, TIMED_OUT: the queue's rule takes every
 * terminal status for this). The aggregation checks "all settled" itself, so
 * asking too often costs reads, never a second aggregation.
 */
import { DetailType } from '#shared/kernel/events/catalog.js';
import type { SimulationRepository } from '#shared/kernel/repository/simulations.js';
import type { Outcome } from '../processing/process-results.js';
import type { ResultsEvent } from '../processing/triggers.js';

export async function ensembleToAggregate(
  repository: Pick<SimulationRepository, 'get'>,
  event: ResultsEvent,
  outcome: Outcome,
): Promise<string | undefined> {
  const endedWithoutResults =
    event['detail-type'] === DetailType.SimulationStatusChanged &&
    event.detail.terminal === true &&
    event.detail.to !== 'SUCCEEDED';
  const resultsEnded = outcome === 'ready' || outcome === 'failed' || outcome === 'announced';
  if (!endedWithoutResults && !resultsEnded) return undefined;
  return (await repository.get(event.detail.simulationId))?.ensembleId;
}
