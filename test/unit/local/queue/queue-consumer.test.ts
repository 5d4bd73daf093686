import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { LocalQueue, type LocalQueueOptions } from '#local/queue/local-queue.js';
import {
  HandlerInvocationError,
  InvalidBatchResponseError,
  interpretBatchResponse,
  startQueueConsumer,
  type QueueConsumer,
  type QueueConsumerOptions,
} from '#local/queue/queue-consumer.js';

/** Waits until `cond` holds, polling; fails only after a generous timeout. */
async function waitFor(cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

class FakeClock {
  t = Date.UTC(2025, 0, 1);
  now = (): number => this.t;
  advance(seconds: number): void {
    this.t += seconds * 1000;
  }
}

let dir: string;
let clock: FakeClock;
const queues: LocalQueue[] = [];
const consumers: QueueConsumer[] = [];

async function openQueue(overrides: Partial<LocalQueueOptions> = {}): Promise<LocalQueue> {
  const q = await LocalQueue.open({
    name: 'execution-poller',
    dir,
    visibilityTimeoutSeconds: 30,
    now: clock.now,
    ...overrides,
  });
  queues.push(q);
  return q;
}

function consume(q: LocalQueue, opts: Partial<QueueConsumerOptions> & Pick<QueueConsumerOptions, 'handler'>) {
  const errors: unknown[] = [];
  const c = startQueueConsumer(q, {
    batchSize: 10,
    reportBatchItemFailures: true,
    pollIntervalMs: 20,
    onError: (e) => errors.push(e),
    ...opts,
  });
  consumers.push(c);
  return { consumer: c, errors };
}

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gcr-consumer-'));
  clock = new FakeClock();
});

