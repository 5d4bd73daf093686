/**
 * What becomes of a message a consumer can never process: it fails on every
 * receive and the queue's redrive policy moves it to the dead-letter queue,
 * while a well-formed event next to it is processed once. The real local queue
 * and Lambda event source mapping (local/queue/) stand in for SQS.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DetailType } from '#shared/kernel/events/catalog.js';
import type { DeliveredEvent } from '#shared/kernel/events/delivered-event.js';
import { eventQueueHandler } from '#shared/kernel/events/event-queue-handler.js';
import { logger } from '#shared/kernel/powertools.js';
import { LocalQueue } from '#local/queue/local-queue.js';
import { startQueueConsumer, type QueueConsumer } from '#local/queue/queue-consumer.js';
import { deliveredBody, submittedEvent } from '#test/helpers/events.js';
import { aSimulation } from '#test/helpers/simulations.js';
import { lambdaContext } from '#test/helpers/lambda-context.js';

const MAX_RECEIVE_COUNT = 3;
const VISIBILITY_SECONDS = 30;

const context = lambdaContext('request-1', 'gcr-test-consumer');

const submitted = deliveredBody(submittedEvent(aSimulation({ id: 'sim_1' })));
const malformed = JSON.stringify({ ...JSON.parse(submitted), detail: { simulationId: 'sim_2' } });
const unknown = JSON.stringify({ ...JSON.parse(submitted), 'detail-type': 'Simulation Archived' });

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

let dir: string;
let now: number;
let queue: LocalQueue;
let deadLetters: LocalQueue;
let consumer: QueueConsumer | undefined;

beforeEach(async () => {
  logger.setLogLevel('SILENT'); // each failed receive logs an error with its stack; the queues tell the story here
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gcr-event-consumer-'));
  now = Date.UTC(2026, 0, 1);
  const clock = () => now;
  deadLetters = await LocalQueue.open({ name: 'consumer-dlq', dir, now: clock });
  queue = await LocalQueue.open({
    name: 'consumer',
    dir,
    visibilityTimeoutSeconds: VISIBILITY_SECONDS,
    maxReceiveCount: MAX_RECEIVE_COUNT,
    deadLetterQueue: deadLetters,
    now: clock,
  });
});

afterEach(async () => {
  await consumer?.stop();
  await queue.close();
  await deadLetters.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('eventQueueHandler', () => {
  it('lets a malformed or unknown event fail until the queue moves it to the DLQ, and processes a good one once', async () => {
    const handled: DeliveredEvent<'Simulation Submitted'>[] = [];
    const handler = eventQueueHandler([DetailType.SimulationSubmitted], async (event) => {
      handled.push(event);
    });
    let invocations = 0;
    consumer = startQueueConsumer(queue, {
      batchSize: 10,
      reportBatchItemFailures: true,
      pollIntervalMs: 10,
      handler: async (event) => {
        try {
          return await handler(event, context);
        } finally {
          invocations += 1;
        }
      },
      onError: () => undefined,
    });
    await queue.sendBatch([submitted, malformed, unknown]);

    for (let receive = 1; receive <= MAX_RECEIVE_COUNT; receive++) {
      await waitFor(() => invocations === receive && queue.stats().inFlight === 2, `receive ${receive}`);
      now += VISIBILITY_SECONDS * 1000;
    }
    await waitFor(() => deadLetters.stats().visible === 2, 'the redrive to the DLQ');

    expect(handled.map((e) => e.detail.simulationId)).toEqual(['sim_1']);
    const stats = queue.stats();
    expect(stats.visible + stats.inFlight + stats.delayed).toBe(0);
    const dead = await deadLetters.receive(10);
    expect(dead.map((m) => m.body).sort()).toEqual([malformed, unknown].sort());
  });
});
