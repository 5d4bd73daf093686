import { DetailType, Source } from '#shared/kernel/events/catalog.js';
import type { EventPublisher, OutgoingEvent } from '#shared/kernel/events/publisher.js';
import type { DueSimulation, SimulationRepository } from '#shared/kernel/repository/simulations.js';
import { ACTIVE_STATUSES, type SimulationStatus } from '#shared/kernel/status.js';
import type { Simulation, SimulationPollRequestedDetail } from '#schemas/generated/types.js';

export const MAX_SIMULATIONS_PER_EVENT = 100;

export interface FinderPorts {
  repository: Pick<SimulationRepository, 'queryDue'>;
  publisher: EventPublisher;
  now: () => number;
}

export interface FinderOptions {
  shards: number;
  /** Bound on the work of one run; the rest waits for the next run (and is counted as overdue). */
  maxSimulationsPerRun: number;
  /** Queries in flight at once. */
  concurrency: number;
}

export interface FinderReport {
  due: number;
  eventsPublished: number;
  /** How late the most overdue poll is, in seconds (0 when nothing is due). */
  oldestOverdueSeconds: number;
  /** True when the run stopped at maxSimulationsPerRun. */
  truncated: boolean;
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * One finder run: query every (status, shard) partition of the StatusIndex for
 * simulations whose next poll is due, in parallel, and publish them as
 * `Simulation Poll Requested` events of up to 100 simulations of one backend.
 */
export async function findDueSimulations(ports: FinderPorts, options: FinderOptions): Promise<FinderReport> {
  const now = ports.now();
  const partitions: { status: SimulationStatus; shard: number }[] = [];
  for (const status of ACTIVE_STATUSES) {
    for (let shard = 0; shard < options.shards; shard++) partitions.push({ status, shard });
  }
  const perPartition = Math.max(1, Math.ceil(options.maxSimulationsPerRun / partitions.length) * 4);
  let budget = options.maxSimulationsPerRun;
  let truncated = false;

  const found = await mapLimited(partitions, options.concurrency, async ({ status, shard }) => {
    const items: DueSimulation[] = [];
    let cursor: string | undefined;
    do {
      if (budget <= 0) {
        truncated = true;
        break;
      }
      const page = await ports.repository.queryDue(status, shard, now, {
        limit: Math.min(perPartition, budget, 1000),
        cursor,
      });
      budget -= page.items.length;
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  });
  const due = found.flat();

  const byBackend = new Map<string, Simulation[]>();
  for (const simulation of due) {
    const list = byBackend.get(simulation.backend) ?? [];
    list.push(simulation);
    byBackend.set(simulation.backend, list);
  }
  const requestedAt = new Date(now).toISOString();
  const events: OutgoingEvent[] = [];
  for (const [backend, simulations] of byBackend) {
    for (let i = 0; i < simulations.length; i += MAX_SIMULATIONS_PER_EVENT) {
      const detail: SimulationPollRequestedDetail = {
        schemaVersion: '1',
        backend: backend as SimulationPollRequestedDetail['backend'],
        requestedAt,
        simulations: simulations.slice(i, i + MAX_SIMULATIONS_PER_EVENT).map((s) => ({
          simulationId: s.id,
          status: s.status,
          version: s.version,
          ...(s.job ? { jobId: s.job.jobId } : {}),
        })),
      };
      events.push({ source: Source.executionFinder, detailType: DetailType.SimulationPollRequested, detail });
    }
  }
  await ports.publisher.publish(events);

  const oldestDue = due.reduce((min, s) => Math.min(min, s.nextPollAt), now);
  return {
    due: due.length,
    eventsPublished: events.length,
    oldestOverdueSeconds: Math.max(0, Math.round((now - oldestDue) / 1000)),
    truncated,
  };
}