afterEach(async () => {
  for (const c of consumers.splice(0)) await c.stop();
  for (const q of queues.splice(0)) await q.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const empty = (q: LocalQueue): boolean => {
  const s = q.stats();
  return s.visible === 0 && s.inFlight === 0 && s.delayed === 0;
};

describe('startQueueConsumer', () => {
  it('invokes the handler with an SQSEvent shaped like AWS and deletes the batch on success', async () => {
    const q = await openQueue();
    const ids = await q.sendBatch(['{"n":1}', '{"n":2}', '{"n":3}']);
    const events: SQSEvent[] = [];
    consume(q, { handler: async (e) => void events.push(e) });
    await waitFor(() => events.length === 1 && empty(q), 'the batch to be handled and deleted');
    const records = events[0]!.Records;
    expect(records.map((r) => r.messageId)).toEqual(ids);
    expect(records[0]).toEqual({
      messageId: ids[0],
      receiptHandle: expect.any(String),
      body: '{"n":1}',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(clock.t),
        SenderId: '000000000000',
        ApproximateFirstReceiveTimestamp: String(clock.t),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update('{"n":1}').digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:execution-poller',
      awsRegion: 'us-east-1',
    });
  });

  it('deletes nothing when the handler throws; the messages come back after the visibility timeout', async () => {
    const q = await openQueue();
    await q.sendBatch(['a', 'b', 'c']);
    const seen: SQSEvent[] = [];
    const { errors } = consume(q, {
      handler: async (e) => {
        seen.push(e);
        if (seen.length === 1) throw new Error('database unavailable');
      },
    });
    await waitFor(() => errors.length === 1, 'the handler failure to be reported');
    expect(errors[0]).toBeInstanceOf(HandlerInvocationError);
    expect((errors[0] as Error).message).toMatch(/database unavailable/);
    expect(q.stats()).toEqual({ visible: 0, inFlight: 3, delayed: 0 });
    clock.advance(30);
    await waitFor(() => seen.length === 2 && empty(q), 'the retry to succeed');
    expect(seen[1]!.Records.map((r) => r.body)).toEqual(['a', 'b', 'c']);
    expect(seen[1]!.Records.every((r) => r.attributes.ApproximateReceiveCount === '2')).toBe(true);
  });

  it('with ReportBatchItemFailures keeps only the reported messages', async () => {
    const q = await openQueue();
    await q.sendBatch(['ok-1', 'fail-1', 'ok-2', 'fail-2']);
    const seen: SQSEvent[] = [];
    consume(q, {
      handler: async (e): Promise<SQSBatchResponse> => {
        seen.push(e);
        return {
          batchItemFailures: e.Records.filter((r) => r.body.startsWith('fail')).map((r) => ({
            itemIdentifier: r.messageId,
          })),
        };
      },
    });
    await waitFor(
      () => seen.length === 1 && q.stats().inFlight === 2 && q.stats().visible === 0,
      'partial delete',
    );
    clock.advance(30);
    await waitFor(() => seen.length === 2, 'the failed ones to come back');
    expect(seen[1]!.Records.map((r) => r.body)).toEqual(['fail-1', 'fail-2']);
  });

  it('fails the whole batch when an itemIdentifier is not a message of the batch', async () => {
    const q = await openQueue();
    await q.sendBatch(['a', 'b']);
    let calls = 0;
    const { errors } = consume(q, {
      handler: async () => {
        calls++;
        return { batchItemFailures: [{ itemIdentifier: 'no-such-message' }] };
      },
    });
    await waitFor(() => errors.length === 1, 'the invalid response to be reported');
    expect(errors[0]).toBeInstanceOf(InvalidBatchResponseError);
    expect(calls).toBe(1);
    expect(q.stats()).toEqual({ visible: 0, inFlight: 2, delayed: 0 });
  });

  it('ignores the response when ReportBatchItemFailures is off', async () => {
    const q = await openQueue();
    await q.sendBatch(['a', 'b']);
    let calls = 0;
    consume(q, {
      reportBatchItemFailures: false,
      handler: async (e) => {
        calls++;
        return { batchItemFailures: [{ itemIdentifier: e.Records[0]!.messageId }] };
      },
    });
    await waitFor(() => calls === 1 && empty(q), 'every message to be deleted');
  });

  it('moves a message that keeps failing to the DLQ through the redrive policy', async () => {
    const dlq = await openQueue({ name: 'execution-poller-dlq' });
    const q = await openQueue({ maxReceiveCount: 2, deadLetterQueue: dlq });
    await q.send('poison');
    let calls = 0;
    const { errors } = consume(q, {
      handler: async () => {
        calls++;
        throw new Error('cannot parse');
      },
    });
    await waitFor(() => calls === 1, 'first attempt');
    clock.advance(30);
    await waitFor(() => calls === 2, 'second attempt');
    clock.advance(30);
    await waitFor(() => dlq.stats().visible === 1, 'the redrive');
    expect(calls).toBe(2);
    expect(errors).toHaveLength(2);
    expect(empty(q)).toBe(true);
  });

  it('wakes on send instead of waiting for the poll interval', async () => {
    const q = await openQueue({ now: undefined });
    const bodies: string[] = [];
    consume(q, {
      pollIntervalMs: 10 * 60_000, // if wake-ups relied on polling, this test would time out
      handler: async (e) => void bodies.push(...e.Records.map((r) => r.body)),
    });
    await new Promise((r) => setTimeout(r, 20)); // let the pollers go idle
    await q.send('first');
    await waitFor(() => bodies.length === 1, 'the first message');
    await q.send('second');
    await waitFor(() => bodies.length === 2, 'the second message');
    expect(bodies).toEqual(['first', 'second']);
  }, 30_000);

  it('never runs more than maxConcurrency invocations at once', async () => {
    const q = await openQueue({ now: undefined });
    await q.sendBatch(Array.from({ length: 12 }, (_, i) => `m${i}`));
    let active = 0;
    let peak = 0;
    let handled = 0;
    const gates: Array<() => void> = [];
    consume(q, {
      batchSize: 1,
      maxConcurrency: 3,
      handler: async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise<void>((r) => gates.push(r));
        active--;
        handled++;
      },
    });
    await waitFor(() => active === 3, 'three concurrent invocations');
    while (handled < 12) {
      await waitFor(() => gates.length > 0 || handled === 12, 'a waiting invocation');
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    expect(peak).toBe(3);
    await waitFor(() => empty(q), 'all deletes');
  }, 30_000);

  it('gathers up to batchSize within the batching window', async () => {
    const q = await openQueue({ now: undefined });
    const sizes: number[] = [];
    consume(q, {
      batchSize: 25,
      maximumBatchingWindowSeconds: 1,
      maxConcurrency: 1,
      handler: async (e) => void sizes.push(e.Records.length),
    });
    await q.sendBatch(Array.from({ length: 5 }, (_, i) => `early-${i}`));
    await q.sendBatch(Array.from({ length: 20 }, (_, i) => `late-${i}`));
    await q.sendBatch(Array.from({ length: 3 }, (_, i) => `next-${i}`));
    await waitFor(() => sizes.reduce((a, b) => a + b, 0) === 28, 'every message');
    expect(sizes[0]).toBe(25);
    expect(sizes[1]).toBe(3);
  }, 30_000);

  it('stop() waits for the invocation in flight and its deletes', async () => {
    const q = await openQueue();
    await q.send('slow');
    let release!: () => void;
    let started = false;
    let finished = false;
    const { consumer } = consume(q, {
      handler: async () => {
        started = true;
        await new Promise<void>((r) => (release = r));
        finished = true;
      },
    });
    await waitFor(() => started, 'the invocation to start');
    let stopped = false;
    const stopping = consumer.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(true);
    expect(empty(q)).toBe(true);
  });

  it('refuses a batchSize above 10 without a batching window, as AWS does', async () => {
    const q = await openQueue();
    expect(() =>
      startQueueConsumer(q, { batchSize: 100, reportBatchItemFailures: false, handler: async () => {} }),
    ).toThrow(/needs maximumBatchingWindowSeconds/);
  });
});

describe('interpretBatchResponse', () => {
  const ids = ['m1', 'm2', 'm3'];
  it('treats an empty, null or absent response as complete success', () => {
    for (const r of [undefined, null, {}, { batchItemFailures: [] }, { batchItemFailures: null }]) {
      expect(interpretBatchResponse(r, ids)).toEqual({ kind: 'success' });
    }
  });
  it('returns the reported identifiers as the failed ones', () => {
    expect(interpretBatchResponse({ batchItemFailures: [{ itemIdentifier: 'm2' }] }, ids)).toEqual({
      kind: 'partial',
      failedMessageIds: ['m2'],
    });
  });
  it('treats an empty, null, misnamed or unknown identifier as complete failure', () => {
    for (const r of [
      { batchItemFailures: [{ itemIdentifier: '' }] },
      { batchItemFailures: [{ itemIdentifier: null }] },
      { batchItemFailures: [{ id: 'm1' }] },
      { batchItemFailures: [{ itemIdentifier: 'm9' }] },
      { batchItemFailures: 'm1' },
      'not an object',
    ]) {
      expect(interpretBatchResponse(r, ids).kind).toBe('failure');
    }
  });
});
