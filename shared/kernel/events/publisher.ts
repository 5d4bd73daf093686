import {
  PutEventsCommand,
  type EventBridgeClient,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { countBusinessEvents } from './business-metrics.js';

/** An event to put on the bus; `detail` is serialised as JSON. */
export interface OutgoingEvent {
  source: string;
  detailType: string;
  detail: object;
  resources?: string[];
  time?: Date;
}

export interface EventPublisher {
  publish(events: OutgoingEvent[]): Promise<void>;
}

export class PublishError extends Error {
  constructor(
    message: string,
    readonly failed: { entry: PutEventsRequestEntry; errorCode?: string; errorMessage?: string }[],
  ) {
    super(message);
    this.name = 'PublishError';
  }
}

/** PutEvents accepts at most 10 entries and 256 KB per call. */
export const MAX_ENTRIES_PER_CALL = 10;
export const MAX_BYTES_PER_CALL = 256 * 1024;

/**
 * The size EventBridge counts for one entry: UTF-8 bytes of Source, DetailType,
 * Detail and each Resources string, plus 14 bytes when Time is set.
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time ? 14 : 0;
  for (const part of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (part) size += Buffer.byteLength(part, 'utf8');
  }
  return size;
}

/** Splits entries into calls of at most 10 entries and 256 KB, keeping order. */
export function batchEntries(entries: PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  const batches: PutEventsRequestEntry[][] = [];
  let current: PutEventsRequestEntry[] = [];
  let currentBytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (size > MAX_BYTES_PER_CALL) {
      throw new PublishError(`event ${entry.DetailType} is ${size} bytes; EventBridge takes at most 256 KB`, [
        { entry },
      ]);
    }
    if (current.length === MAX_ENTRIES_PER_CALL || currentBytes + size > MAX_BYTES_PER_CALL) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(entry);
    currentBytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export interface PublisherOptions {
  client: EventBridgeClient;
  eventBusName: string;
  /** Attempts per entry, including the first. */
  maxAttempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Publishes through PutEvents in batches, retrying only the entries that failed
 * (PutEvents is not all-or-nothing) with exponential backoff and full jitter;
 * then counts the business metrics of what it published (business-metrics.ts).
 */
export function createEventBridgePublisher(options: PublisherOptions): EventPublisher {
  const { client, eventBusName, maxAttempts = 5, baseDelayMs = 100, sleep = defaultSleep } = options;

  async function putWithRetry(batch: PutEventsRequestEntry[]): Promise<void> {
    let pending = batch;
    for (let attempt = 1; ; attempt++) {
      const response = await client.send(new PutEventsCommand({ Entries: pending }));
      if (!response.FailedEntryCount) return;
      const results = response.Entries ?? [];
      const failed = pending
        .map((entry, i) => ({
          entry,
          errorCode: results[i]?.ErrorCode,
          errorMessage: results[i]?.ErrorMessage,
        }))
        .filter((r) => r.errorCode !== undefined);
      if (attempt >= maxAttempts) {
        throw new PublishError(
          `${failed.length} event(s) not accepted by EventBridge after ${attempt} attempts: ${failed[0]?.errorCode ?? 'unknown'}`,
          failed,
        );
      }
      pending = failed.map((f) => f.entry);
      await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 1));
    }
  }

  return {
    async publish(events) {
      if (events.length === 0) return;
      const entries: PutEventsRequestEntry[] = events.map((event) => ({
        EventBusName: eventBusName,
        Source: event.source,
        DetailType: event.detailType,
        Detail: JSON.stringify(event.detail),
        Resources: event.resources,
        Time: event.time,
      }));
      for (const batch of batchEntries(entries)) await putWithRetry(batch);
      countBusinessEvents(events);
    },
  };
}
