import type { JobDescription } from '#shared/kernel/compute/backend.js';
import { DetailType } from '#shared/kernel/events/catalog.js';
import type { SimulationPollRequestedDetail } from '#schemas/generated/types.js';
import { withFreshRead } from './apply.js';
import { cancel, observeJob, pollSimulations } from './observe.js';
import type { PollerPorts } from './ports.js';
import { submitPending } from './submit-pending.js';

/** An EventBridge event as the rule delivers it to the poller's queue. */
export interface DeliveredEvent {
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
}

export class UnknownEventError extends Error {
  override readonly name = 'UnknownEventError';
}

const JOB_NAME = /^gcr-(sim_[0-9a-z]{26})$/;

/**
 * One message of the poller's queue. Every path re-reads the simulation and
 * writes conditionally, so a message delivered twice, or events out of order,
 * leave the same final state and one event per transition.
 */
export async function processEvent(
  ports: PollerPorts,
  event: DeliveredEvent,
  jobFromBatchEvent: (detail: unknown) => JobDescription | undefined,
): Promise<void> {
  const type = event['detail-type'];
  if (type === DetailType.SimulationPollRequested) {
    const detail = event.detail as unknown as SimulationPollRequestedDetail;
    await pollSimulations(
      ports,
      detail.backend,
      detail.simulations.map((s) => s.simulationId),
    );
  } else if (type === DetailType.SimulationSubmitted) {
    await submitPending(ports, String(event.detail['simulationId']));
  } else if (type === DetailType.SimulationStatusChanged) {
    if (event.detail['to'] !== 'CANCELLING') return;
    await withFreshRead(ports, String(event.detail['simulationId']), (simulation) =>
      cancel(ports, simulation),
    );
  } else if (type === 'Batch Job State Change') {
    const job = jobFromBatchEvent(event.detail);
    const simulationId = job ? JOB_NAME.exec(job.jobName)?.[1] : undefined;
    if (!job || !simulationId) return; // not one of ours
    await observeJob(ports, simulationId, job);
  } else {
    throw new UnknownEventError(`the poller does not handle "${type}" events from ${event.source}`);
  }
}
