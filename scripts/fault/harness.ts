/**
 * What the fault-injection suites (npm run storm, npm run throttling) share:
 * an SQS queue with Lambda's delivery semantics, the poller's ports, stored
 * simulations, and the audit that says whether anything was lost.
 */
import type { PollerPorts } from '#services/execution-poller/src/domain/ports.js';
import { POLLER_EVENTS, processEvent } from '#services/execution-poller/src/domain/process-event.js';
import type { BatchEventOutcome } from '#services/execution-poller/src/domain/batch-event.js';
import { jobDescriptionFromBatchEvent } from '#shared/kernel/compute/batch-backend.js';
import { parseDeliveredEvent } from '#shared/kernel/events/delivered-event.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { pendingEventsOf, type SimulationRepository } from '#shared/kernel/repository/simulations.js';
import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';
import type { Simulation, SimulationStatusChangedDetail } from '#schemas/generated/types.js';
import { deliveredBody } from '#test/helpers/events.js';

/** The message body a rule delivers for an event: the whole EventBridge event. */
export const eventBody = deliveredBody;

/**
 * An SQS queue as Lambda's event source mapping drives it: messages are
 * received in batches whose messages are handled concurrently, by several
 * invocations at once; a message that fails comes back (at least once, so
 * possibly twice), and after `maxReceiveCount` receives it goes to the
 * dead-letter queue.
 */
export class AtLeastOnceQueue {
  private ready: { body: string; receives: number }[] = [];
  readonly deadLetters: string[] = [];
  received = 0;
  redelivered = 0;

  constructor(
    private readonly options: { maxReceiveCount: number; batchSize: number; concurrency: number },
  ) {}

  send(...bodies: string[]): void {
    for (const body of bodies) this.ready.push({ body, receives: 0 });
  }

  get depth(): number {
    return this.ready.length;
  }

  /** Handles messages until none is left, including those sent meanwhile and those that come back. */
  async drain(handle: (body: string) => Promise<void>): Promise<void> {
    const worker = async () => {
      while (this.ready.length > 0) {
        const batch = this.ready.splice(0, this.options.batchSize);
        const results = await Promise.allSettled(
          batch.map((message) => {
            message.receives += 1;
            this.received += 1;
            return handle(message.body);
          }),
        );
        results.forEach((result, i) => {
          if (result.status === 'fulfilled') return;
          const message = batch[i]!;
          if (message.receives >= this.options.maxReceiveCount) this.deadLetters.push(message.body);
          else {
            this.redelivered += 1;
            this.ready.push(message);
          }
        });
      }
    };
    await Promise.all(Array.from({ length: this.options.concurrency }, worker));
  }
}

/** Hands a message body to the poller, as its handler does (parse, check, act). */
export function pollerHandler(ports: PollerPorts): (body: string) => Promise<BatchEventOutcome | undefined> {
  return (body) =>
    processEvent(ports, parseDeliveredEvent(body, POLLER_EVENTS), jobDescriptionFromBatchEvent);
}

/** A stored spec for the suites' (and bench:poll's) simulations: one day at 4x5, up to a day of runtime. */
export function faultSuiteSpec(backend: 'local' | 'aws-batch'): Simulation['spec'] {
  const result = validateSimulationSpec({
    name: 'fault suite',
    simulation: { type: 'TransportTracers' },
    meteorology: { field: 'merra2' },
    grid: { resolution: '4x5' },
    period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' },
    compute: { backend, maxRuntimeMinutes: 1440 },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}

/** `n` new PENDING simulations, as the submission service stores them. */
export async function createSimulations(
  repository: SimulationRepository,
  n: number,
  options: { tag: string; backend: 'local' | 'aws-batch'; now: number },
): Promise<Simulation[]> {
  const spec = faultSuiteSpec(options.backend);
  const createdAt = new Date(options.now).toISOString();
  const simulations: Simulation[] = [];
  for (let i = 0; i < n; i++) {
    const id = `sim_${options.tag}${String(i).padStart(26 - options.tag.length, '0')}`;
    const simulation: Simulation = {
      id,
      owner: `owner-${i % 7}`,
      name: `fault ${i}`,
      status: 'PENDING',
      version: 1,
      createdAt,
      updatedAt: createdAt,
      backend: options.backend,
      spec,
      history: [{ at: createdAt, from: null, to: 'PENDING', reason: 'submitted' }],
    };
    await repository.create(simulation);
    simulations.push(simulation);
  }
  return simulations;
}

export interface Audit {
  /** Simulations not in the expected end, with a published event missing or wrong, or an event left unpublished. */
  lost: string[];
  /** Status events published (each (simulation, version) once). */
  transitions: number;
  /** Status events published more than once (consumers drop them by version). */
  duplicateDeliveries: number;
}

/**
 * Whether every update arrived: each simulation ended as `expectedEnd`, its
 * history moved forward only, every transition in it was published exactly
 * once by version (a re-publication is counted, not lost), and no event is
 * left in its outbox.
 */
export async function audit(
  repository: SimulationRepository,
  ids: string[],
  published: OutgoingEvent[],
  expectedEnd: string,
): Promise<Audit> {
  const byId = new Map<string, Map<number, SimulationStatusChangedDetail>>();
  let deliveries = 0;
  for (const event of published) {
    if (event.detailType !== 'Simulation Status Changed') continue;
    const detail = event.detail as SimulationStatusChangedDetail;
    const versions = byId.get(detail.simulationId) ?? new Map<number, SimulationStatusChangedDetail>();
    byId.set(detail.simulationId, versions);
    versions.set(detail.version, detail);
    deliveries += 1;
  }
  const lost: string[] = [];
  const seen = new Set<string>();
  let transitions = 0;
  for (let start = 0; start < ids.length; start += 100) {
    for (const simulation of await repository.getMany(ids.slice(start, start + 100))) {
      seen.add(simulation.id);
      const events = [...(byId.get(simulation.id)?.values() ?? [])].sort((a, b) => a.version - b.version);
      transitions += events.length;
      const moves = simulation.history.slice(1).map((h) => `${h.from}->${h.to}`);
      const announced = events.map((e) => `${e.from}->${e.to}`);
      const statuses = simulation.history.map((h) => h.to);
      const forwardOnly = new Set(statuses).size === statuses.length;
      if (
        simulation.status !== expectedEnd ||
        !forwardOnly ||
        JSON.stringify(moves) !== JSON.stringify(announced) ||
        pendingEventsOf(simulation).length > 0
      ) {
        lost.push(simulation.id);
      }
    }
  }
  for (const id of ids) if (!seen.has(id)) lost.push(id);
  return { lost, transitions, duplicateDeliveries: deliveries - transitions };
}

/** Prints a suite's figures, one per line, and exits 0 if `ok`, 1 otherwise. */
export function reportAndExit(
  title: string,
  rows: [string, number | string][],
  ok: boolean,
  verdict: string,
): never {
  console.log(`\n${title}\n`);
  for (const [name, value] of rows) console.log(`${name.padEnd(26)} ${value}`);
  console.log(ok ? `\nOK: ${verdict}` : '\nFAILED');
  process.exit(ok ? 0 : 1);
}
