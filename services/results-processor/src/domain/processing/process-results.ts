/**
 * One message of the results queue: decide whether the trigger still has work
 * (see triggers.ts), mark the simulation's results PROCESSING, produce the
 * manifest, metrics and previews, record READY (or FAILED with the reason)
 * and announce it. The simulation's own status is never changed.
 */
import { timeBudget, type TimeBudget } from '#shared/science/results/file-limits.js';
import { simulationResultsFailed, simulationResultsReady } from '#shared/kernel/events/catalog.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { StaleVersionError } from '#shared/kernel/errors.js';
import { simulationKey, simulationPrefix, SimulationPaths } from '#shared/kernel/storage/bucket-layout.js';
import type {
  ResultsManifest,
  ResultsMetrics,
  Simulation,
  SimulationResultsStatus,
} from '#schemas/generated/types.js';
import { summarizeMetrics, mainCollection, type MetricsSummary } from './metrics-summary.js';
import type { ResultsPorts } from './ports.js';
import { produceResults, type ProducedResults } from './produce-results.js';
import { decide, triggerOf, type ResultsEvent, type Trigger } from './triggers.js';

/** Missing outputs named in the Ready event (the manifest lists them all). */
export const EVENT_MISSING_LIMIT = 100;
const WRITE_ATTEMPTS = 5;
/** How long a PROCESSING mark is held when the ports do not say: processResults' 900 s timeout and a minute. */
export const DEFAULT_LEASE_SECONDS = 960;

export type Outcome = 'ready' | 'failed' | 'announced' | 'skipped' | 'superseded' | 'deferred';

export interface Delivery {
  /** The queue will not deliver this message again: a retryable error is recorded as FAILED. */
  lastAttempt: boolean;
  /** Runs of one trigger that may die before it is FAILED (the queue's maxReceiveCount; default unbounded). */
  maxAttempts?: number;
  /** Epoch ms by which processing stops and records FAILED (the function's time, less room to record it). */
  deadline?: number;
  /**
   * Sends a copy of this message that the queue delivers at `at` (at most its
   * maximum delay later; a copy that comes early defers again). Used for a
   * watchdog when a run starts, so a run that dies on the queue's last
   * delivery is still followed up; and for a delivery that finds the lease
   * held, which then ends without using up one of the queue's receives.
   * Without it, such a delivery throws ResultsLeaseHeldError and the message
   * returns after its visibility timeout.
   */
  comeBackAt?: (at: Date) => Promise<void>;
}

/** Processing outlived its time: recorded as FAILED rather than left to Lambda's timeout, which records nothing. */
export class ResultsDeadlineError extends Error {
  constructor(seconds: number) {
    super(
      `processing stopped after ${seconds} s, before the function's timeout: ` +
        'the outputs take too long to read in one run',
    );
    this.name = 'ResultsDeadlineError';
  }
}

/** Another delivery of the same trigger is processing it now; this message comes back later. */
export class ResultsLeaseHeldError extends Error {
  constructor(simulationId: string, triggerId: string, until: string) {
    super(`${simulationId}: ${triggerId} is being processed by another delivery (lease until ${until})`);
    this.name = 'ResultsLeaseHeldError';
  }
}

