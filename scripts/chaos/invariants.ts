/**
 * What the chaos suite checks once the platform has been killed and restarted
 * over and over (scripts/chaos/harness.ts collects the state; this is pure):
 *
 * - every simulation is terminal, or still running correctly: active, with a
 *   Batch job it knows that is still alive;
 * - no transition was applied twice: the history is one chain (each entry
 *   starts where the previous one ended, along an allowed edge);
 * - no event was lost, none duplicated: the `Simulation Status Changed`
 *   events of a simulation, one per version, are exactly its history's
 *   transitions, in order. Copies of one event (the same `eventId`, the same
 *   detail) are the redelivery at-least-once allows after a crash between
 *   PutEvents and the outbox entry's removal (PutEvents has no idempotency
 *   key): consumers de-duplicate them by that id, so they are counted
 *   (`redeliveries`), not violations. Two different events for one version,
 *   or copies without an id to tell them by, are duplicates;
 * - no Batch job is untracked: every job of the platform's (`gcr-<id>`)
 *   belongs to a simulation that knows it, or was terminated; every job a
 *   simulation knows exists;
 * - results are counted once: a SUCCEEDED simulation has results READY or
 *   FAILED for its own SUCCEEDED transition, announced by exactly one
 *   `Simulation Results Ready` or `Failed` event.
 */
import { canTransition, isTerminal } from '#shared/kernel/status.js';
import type { SimulationStatus } from '#schemas/generated/types.js';

export interface HistoryEntryView {
  from: SimulationStatus | null;
  to: SimulationStatus;
  reason: string;
}

export interface SimulationView {
  id: string;
  status: SimulationStatus;
  history: HistoryEntryView[];
  job?: { jobId: string };
  results?: { status: string; trigger?: string; reason?: string };
}

export interface EventView {
  'detail-type': string;
  source: string;
  detail: {
    eventId?: string;
    simulationId?: string;
    version?: number;
    from?: string;
    to?: string;
    reason?: string;
    at?: string;
  };
}

export interface BatchJobView {
  jobId: string;
  jobName: string;
  status: string;
  statusReason?: string;
  /** The emulator was asked to stop it (TerminateJob). */
  terminated: boolean;
}

export interface ChaosState {
  simulations: SimulationView[];
  events: EventView[];
  jobs: BatchJobView[];
}

export type ViolationKind =
  | 'stuck'
  | 'broken-history'
  | 'lost-event'
  | 'duplicate-event'
  | 'event-without-transition'
  | 'untracked-job'
  | 'missing-job'
  | 'results-not-settled'
  | 'results-lost-event'
  | 'results-duplicate-event';

export interface Violation {
  kind: ViolationKind;
  simulationId: string;
  detail: string;
}

export interface ChaosFigures {
  simulations: number;
  byStatus: Record<string, number>;
  transitions: number;
  statusEvents: number;
  /** Copies of an event already published (same eventId and detail): at-least-once redeliveries consumers de-duplicate. */
  redeliveries: number;
  batchJobs: number;
  terminatedJobs: number;
  results: Record<string, number>;
  /** Why simulations ended other than SUCCEEDED (the last history entry's reason, first 60 characters). */
  endings: Record<string, number>;
}

const STATUS_CHANGED = 'Simulation Status Changed';
const RESULTS_OUTCOMES = new Set(['Simulation Results Ready', 'Simulation Results Failed']);
const LIVE_JOB = new Set(['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING']);

/** The same event published again: it carries an id, the same id, and the same detail. */
function isRedeliveryOf(copy: EventView, first: EventView): boolean {
  const a = copy.detail;
  const b = first.detail;
  return (
    a.eventId !== undefined &&
    a.eventId === b.eventId &&
    a.from === b.from &&
    a.to === b.to &&
    a.reason === b.reason &&
    a.at === b.at
  );
}

const transition = (from: string | null | undefined, to: string | undefined): string => `${from} -> ${to}`;

