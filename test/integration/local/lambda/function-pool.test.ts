/**
 * Finding "Submissions collapse under load" (issue 12): every handler shared
 * the platform's one Node process, so a slow or stuck handler stalled all the
 * others. Functions now run as Lambda runs them: each instance its own worker
 * thread, the function's timeout and memorySize enforced, concurrency capped,
 * and HTTP invocations shed at once when a function is saturated.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FunctionError, FunctionThrottledError, FunctionTimeoutError } from '#local/lambda/errors.js';
import { FunctionPool, type FunctionPoolOptions } from '#local/lambda/function-pool.js';
import { LocalQueue } from '#local/queue/local-queue.js';
import { HandlerInvocationError, startQueueConsumer } from '#local/queue/queue-consumer.js';
import { openHttpGate, type HttpGate } from '#test/helpers/http-gate.js';
import { tempDataDir } from '#test/helpers/platform-process.js';

const helpers = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../helpers');
const fixtures = path.join(helpers, 'lambda-functions.ts');

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function pool(exportName: string, overrides: Partial<FunctionPoolOptions> = {}): FunctionPool {
  const created = new FunctionPool({
    functionName: `fixture-test-${exportName}`,
    modulePath: fixtures,
    exportName,
    region: 'us-east-1',
    timeoutSeconds: 30,
    memorySizeMb: 256,
    concurrency: 1,
    maxQueued: 8,
    maxWaitMs: 60_000,
    env: { PATH: process.env['PATH'] ?? '', FIXTURE_VARIABLE: 'from the function' },
    ...overrides,
  });
  cleanups.push(() => created.close(0));
  return created;
}

async function gate(): Promise<HttpGate> {
  const opened = await openHttpGate();
  cleanups.push(() => opened.close());
  return opened;
}

/** A `gated` function with one invocation (tagged `running`) held in its only instance. */
async function oneRunning(overrides: Partial<FunctionPoolOptions>) {
  const held = await gate();
  const gated = pool('gated', { concurrency: 1, ...overrides });
  const running = gated.invoke({ gate: held.url, tag: 'running' }, { sheddable: true });
  await held.arrived(1);
  return { held, gated, running };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the invocation to fail');
}