export async function processResultsEvent(
  ports: ResultsPorts,
  event: ResultsEvent,
  delivery: Delivery = { lastAttempt: false },
): Promise<Outcome> {
  const trigger = triggerOf(event);
  if (!trigger) return 'skipped';
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
    const simulation = await ports.repository.get(trigger.simulationId);
    const decision = decide(simulation, trigger, {
      now: ports.now(),
      lastAttempt: delivery.lastAttempt,
      maxAttempts: delivery.maxAttempts ?? Infinity,
    });
    if (decision.action === 'skip') {
      ports.log?.('nothing to do', {
        simulationId: trigger.simulationId,
        trigger: trigger.id,
        why: decision.why,
      });
      return 'skipped';
    }
    if (decision.action === 'announce') {
      await announce(ports, simulation!, await storedEvent(ports, simulation!));
      return 'announced';
    }
    if (decision.action === 'wait') {
      if (!delivery.comeBackAt)
        throw new ResultsLeaseHeldError(trigger.simulationId, trigger.id, decision.until);
      await delivery.comeBackAt(new Date(decision.until));
      return 'deferred';
    }
    if (decision.action === 'fail') {
      ports.log?.('results processing died on earlier deliveries', {
        simulationId: trigger.simulationId,
        trigger: trigger.id,
        reason: decision.reason,
      });
      return recordFailure(ports, simulation!.id, trigger.id, decision.reason);
    }
    const previous = simulation!.results;
    const restarts = previous?.trigger === trigger.id && previous.status === 'PROCESSING';
    const now = ports.now();
    let processing: Simulation;
    try {
      processing = await ports.repository.update({
        id: simulation!.id,
        expectedVersion: simulation!.version,
        status: 'SUCCEEDED',
        at: now,
        set: {
          results: {
            status: 'PROCESSING',
            updatedAt: now.toISOString(),
            trigger: trigger.id,
            ...(trigger.requestedBy ? { requestedBy: trigger.requestedBy } : {}),
            attempts: restarts ? (previous.attempts ?? 1) + 1 : 1,
            leaseExpiresAt: new Date(
              now.getTime() + (ports.leaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000,
            ).toISOString(),
          } satisfies SimulationResultsStatus,
        },
      });
    } catch (err) {
      if (err instanceof StaleVersionError) continue;
      throw err;
    }
    await watchdog(ports, processing, delivery);
    return run(ports, processing, trigger, delivery);
  }
  throw new Error(`simulation ${trigger.simulationId} kept changing; could not mark its results PROCESSING`);
}

/**
 * A copy of the message due when the lease expires: if this run dies (killed,
 * out of memory, Lambda's timeout) on the queue's last delivery, the copy
 * finds the expired lease and starts again or records FAILED; if the run
 * finishes, the copy finds that and does nothing. Best effort: without it the
 * queue's own redeliveries still follow up every delivery but the last.
 */
async function watchdog(ports: ResultsPorts, processing: Simulation, delivery: Delivery): Promise<void> {
  const lease = processing.results?.leaseExpiresAt;
  if (!delivery.comeBackAt || !lease) return;
  try {
    await delivery.comeBackAt(new Date(lease));
  } catch (err) {
    ports.log?.('could not send the watchdog copy of a results message', {
      simulationId: processing.id,
      reason: err instanceof Error ? err.message : String(err),
    });
  }
}

async function run(
  ports: ResultsPorts,
  simulation: Simulation,
  trigger: Trigger,
  delivery: Delivery,
): Promise<Outcome> {
  const startedAt = ports.now().getTime();
  const clock = (): number => ports.now().getTime();
  const budget: TimeBudget | undefined =
    delivery.deadline === undefined
      ? undefined
      : timeBudget(
          delivery.deadline,
          () => new ResultsDeadlineError(Math.round((clock() - startedAt) / 1000)),
          clock,
        );
  let produced: ProducedResults;
  try {
    produced = await produceResults(ports, simulation, trigger, budget);
  } catch (err) {
    if (ports.isTransient(err) && !delivery.lastAttempt) {
      // The message comes back after its visibility timeout: release the
      // lease, so that delivery does not take this run for one that died.
      await releaseLease(ports, simulation.id, trigger.id).catch(() => undefined);
      throw err;
    }
    const reason = err instanceof Error ? err.message : String(err);
    ports.log?.('results processing failed', { simulationId: simulation.id, reason });
    return recordFailure(ports, simulation.id, trigger.id, reason);
  }
  const ready = await record(ports, simulation.id, trigger.id, (current) =>
    readyStatus(current, trigger.id, produced, ports.now()),
  );
  if (!ready) return 'superseded';
  await announce(ports, ready, readyEvent(ready, produced.manifest, produced.summary, produced.previews));
  return 'ready';
}

/** Records FAILED with the reason and announces it, while this trigger still owns the results. */
async function recordFailure(
  ports: ResultsPorts,
  id: string,
  triggerId: string,
  reason: string,
): Promise<Outcome> {
  const failed = await record(ports, id, triggerId, (current) => ({
    status: 'FAILED',
    updatedAt: ports.now().toISOString(),
    trigger: triggerId,
    ...(current.requestedBy ? { requestedBy: current.requestedBy } : {}),
    reason,
  }));
  if (!failed) return 'superseded';
  await announce(ports, failed, failedEvent(failed, reason));
  return 'failed';
}