export function checkInvariants(state: ChaosState): { violations: Violation[]; figures: ChaosFigures } {
  const violations: Violation[] = [];
  let redeliveries = 0;
  const violation = (kind: ViolationKind, simulationId: string, detail: string): void => {
    violations.push({ kind, simulationId, detail });
  };
  const jobsById = new Map(state.jobs.map((job) => [job.jobId, job]));
  const simulationsById = new Map(state.simulations.map((s) => [s.id, s]));
  const eventsOf = new Map<string, EventView[]>();
  for (const event of state.events) {
    const id = event.detail.simulationId;
    if (!id) continue;
    if (!eventsOf.has(id)) eventsOf.set(id, []);
    eventsOf.get(id)!.push(event);
  }

  for (const simulation of state.simulations) {
    const { id, history } = simulation;
    const events = eventsOf.get(id) ?? [];

    // Terminal, or still running with a live job it knows.
    if (!isTerminal(simulation.status)) {
      const job = simulation.job ? jobsById.get(simulation.job.jobId) : undefined;
      if (!job || !LIVE_JOB.has(job.status)) {
        violation(
          'stuck',
          id,
          `${simulation.status} with ${job ? `its job ${job.jobId} ${job.status}` : 'no live job'}`,
        );
      }
    }

    // One chain of allowed transitions.
    history.forEach((entry, i) => {
      if (i === 0) {
        if (entry.from !== null || entry.to !== 'PENDING') {
          violation('broken-history', id, `starts with ${transition(entry.from, entry.to)}`);
        }
        return;
      }
      const previous = history[i - 1]!.to;
      if (entry.from !== previous || !canTransition(entry.from, entry.to)) {
        violation(
          'broken-history',
          id,
          `entry ${i} ${transition(entry.from, entry.to)} after ${previous} (applied twice, or out of order)`,
        );
      }
    });

    // Exactly one event per transition, in order.
    const byVersion = new Map<number, EventView[]>();
    for (const event of events.filter((e) => e['detail-type'] === STATUS_CHANGED)) {
      const version = event.detail.version ?? -1;
      if (!byVersion.has(version)) byVersion.set(version, []);
      byVersion.get(version)!.push(event);
    }
    for (const [version, copies] of byVersion) {
      if (copies.length === 1) continue;
      if (copies.every((copy) => isRedeliveryOf(copy, copies[0]!))) {
        redeliveries += copies.length - 1;
        continue;
      }
      violation(
        'duplicate-event',
        id,
        `${copies.length} events for version ${version} (${transition(copies[0]!.detail.from, copies[0]!.detail.to)})`,
      );
    }
    const published = [...byVersion.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, [event]]) => transition(event!.detail.from, event!.detail.to));
    const recorded = history.slice(1).map((entry) => transition(entry.from, entry.to));
    let matched = 0;
    for (const step of recorded) {
      if (published[matched] === step) matched++;
      else violation('lost-event', id, `no event for ${step} (transition ${matched + 1})`);
    }
    for (const extra of published.slice(matched)) {
      violation('event-without-transition', id, `event ${extra} matches no transition in the history`);
    }

    // The job it knows exists.
    if (simulation.job && !jobsById.has(simulation.job.jobId)) {
      violation('missing-job', id, `knows job ${simulation.job.jobId}, which Batch does not`);
    }

    // Results: settled for its own SUCCEEDED transition, announced once.
    if (simulation.status === 'SUCCEEDED') {
      const results = simulation.results;
      const outcomes = events.filter((e) => RESULTS_OUTCOMES.has(e['detail-type']));
      if (!results || (results.status !== 'READY' && results.status !== 'FAILED')) {
        violation('results-not-settled', id, `results ${results?.status ?? 'absent'}`);
      } else if (!results.trigger?.startsWith('succeeded:v')) {
        violation('results-not-settled', id, `results recorded for ${results.trigger ?? 'no trigger'}`);
      } else if (outcomes.length === 0) {
        violation('results-lost-event', id, `results ${results.status} but no Results Ready/Failed event`);
      }
      if (outcomes.length > 1) {
        violation('results-duplicate-event', id, `${outcomes.length} Results Ready/Failed events`);
      }
    }
  }

  // Every platform job belongs to a simulation that knows it, or was terminated.
  for (const job of state.jobs) {
    if (!job.jobName.startsWith('gcr-')) continue;
    const simulationId = job.jobName.slice('gcr-'.length);
    const owner = simulationsById.get(simulationId);
    const known = owner?.job?.jobId === job.jobId;
    if (!known && !job.terminated) {
      violation(
        'untracked-job',
        simulationId,
        `job ${job.jobId} ${job.status}${owner ? `; the simulation knows ${owner.job?.jobId ?? 'no job'}` : '; no such simulation'}`,
      );
    }
  }

  const count = <T>(items: T[], key: (item: T) => string): Record<string, number> =>
    items.reduce<Record<string, number>>(
      (acc, item) => ({ ...acc, [key(item)]: (acc[key(item)] ?? 0) + 1 }),
      {},
    );
  return {
    violations,
    figures: {
      simulations: state.simulations.length,
      byStatus: count(state.simulations, (s) => s.status),
      transitions: state.simulations.reduce((n, s) => n + Math.max(0, s.history.length - 1), 0),
      statusEvents: state.events.filter((e) => e['detail-type'] === STATUS_CHANGED).length,
      redeliveries,
      batchJobs: state.jobs.length,
      terminatedJobs: state.jobs.filter((j) => j.terminated).length,
      results: count(
        state.simulations.filter((s) => s.status === 'SUCCEEDED'),
        (s) =>
          s.results?.status === 'FAILED'
            ? `FAILED: ${s.results.reason?.slice(0, 60)}`
            : (s.results?.status ?? 'absent'),
      ),
      endings: count(
        state.simulations.filter((s) => isTerminal(s.status) && s.status !== 'SUCCEEDED'),
        (s) => `${s.status}: ${s.history.at(-1)?.reason.slice(0, 60)}`,
      ),
    },
  };
}
