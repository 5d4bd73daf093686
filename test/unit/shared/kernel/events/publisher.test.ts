import { describe, expect, it, beforeEach } from '@jest/globals';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import {
  batchEntries,
  createEventBridgePublisher,
  entrySize,
  PublishError,
  type OutgoingEvent,
} from '#shared/kernel/events/publisher.js';
import { acceptEveryEntry } from '#test/helpers/events.js';

const eventBridge = mockClient(EventBridgeClient);

function events(count: number, detailBytes = 10): OutgoingEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    source: 'gcr.test',
    detailType: 'Test Event',
    detail: { i, pad: 'x'.repeat(detailBytes) },
  }));
}

const noSleep = async () => undefined;

describe('event publisher', () => {
  beforeEach(() => {
    eventBridge.reset();
  });

  it('sends 25 events as PutEvents calls of 10, 10 and 5 entries on the named bus', async () => {
    acceptEveryEntry(eventBridge);
    const publisher = createEventBridgePublisher({
      client: new EventBridgeClient({}),
      eventBusName: 'gcr-test',
    });
    await publisher.publish(events(25));
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 5]);
    expect(calls[0]!.args[0].input.Entries?.[0]).toMatchObject({
      EventBusName: 'gcr-test',
      Source: 'gcr.test',
      DetailType: 'Test Event',
    });
  });

  it('splits by size so no call exceeds 256 KB', () => {
    const big = events(5, 100 * 1024).map((e) => ({
      Source: e.source,
      DetailType: e.detailType,
      Detail: JSON.stringify(e.detail),
    }));
    const batches = batchEntries(big);
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
    for (const batch of batches)
      expect(batch.reduce((s, e) => s + entrySize(e), 0)).toBeLessThanOrEqual(256 * 1024);
  });

  it('refuses a single event over 256 KB with a PublishError naming it', () => {
    const entry = { Source: 's', DetailType: 'Huge', Detail: 'x'.repeat(256 * 1024 + 1) };
    expect(() => batchEntries([entry])).toThrow(/Huge is \d+ bytes/);
  });

  it('retries only the entries that failed, until they are accepted', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 2,
        Entries: [
          { EventId: 'a' },
          { ErrorCode: 'ThrottlingException' },
          { EventId: 'c' },
          { ErrorCode: 'InternalFailure' },
        ],
      })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }, { EventId: 'd' }] });
    const publisher = createEventBridgePublisher({
      client: new EventBridgeClient({}),
      eventBusName: 'bus',
      sleep: noSleep,
    });
    await publisher.publish(events(4));
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(2);
    const retried = calls[1]!.args[0].input.Entries!.map((e) => JSON.parse(e.Detail!).i);
    expect(retried).toEqual([1, 3]);
  });

  it('gives up after maxAttempts with a PublishError listing what failed', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'boom' }] });
    const publisher = createEventBridgePublisher({
      client: new EventBridgeClient({}),
      eventBusName: 'bus',
      maxAttempts: 3,
      sleep: noSleep,
    });
    const failure = publisher.publish(events(1));
    await expect(failure).rejects.toBeInstanceOf(PublishError);
    await expect(failure).rejects.toMatchObject({ failed: [{ errorCode: 'InternalFailure' }] });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(3);
  });

  it('makes no call for an empty list', async () => {
    const publisher = createEventBridgePublisher({ client: new EventBridgeClient({}), eventBusName: 'bus' });
    await publisher.publish([]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
