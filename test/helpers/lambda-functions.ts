/**
 * Handlers the local Lambda runtime's tests run as functions (each export is
 * a function's `handler`): well-behaved, slow, stuck, greedy and failing ones.
 * Loaded inside function instances (worker threads), never by the test itself.
 */
import type { Context } from 'aws-lambda';

/** Per instance, as a module's globals are per Lambda execution environment. */
let invocations = 0;

export async function echo(event: unknown, context: Context) {
  invocations += 1;
  return {
    event,
    invocations,
    variable: process.env['FIXTURE_VARIABLE'] ?? null,
    functionName: context.functionName,
    memoryLimitInMB: context.memoryLimitInMB,
    remainingMs: context.getRemainingTimeInMillis(),
  };
}

/** Holds until the test's gate answers: `event.gate` is a URL the test controls. */
export async function gated(event: { gate: string; tag?: string }) {
  const answer = await fetch(event.gate, { method: 'POST', body: event.tag ?? '' });
  return { statusCode: 200, body: await answer.text() };
}

/** A busy loop no promise race can interrupt: only stopping the instance ends it. */
export async function spin(event: { gate?: string }): Promise<never> {
  // Tell the test it started (a request it can wait for), then never yield again.
  if (event.gate) await fetch(event.gate, { method: 'POST', body: 'spinning' });
  for (;;) {
    // burn
  }
}

/** Allocates until the heap limit (memorySize) is reached. */
export async function hog(): Promise<number> {
  const kept: number[][] = [];
  for (;;) kept.push(new Array(1_000_000).fill(kept.length));
}

export class FixtureFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FixtureFailure';
  }
}

export async function fails(): Promise<never> {
  throw new FixtureFailure('the handler failed on purpose');
}

/**
 * An SQS handler that spins (a timeout) on the first delivery of a message
 * whose body is `stall once`, and succeeds on every later one.
 */
export async function stallsOnFirstDelivery(event: {
  Records: { body: string; attributes: { ApproximateReceiveCount: string } }[];
}) {
  for (const record of event.Records) {
    if (record.body === 'stall once' && record.attributes.ApproximateReceiveCount === '1') {
      for (;;) {
        // burn until the instance is stopped
      }
    }
  }
  return { batchItemFailures: [] };
}
