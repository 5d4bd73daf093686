import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { LocalQueue, LocalQueueError, type LocalQueueOptions } from '#local/queue/local-queue.js';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

class FakeClock {
  t = T0;
  now = (): number => this.t;
  advance(seconds: number): void {
    this.t += seconds * 1000;
  }
}

let dir: string;
let clock: FakeClock;
const opened: LocalQueue[] = [];

async function openQueue(overrides: Partial<LocalQueueOptions> = {}): Promise<LocalQueue> {
  const q = await LocalQueue.open({
    name: 'poll-requests',
    dir,
    visibilityTimeoutSeconds: 30,
    now: clock.now,
    ...overrides,
  });
  opened.push(q);
  return q;
}

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gcr-queue-'));
  clock = new FakeClock();
});

afterEach(async () => {
  for (const q of opened.splice(0)) await q.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('LocalQueue basics', () => {
  it('has the SQS ARN of a local account and returns received messages shaped like SQS', async () => {
    const q = await openQueue();
    expect(q.arn).toBe('arn:aws:sqs:us-east-1:000000000000:poll-requests');
    const id = await q.send('{"hello":"world"}');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    clock.advance(2);
    const [m, ...rest] = await q.receive(10);
    expect(rest).toHaveLength(0);
    expect(m).toEqual({
      messageId: id,
      receiptHandle: expect.any(String),
      body: '{"hello":"world"}',
      md5OfBody: createHash('md5').update('{"hello":"world"}').digest('hex'),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(T0),
        ApproximateFirstReceiveTimestamp: String(T0 + 2000),
        SenderId: '000000000000',
      },
    });
  });

  it('returns at most max messages, oldest first, and sendBatch keeps order', async () => {
    const q = await openQueue();
    const ids = await q.sendBatch(['a', 'b', 'c', 'd', 'e']);
    expect(ids).toHaveLength(5);
    const first = await q.receive(3);
    expect(first.map((m) => m.body)).toEqual(['a', 'b', 'c']);
    const second = await q.receive(10);
    expect(second.map((m) => m.body)).toEqual(['d', 'e']);
    expect(await q.receive(10)).toEqual([]);
  });

  it('refuses invalid names, bodies and arguments with a clear error', async () => {
    await expect(LocalQueue.open({ name: 'bad name!', dir, visibilityTimeoutSeconds: 30 })).rejects.toThrow(
      /queue name "bad name!" is invalid/,
    );
    await expect(
      LocalQueue.open({ name: 'q', dir, visibilityTimeoutSeconds: 30, maxReceiveCount: 3 }),
    ).rejects.toThrow(/needs both maxReceiveCount and deadLetterQueue/);
    const q = await openQueue();
    await expect(q.send('')).rejects.toThrow(/non-empty/);
    await expect(q.send('bad \u0000 char')).rejects.toThrow(/U\+0000/);
    await expect(q.send('x', { delaySeconds: 901 })).rejects.toThrow(
      /delaySeconds must be an integer from 0 to 900/,
    );
    await expect(q.receive(0)).rejects.toBeInstanceOf(LocalQueueError);
  });
});

describe('visibility timeout', () => {
  it('hides a received message for the timeout, then shows it again with a new receipt handle', async () => {
    const q = await openQueue();
    const id = await q.send('job');
    const [first] = await q.receive(1);
    expect(q.stats()).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    clock.advance(29.999);
    expect(await q.receive(10)).toEqual([]);
    clock.advance(0.001);
    expect(q.stats()).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
    const [second] = await q.receive(1);
    expect(second?.messageId).toBe(id);
    expect(second?.receiptHandle).not.toBe(first?.receiptHandle);
    expect(second?.attributes.ApproximateReceiveCount).toBe('2');
    expect(second?.attributes.ApproximateFirstReceiveTimestamp).toBe(String(T0));
  });

  it('returns a message once per receive even with a visibility timeout of 0 (a peek)', async () => {
    const q = await openQueue();
    await q.sendBatch(['a', 'b']);
    const peek = await q.receive(10, { visibilityTimeoutSeconds: 0 });
    expect(peek.map((m) => m.body).sort()).toEqual(['a', 'b']);
    expect(peek.map((m) => m.attributes.ApproximateReceiveCount)).toEqual(['1', '1']);
    // Still visible: the next peek sees both again, each once.
    expect((await q.receive(10, { visibilityTimeoutSeconds: 0 })).map((m) => m.body).sort()).toEqual([
      'a',
      'b',
    ]);
  });

  it('uses the visibility timeout given to receive instead of the queue default', async () => {
    const q = await openQueue();
    await q.send('job');
    await q.receive(1, { visibilityTimeoutSeconds: 5 });
    clock.advance(4);
    expect(await q.receive(1)).toHaveLength(0);
    clock.advance(1);
    expect(await q.receive(1)).toHaveLength(1);
  });

  it('changeVisibility extends or ends the timeout; a superseded handle is refused', async () => {
    const q = await openQueue();
    await q.send('job');
    const [m] = await q.receive(1);
    await q.changeVisibility(m!.receiptHandle, 120);
    clock.advance(60);
    expect(await q.receive(1)).toHaveLength(0);
    await q.changeVisibility(m!.receiptHandle, 0);
    const [again] = await q.receive(1);
    expect(again?.body).toBe('job');
    await expect(q.changeVisibility(m!.receiptHandle, 10)).rejects.toMatchObject({
      code: 'ReceiptHandleIsInvalid',
    });
  });
});

describe('delete', () => {
  it('is final: a deleted message never comes back', async () => {
    const q = await openQueue();
    await q.send('job');
    const [m] = await q.receive(1);
    await q.delete(m!.receiptHandle);
    clock.advance(3600);
    expect(await q.receive(10)).toEqual([]);
    expect(q.stats()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    await expect(q.delete(m!.receiptHandle)).resolves.toBeUndefined(); // deleting twice is fine
  });

  it('ignores a stale receipt handle (the message was received again since)', async () => {
    const q = await openQueue();
    await q.send('job');
    const [first] = await q.receive(1);
    clock.advance(30);
    const [second] = await q.receive(1);
    await q.delete(first!.receiptHandle);
    expect(q.stats().inFlight).toBe(1);
    await q.delete('not-a-handle');
    await q.delete(second!.receiptHandle);
    expect(q.stats()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });
});

describe('redrive to a dead-letter queue', () => {
  it('moves a message to the DLQ on the receive that would exceed maxReceiveCount', async () => {
    const dlq = await openQueue({ name: 'poll-requests-dlq' });
    const q = await openQueue({ maxReceiveCount: 2, deadLetterQueue: dlq });
    const id = await q.send('poison');
    expect((await q.receive(1))[0]?.attributes.ApproximateReceiveCount).toBe('1');
    clock.advance(30);
    expect((await q.receive(1))[0]?.attributes.ApproximateReceiveCount).toBe('2');
    clock.advance(30);
    expect(await q.receive(10)).toEqual([]);
    expect(q.stats()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    const [dead] = await dlq.receive(10);
    expect(dead).toMatchObject({
      messageId: id,
      body: 'poison',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(T0),
        DeadLetterQueueSourceArn: q.arn,
      },
    });
  });

  it('keeps the redriven message across a restart of both queues', async () => {
    const dlq = await openQueue({ name: 'dlq' });
    const q = await openQueue({ maxReceiveCount: 1, deadLetterQueue: dlq });
    await q.send('poison');
    await q.receive(1);
    clock.advance(30);
    await q.receive(1);
    await q.close();
    await dlq.close();
    const dlq2 = await openQueue({ name: 'dlq' });
    const q2 = await openQueue({ maxReceiveCount: 1, deadLetterQueue: dlq2 });
    expect(q2.stats()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect((await dlq2.receive(10)).map((m) => m.body)).toEqual(['poison']);
  });
});

describe('delay and retention', () => {
  it('delays a message by its own delaySeconds or the queue default', async () => {
    const q = await openQueue({ delaySeconds: 10, visibilityTimeoutSeconds: 600 });
    await q.send('default-delay');
    await q.send('own-delay', { delaySeconds: 60 });
    await q.send('no-delay', { delaySeconds: 0 });
    expect(q.stats()).toEqual({ visible: 1, inFlight: 0, delayed: 2 });
    expect((await q.receive(10)).map((m) => m.body)).toEqual(['no-delay']);
    clock.advance(10);
    expect((await q.receive(10)).map((m) => m.body)).toEqual(['default-delay']);
    clock.advance(49);
    expect(await q.receive(10)).toEqual([]);
    clock.advance(1);
    expect((await q.receive(10)).map((m) => m.body)).toEqual(['own-delay']);
  });

  it('drops messages older than the retention period', async () => {
    const q = await openQueue({ messageRetentionSeconds: 60 });
    await q.send('old');
    clock.advance(30);
    await q.send('young');
    clock.advance(30);
    expect(q.stats().visible).toBe(1);
    expect((await q.receive(10)).map((m) => m.body)).toEqual(['young']);
  });
});

describe('persistence', () => {
  it('keeps sent-but-not-deleted messages across close and reopen, and forgets deleted ones', async () => {
    const q = await openQueue();
    await q.sendBatch(['kept-visible', 'deleted', 'in-flight']);
    await q.send('delayed', { delaySeconds: 100 });
    const [a, b, c] = await q.receive(3);
    expect([a?.body, b?.body, c?.body]).toEqual(['kept-visible', 'deleted', 'in-flight']);
    await q.changeVisibility(a!.receiptHandle, 0);
    await q.delete(b!.receiptHandle);
    await q.close();

    clock.advance(10);
    const reopened = await openQueue();
    // The in-flight message keeps its visibility timeout (20 s left); the delayed one its delay.
    expect(reopened.stats()).toEqual({ visible: 1, inFlight: 1, delayed: 1 });
    const [visible] = await reopened.receive(10);
    expect(visible?.body).toBe('kept-visible');
    expect(visible?.attributes.ApproximateReceiveCount).toBe('2');
    await reopened.delete(visible!.receiptHandle);
    // A receipt handle from before the restart still works.
    await reopened.delete(c!.receiptHandle);
    clock.advance(100);
    expect((await reopened.receive(10)).map((m) => m.body)).toEqual(['delayed']);
  });

  it('survives many operations with compaction, keeping the journal proportional to live messages', async () => {
    const q = await openQueue({ compactAfterRecords: 50 });
    for (let round = 0; round < 20; round++) {
      await q.sendBatch(Array.from({ length: 10 }, (_, i) => `r${round}-m${i}`));
      const got = await q.receive(10);
      // delete half, leave the other half in flight
      await q.deleteBatch(got.filter((_, i) => i % 2 === 0).map((m) => m.receiptHandle));
    }
    await q.close();
    // 500 operations were journaled; compaction kept the file near twice the live set.
    const before = (await fs.readFile(q.journalPath, 'utf8')).trim().split('\n');
    expect(before.length).toBeLessThanOrEqual(200);
    const reopened = await openQueue({ compactAfterRecords: 50 });
    const after = (await fs.readFile(q.journalPath, 'utf8')).trim().split('\n');
    expect(after.length).toBe(100); // compacted at open: one line per live message
    expect(reopened.stats()).toEqual({ visible: 0, inFlight: 100, delayed: 0 });
    clock.advance(30);
    const bodies = new Set<string>();
    for (let got = await reopened.receive(1000); got.length > 0; got = await reopened.receive(1000)) {
      for (const m of got) bodies.add(m.body);
    }
    expect(bodies.size).toBe(100);
    expect(bodies.has('r0-m1')).toBe(true);
    expect(bodies.has('r0-m0')).toBe(false);
  });

  it('ignores a torn last line left by a crash mid-write', async () => {
    const q = await openQueue();
    await q.send('survivor');
    await q.close();
    await fs.appendFile(q.journalPath, '{"o":"p","i":"torn","b":"half');
    const reopened = await openQueue();
    expect(reopened.corruptRecordsAtOpen).toBe(1);
    expect((await reopened.receive(10)).map((m) => m.body)).toEqual(['survivor']);
    await reopened.send('after');
    await reopened.close();
    const again = await openQueue();
    expect(again.stats().visible).toBe(1);
    expect(again.stats().inFlight).toBe(1);
  });

  it('makes each operation durable before its promise resolves', async () => {
    const q = await openQueue();
    await q.send('durable');
    // Read the journal while the queue is still open: the send is already on disk.
    const text = await fs.readFile(q.journalPath, 'utf8');
    expect(text).toContain('"durable"');
  });

  it('handles 10,000 messages through send, receive and delete without rewriting the file per operation', async () => {
    const q = await openQueue();
    const N = 10_000;
    const sends: Promise<string>[] = [];
    for (let i = 0; i < N; i++) sends.push(q.send(`{"simulationId":"sim-${i}"}`));
    await Promise.all(sends);
    let done = 0;
    while (done < N) {
      const got = await q.receive(10);
      expect(got.length).toBeGreaterThan(0);
      await q.deleteBatch(got.map((m) => m.receiptHandle));
      done += got.length;
    }
    expect(q.stats()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    await q.close();
    const reopened = await openQueue();
    expect(reopened.stats()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  }, 60_000);
});

describe('long polling and wake-ups', () => {
  it('a receive with waitTimeSeconds returns as soon as a message is sent', async () => {
    const q = await openQueue({ now: undefined });
    const pending = q.receive(10, { waitTimeSeconds: 20 });
    await new Promise((r) => setTimeout(r, 20));
    await q.send('late');
    const got = await pending;
    expect(got.map((m) => m.body)).toEqual(['late']);
  }, 30_000);

  it('waitForMessages resolves at once when a message is visible', async () => {
    const q = await openQueue();
    await q.send('ready');
    await expect(q.waitForMessages(60_000)).resolves.toBeUndefined();
  });

  it('refuses to open the same queue twice in one process', async () => {
    await openQueue();
    await expect(openQueue()).rejects.toThrow(/already open in this process/);
  });

  it('refuses operations after close', async () => {
    const q = await openQueue();
    await q.close();
    await expect(q.send('x')).rejects.toMatchObject({ code: 'QueueClosed' });
  });
});
