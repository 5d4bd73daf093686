import type { JobDescription } from '#shared/kernel/compute/backend.js';
import { BatchJobStateChange, DetailType } from '#shared/kernel/events/catalog.js';
import type { DeliveredEvent } from '#shared/kernel/events/delivered-event.js';
import { withFreshRead } from './apply.js';
import { observeBatchEvent, type BatchEventOutcome } from './batch-event.js';
import { cancel, pollSimulations } from './observe.js';
import type { PollerPorts } from './ports.js';
import { submitPending } from './submit-pending.js';

/** The events the poller's queue receives (its rules in serverless.yml). */
export const POLLER_EVENTS = [
  DetailType.SimulationPollRequested,
  DetailType.SimulationSubmitted,
  DetailType.SimulationStatusChanged,
  BatchJobStateChange.detailType,
] as const;

export type PollerEvent = DeliveredEvent<(typeof POLLER_EVENTS)[number]>;

/**
 * One message of the poller's queue. Every path re-reads the simulation and
 * writes conditionally, so a message delivered twice, or events out of order,
 * leave the same final state and one event per transition. For a Batch job
 * state change, says what became of it (batch-event.ts).
 */
export async function processEvent(
  ports: PollerPorts,
  event: PollerEvent,
  jobFromBatchEvent: (detail: unknown) => JobDescription,
): Promise<BatchEventOutcome | undefined> {
  switch (event['detail-type']) {
    case DetailType.SimulationPollRequested:
      await pollSimulations(
        ports,
        event.detail.backend,
        event.detail.simulations.map((s) => s.simulationId),
      );
      return;
    case DetailType.SimulationSubmitted:
      await submitPending(ports, event.detail.simulationId);
      return;
    case DetailType.SimulationStatusChanged:
      // A pause: the same look as a poll's (a queued job is stopped at once).
      if (event.detail.to === 'PAUSING') {
        const { simulationId } = event.detail;
        const backend = event.detail.backend ?? (await ports.repository.get(simulationId))?.backend;
        if (backend) await pollSimulations(ports, backend, [simulationId]);
        return;
      }
      if (event.detail.to !== 'CANCELLING') return;
      await withFreshRead(ports, event.detail.simulationId, (simulation) => cancel(ports, simulation));
      return;
    case BatchJobStateChange.detailType:
      return observeBatchEvent(ports, jobFromBatchEvent(event.detail));
  }
}