describe('Submissions collapse under load: each function runs in its own instances, as on Lambda', () => {
  it('keeps module state per instance and gives the handler its environment and a Lambda context', async () => {
    const echo = pool('echo', { memorySizeMb: 192 });
    const first = (await echo.invoke({ n: 1 })) as Record<string, unknown>;
    const second = (await echo.invoke({ n: 2 })) as Record<string, unknown>;
    expect(first).toMatchObject({
      event: { n: 1 },
      invocations: 1,
      variable: 'from the function',
      functionName: 'fixture-test-echo',
      memoryLimitInMB: '192',
    });
    expect(first['remainingMs']).toBeGreaterThan(0);
    // The warm instance served the second invocation: its module globals carried over.
    expect(second).toMatchObject({ event: { n: 2 }, invocations: 2 });
    expect(echo.stats()).toMatchObject({ instances: 1, coldStarts: 1 });
  }, 60_000);

  it('stops a handler over its timeout, even a busy loop, while other functions keep answering', async () => {
    const started = await gate();
    const spin = pool('spin', { timeoutSeconds: 2 });
    const echo = pool('echo');
    const stuck = rejection(spin.invoke({ gate: started.url }));
    await started.arrived(1);
    // The busy loop holds its own thread only: another function answers meanwhile.
    await expect(echo.invoke({ during: 'spin' })).resolves.toMatchObject({ event: { during: 'spin' } });
    const error = await stuck;
    expect(error).toBeInstanceOf(FunctionTimeoutError);
    expect(error).toMatchObject({
      errorType: 'Sandbox.Timedout',
      message: 'Task timed out after 2.00 seconds',
      functionName: 'fixture-test-spin',
    });
    // The stopped instance is gone; the next invocation gets a new one.
    expect(spin.stats().instances).toBe(0);
  }, 60_000);

  it('reports a heap over memorySize as Runtime.OutOfMemory and stops that instance', async () => {
    const hog = pool('hog', { memorySizeMb: 32 });
    const error = await rejection(hog.invoke({}));
    expect(error).toBeInstanceOf(FunctionError);
    expect(error).toMatchObject({ errorType: 'Runtime.OutOfMemory' });
    expect(hog.stats().instances).toBe(0);
  }, 60_000);

  it("reports the handler's own error by its type, and a cold start that throws fails the invocation", async () => {
    await expect(pool('fails').invoke({})).rejects.toMatchObject({
      errorType: 'FixtureFailure',
      message: 'the handler failed on purpose',
    });
    const broken = new FunctionPool({
      functionName: 'fixture-test-broken',
      modulePath: path.join(helpers, 'broken-function.ts'),
      exportName: 'handler',
      region: 'us-east-1',
      timeoutSeconds: 30,
      memorySizeMb: 256,
      concurrency: 1,
      maxQueued: 1,
      maxWaitMs: 60_000,
      env: {},
    });
    cleanups.push(() => broken.close(0));
    await expect(broken.invoke({})).rejects.toMatchObject({
      errorType: 'ConfigError',
      message: 'FIXTURE_REQUIRED is required',
    });
  }, 60_000);

  it('never runs more instances than its concurrency; the rest wait their turn', async () => {
    const held = await gate();
    const gated = pool('gated', { concurrency: 2 });
    const calls = [1, 2, 3, 4, 5].map((n) => gated.invoke({ gate: held.url, tag: String(n) }));
    await held.arrived(2);
    expect(gated.stats()).toMatchObject({ instances: 2, busy: 2, queued: 3 });
    held.release('done');
    const answers = await Promise.all(calls);
    expect(answers).toEqual(Array(5).fill({ statusCode: 200, body: 'done' }));
    expect(held.arrivals.sort()).toEqual(['1', '2', '3', '4', '5']);
  }, 60_000);

  it('refuses a sheddable invocation at once when every instance is busy and the queue is full', async () => {
    const { held, gated, running } = await oneRunning({ maxQueued: 1 });
    const waiting = gated.invoke({ gate: held.url, tag: 'waiting' }, { sheddable: true });
    // Refused while the first is still held: at once, not after a wait.
    const refused = await rejection(gated.invoke({ gate: held.url, tag: 'refused' }, { sheddable: true }));
    expect(refused).toBeInstanceOf(FunctionThrottledError);
    expect(refused).toMatchObject({ reason: 'queue-full', functionName: 'fixture-test-gated' });
    expect((refused as FunctionThrottledError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(held.arrivals).toEqual(['running']);
    held.release();
    await expect(running).resolves.toMatchObject({ statusCode: 200 });
    await expect(waiting).resolves.toMatchObject({ statusCode: 200 });
    expect(gated.stats().throttles).toBe(1);
  }, 60_000);

  it('hands each refused invocation its own later turn in Retry-After, so a burst comes back spread out', async () => {
    const { held, gated, running } = await oneRunning({ maxQueued: 0 });
    const turns: number[] = [];
    for (let i = 0; i < 10; i++) {
      const refused = await rejection(gated.invoke({ gate: held.url }, { sheddable: true }));
      turns.push((refused as FunctionThrottledError).retryAfterSeconds);
    }
    // No duration measured yet: a second per turn (1, 1, 2, 3, ... 9), each later than the one before.
    expect(turns[0]).toBe(1);
    for (let i = 1; i < turns.length; i++) expect(turns[i]).toBeGreaterThanOrEqual(turns[i - 1]!);
    expect(turns.at(-1)! - turns[0]!).toBeGreaterThanOrEqual(7);
    held.release();
    await running;
  }, 60_000);

  it('refuses a sheddable invocation that waited its longest, and never sheds an event source', async () => {
    const { held, gated, running } = await oneRunning({ maxQueued: 4, maxWaitMs: 300 });
    const fromQueue = gated.invoke({ gate: held.url, tag: 'from a queue' });
    const refused = await rejection(gated.invoke({ gate: held.url, tag: 'late' }, { sheddable: true }));
    expect(refused).toMatchObject({ reason: 'wait-exceeded' });
    held.release();
    await expect(running).resolves.toMatchObject({ statusCode: 200 });
    await expect(fromQueue).resolves.toMatchObject({ statusCode: 200 });
    expect(held.arrivals).toEqual(['running', 'from a queue']);
  }, 60_000);

  it('keeps at-least-once delivery for a queue: a message whose invocation timed out comes back and is processed', async () => {
    const dir = tempDataDir('gcr-pool-queue-');
    const queue = await LocalQueue.open({ name: 'stall-queue', dir, visibilityTimeoutSeconds: 1 });
    cleanups.push(() => queue.close());
    const stalls = pool('stallsOnFirstDelivery', { timeoutSeconds: 1 });
    const errors: unknown[] = [];
    const consumer = startQueueConsumer(queue, {
      batchSize: 1,
      reportBatchItemFailures: true,
      maxConcurrency: 1,
      handler: async (event) => (await stalls.invoke(event)) as never,
      onError: (error) => errors.push(error),
    });
    cleanups.push(() => consumer.stop());
    await queue.send('stall once');
    // Wait for the outcome, not for a duration: the message is deleted once processed.
    while (queue.stats().visible + queue.stats().inFlight + queue.stats().delayed > 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(HandlerInvocationError);
    expect((errors[0] as Error).cause).toBeInstanceOf(FunctionTimeoutError);
    expect(stalls.stats().coldStarts).toBe(2);
  }, 60_000);
});