async function releaseLease(ports: ResultsPorts, id: string, triggerId: string): Promise<void> {
  await record(ports, id, triggerId, (current) => {
    const { leaseExpiresAt: _released, ...rest } = current;
    return { ...rest, updatedAt: ports.now().toISOString() };
  });
}

function readyStatus(
  current: SimulationResultsStatus,
  triggerId: string,
  produced: ProducedResults,
  now: Date,
): SimulationResultsStatus {
  const { manifest } = produced;
  return {
    status: 'READY',
    updatedAt: now.toISOString(),
    trigger: triggerId,
    ...(current.requestedBy ? { requestedBy: current.requestedBy } : {}),
    manifestKey: SimulationPaths.manifest,
    metricsKey: SimulationPaths.metrics,
    fileCount: manifest.fileCount,
    totalBytes: manifest.totalBytes,
    missingOutputs: manifest.missing.length,
    complete: manifest.complete,
    previews: produced.previews,
  };
}

/**
 * Writes the results status while this trigger still owns it; undefined when
 * a later request took over (that one records and announces its own outcome).
 */
async function record(
  ports: ResultsPorts,
  id: string,
  triggerId: string,
  next: (current: SimulationResultsStatus) => SimulationResultsStatus,
): Promise<Simulation | undefined> {
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
    const simulation = await ports.repository.get(id);
    const current = simulation?.results;
    if (!simulation || !current || current.trigger !== triggerId) return undefined;
    try {
      return await ports.repository.update({
        id,
        expectedVersion: simulation.version,
        status: 'SUCCEEDED',
        at: ports.now(),
        set: { results: next(current) },
      });
    } catch (err) {
      if (!(err instanceof StaleVersionError)) throw err;
    }
  }
  throw new Error(`simulation ${id} kept changing; could not record its results`);
}

/** Publishes the outcome's event, then notes on the simulation that it was published. */
async function announce(ports: ResultsPorts, simulation: Simulation, event: OutgoingEvent): Promise<void> {
  const triggerId = simulation.results!.trigger!;
  await ports.publisher.publish([event]);
  await record(ports, simulation.id, triggerId, (current) => ({
    ...current,
    announcedAt: ports.now().toISOString(),
  }));
}

function failedEvent(simulation: Simulation, reason: string): OutgoingEvent {
  return simulationResultsFailed({ simulationId: simulation.id, owner: simulation.owner, reason });
}

function readyEvent(
  simulation: Simulation,
  manifest: ResultsManifest,
  summary: MetricsSummary,
  previews: number,
): OutgoingEvent {
  return simulationResultsReady({
    simulationId: simulation.id,
    owner: simulation.owner,
    manifestKey: simulationKey(simulation.id, SimulationPaths.manifest),
    metricsKey: simulationKey(simulation.id, SimulationPaths.metrics),
    fileCount: manifest.fileCount,
    totalBytes: manifest.totalBytes,
    complete: manifest.complete,
    missingOutputCount: manifest.missing.length,
    missingOutputs: manifest.missing.slice(0, EVENT_MISSING_LIMIT).map((m) => m.expectedKey),
    metricsSummary: summary,
    previews,
  });
}

/** The outcome's event rebuilt from what is stored (the publish after a crash). */
async function storedEvent(ports: ResultsPorts, simulation: Simulation): Promise<OutgoingEvent> {
  const results = simulation.results!;
  if (results.status === 'FAILED') return failedEvent(simulation, results.reason ?? 'unknown');
  const base = simulationPrefix(simulation.id);
  const manifestText = await ports.store.readText(`${base}${SimulationPaths.manifest}`);
  const metricsText = await ports.store.readText(`${base}${SimulationPaths.metrics}`);
  if (manifestText === undefined || metricsText === undefined) {
    throw new Error(`simulation ${simulation.id} is READY but its manifest or metrics are not stored`);
  }
  const manifest = JSON.parse(manifestText) as ResultsManifest;
  const metrics = JSON.parse(metricsText) as ResultsMetrics;
  const main = mainCollection(manifest.files);
  const mainKeys = new Set(manifest.files.filter((f) => f.collection === main).map((f) => f.key));
  const summary = summarizeMetrics(metrics.files.filter((f) => mainKeys.has(f.key)).map((f) => f.metrics));
  return readyEvent(simulation, manifest, summary, results.previews ?? 0);
}
