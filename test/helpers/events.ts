import { randomUUID } from 'node:crypto';
import {
  parseDeliveredEvent,
  type DeliverableDetailType,
  type DeliveredEvent,
} from '#shared/kernel/events/delivered-event.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
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
