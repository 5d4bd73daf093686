import { randomUUID } from 'node:crypto';
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import {
  simulationResultsRequested,
  simulationStatusChanged,
  simulationSubmitted,
  Source,
} from '#shared/kernel/events/catalog.js';
import {
  parseDeliveredEvent,
  type DeliverableDetailType,
  type DeliveredEvent,
} from '#shared/kernel/events/delivered-event.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import type { Simulation, SimulationStatus } from '#schemas/generated/types.js';
import type { BusEvent } from '#local/eventbridge/bus.js';

/** The SQS message body a rule delivers for a published event: the whole EventBridge event. */
export function deliveredBody(event: OutgoingEvent, id: string = randomUUID()): string {
  const delivered: BusEvent = {
    version: '0',
    id,
    'detail-type': event.detailType,
    source: event.source,
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: event.resources ?? [],
    detail: event.detail as Record<string, unknown>,
  };
  return JSON.stringify(delivered);
}

/** A published event as a consumer that `accepts` its detail type receives it. */
export function delivered<K extends DeliverableDetailType>(
  event: OutgoingEvent,
  accepts: readonly K[],
): DeliveredEvent<K> {
  return parseDeliveredEvent(deliveredBody(event), accepts);
}

/** `Simulation Submitted`, as the submission service publishes it for `simulation`. */
export function submittedEvent(simulation: Simulation): OutgoingEvent {
  return simulationSubmitted({
    simulationId: simulation.id,
    owner: simulation.owner,
    name: simulation.name,
    backend: simulation.backend,
    submittedAt: simulation.createdAt,
  });
}

/**
 * `Simulation Status Changed` of `simulation` to `to`: from the submission
 * service for a cancel, from the poller otherwise (as the catalog has it).
 */
export function statusChangedEvent(
  simulation: Simulation,
  to: SimulationStatus,
  options: { version?: number } = {},
): OutgoingEvent {
  return simulationStatusChanged(to === 'CANCELLING' ? Source.submission : Source.executionPoller, {
    simulationId: simulation.id,
    owner: simulation.owner,
    from: simulation.status,
    to,
    reason: `to ${to} in a test`,
    version: options.version ?? simulation.version + 1,
    at: '2026-01-01T00:00:00Z',
  });
}

/** `Simulation Results Requested` for `simulation`, as POST /simulations/{id}/results publishes it. */
export function resultsRequestedEvent(
  simulation: Simulation,
  options: { requestId?: string; species?: string[] } = {},
): OutgoingEvent {
  return simulationResultsRequested({
    simulationId: simulation.id,
    owner: simulation.owner,
    requestedBy: 'alice',
    requestedAt: '2026-01-02T00:00:00.000Z',
    ...options,
  });
}

/** A mocked EventBridge client that accepts every entry of every PutEvents call. */
export function acceptEveryEntry(eventBridge: AwsClientStub<EventBridgeClient>): void {
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })),
  }));
}
