import {
  DetailType,
  MAX_SIMULATIONS_PER_POLL_EVENT,
  simulationPollRequested,
  Source,
} from '#shared/kernel/events/catalog.js';
import type { EventPublisher, OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { hasAbandonedEvents } from '#shared/kernel/repository/outbox.js';
import { MAX_POLL_INTERVAL_MS, overdueMs, tickBetween } from '#shared/kernel/repository/poll-schedule.js';
import type { DueSimulation, SimulationRepository } from '#shared/kernel/repository/simulations.js';
import {
  POLLED_STATUSES,
  TERMINAL_STATUSES,
  isTerminal,
  type SimulationStatus,
} from '#shared/kernel/status.js';
import type {
  CampaignStagesDueDetail,
  Simulation,
  SimulationPollRequestedDetail,
} from '#schemas/generated/types.js';

export const MAX_SIMULATIONS_PER_EVENT = MAX_SIMULATIONS_PER_POLL_EVENT;
const DEFAULT_WAITING_CHECK_INTERVAL_MS = 5 * 60_000;

export interface FinderPorts {
  repository: Pick<SimulationRepository, 'queryDue' | 'lastFinderRun' | 'recordFinderRun'>;
  publisher: EventPublisher;
  now: () => number;
}

export interface FinderOptions {
  shards: number;
  /** Bound on the simulations one run hands to the poller; the rest wait for their next tick. */
  maxSimulationsPerRun: number;
  /** Queries in flight at once. */
  concurrency: number;
  /**
   * How often a campaign stage still WAITING is handed to the submission
   * service's release queue (`Campaign Stages Due`), in case the event of its
   * predecessor's end was lost. A fixed schedule from its creation, with no
   * writes: a stage may wait months for a spin-up. Default 5 min.
   */
  waitingCheckIntervalMs?: number;
}

export interface FinderReport {
  due: number;
  eventsPublished: number;
  /** How late the poller is with the most overdue simulation, in seconds (poll-schedule.ts `overdueMs`). */
  oldestOverdueSeconds: number;
  /** Finished simulations whose last event nobody published, handed to the poller to publish (the outbox sweep). */
  abandonedEvents: number;
  /** Campaign stages still WAITING handed to the release queue (`Campaign Stages Due`). */
  waitingStages: number;
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
 * One finder run: read every (status, shard) partition of the StatusIndex in
 * parallel and publish, as `Simulation Poll Requested` events of up to 100
 * simulations of one backend,
 * - the active simulations with a poll tick since the previous run (their
 *   schedule backs off with their time in a status: poll-schedule.ts), and
 *   those carrying an abandoned outbox event;
 * - the finished simulations still on the index, i.e. whose last event was
 *   never confirmed published (the outbox sweep): the poller publishes it;
 * - campaign stages still WAITING, on their own fixed schedule, as
 *   `Campaign Stages Due` for the submission service's release queue (a
 *   stage whose predecessor ended but whose event was lost is released).
 * The window starts at the previous run (at most the longest interval back),
 * so a late or missed run skips no tick, and a poll that changed nothing needs
 * no write to keep the simulation from being requested again.
 */
export async function findDueSimulations(ports: FinderPorts, options: FinderOptions): Promise<FinderReport> {
  const now = ports.now();
  const previous = await ports.repository.lastFinderRun();
  const windowStart = Math.max(previous ?? -Infinity, now - MAX_POLL_INTERVAL_MS);
  const partitions: { status: SimulationStatus; shard: number }[] = [];
  for (const status of [...POLLED_STATUSES, ...TERMINAL_STATUSES, 'WAITING' as const]) {
    for (let shard = 0; shard < options.shards; shard++) partitions.push({ status, shard });
  }
  let budget = options.maxSimulationsPerRun;
  let truncated = false;
  let oldestOverdueMs = 0;
  let abandonedEvents = 0;
  const waiting: string[] = [];

  const found = await mapLimited(partitions, options.concurrency, async ({ status, shard }) => {
    const items: DueSimulation[] = [];
    let cursor: string | undefined;
    do {
      if (budget <= 0) {
        truncated = true;
        break;
      }
      const page = await ports.repository.queryDue(status, shard, now, { limit: 1000, cursor });
      for (const simulation of page.items) {
        if (simulation.status === 'WAITING') {
          // A paused simulation waits for its owner's resume alone: nothing to release.
          if (simulation.pause) continue;
          // Not polled (no job) and never overdue: checked on its own fixed schedule.
          const check = {
            nextPollAt: simulation.nextPollAt,
            pollIntervalMs: options.waitingCheckIntervalMs ?? DEFAULT_WAITING_CHECK_INTERVAL_MS,
          };
          if (tickBetween(check, windowStart, now)) waiting.push(simulation.id);
          continue;
        }
        if (isTerminal(simulation.status)) {
          abandonedEvents += 1;
        } else {
          oldestOverdueMs = Math.max(oldestOverdueMs, overdueMs(simulation, now));
          if (!tickBetween(simulation, windowStart, now) && !hasAbandonedEvents(simulation, now)) continue;
        }
        if (budget <= 0) {
          truncated = true;
          break;
        }
        budget -= 1;
        items.push(simulation);
      }
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
  const events: OutgoingEvent[] = [...byBackend].flatMap(([backend, simulations]) =>
    simulationPollRequested(
      Source.executionFinder,
      backend as SimulationPollRequestedDetail['backend'],
      simulations,
      requestedAt,
    ),
  );
  for (let i = 0; i < waiting.length; i += MAX_SIMULATIONS_PER_EVENT) {
    const detail: CampaignStagesDueDetail = {
      schemaVersion: '1',
      requestedAt,
      simulationIds: waiting.slice(i, i + MAX_SIMULATIONS_PER_EVENT),
    };
    events.push({ source: Source.executionFinder, detailType: DetailType.CampaignStagesDue, detail });
  }
  await ports.publisher.publish(events);
  await ports.repository.recordFinderRun(now);

  return {
    due: due.length,
    eventsPublished: events.length,
    oldestOverdueSeconds: Math.round(oldestOverdueMs / 1000),
    abandonedEvents,
    waitingStages: waiting.length,
    truncated,
  };
}
