import type { JobDescription } from '#shared/kernel/compute/backend.js';
import { BatchJobStateChange, DetailType } from '#shared/kernel/events/catalog.js';
import type { DeliveredEvent } from '#shared/kernel/events/delivered-event.js';
import { withFreshRead } from './apply.js';
import { cancel, observeJob, pollSimulations } from './observe.js';
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

const JOB_NAME = /^gcr-(sim_[0-9a-z]{26})$/;

/**
 * One message of the poller's queue. Every path re-reads the simulation and
 * writes conditionally, so a message delivered twice, or events out of order,
 * leave the same final state and one event per transition.
 */
export async function processEvent(
  ports: PollerPorts,
  event: PollerEvent,
  jobFromBatchEvent: (detail: unknown) => JobDescription,
): Promise<void> {
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
      if (event.detail.to !== 'CANCELLING') return;
      await withFreshRead(ports, event.detail.simulationId, (simulation) => cancel(ports, simulation));
      return;
    case BatchJobStateChange.detailType: {
      const job = jobFromBatchEvent(event.detail);
      const simulationId = JOB_NAME.exec(job.jobName)?.[1];
      if (!simulationId) return; // not one of ours
      await observeJob(ports, simulationId, job);
      return;
    }
  }
}
