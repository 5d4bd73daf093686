/**
 * How a simulation reads in the list: its status (words and a colour, never
 * the colour alone), elapsed time, cost (final, live so far, or the
 * estimate), and the sort orders of the list's columns.
 */
import type { SimulationStatus, SimulationSummary } from '#schemas/generated/types.js';
import type { SortKey } from './list-filters.js';
import { isTerminal } from '../../components/status.js';

export { statusLabel } from '../../components/status.js';

export function isActive(status: SimulationStatus): boolean {
  return !isTerminal(status);
}

/** Cancellable: active and not already being cancelled. */
export function isCancellable(status: SimulationStatus): boolean {
  return isActive(status) && status !== 'CANCELLING';
}

/** The badge colour of a status (the label says it too). */
export function statusColor(status: SimulationStatus): string {
  switch (status) {
    case 'SUCCEEDED':
      return 'green';
    case 'FAILED':
    case 'TIMED_OUT':
      return 'red';
    case 'CANCELLED':
    case 'CANCELLING':
      return 'gray';
    case 'RUNNING':
    case 'STARTING':
      return 'blue';
    case 'RETRYING':
      return 'orange';
    default:
      return 'yellow';
  }
}

/** Since submission: to now while active, to its last change once ended. */
export function elapsedMs(simulation: SimulationSummary, nowMs: number): number {
  const end = isActive(simulation.status) ? nowMs : Date.parse(simulation.updatedAt);
  return Math.max(0, end - Date.parse(simulation.createdAt));
}

export function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min ${seconds % 60} s`;
  return `${seconds} s`;
}

const usd = (value: number) => `$${value < 10 ? value.toFixed(2) : value.toFixed(0)}`;

/** The cost cell: what the run cost (final), has cost so far (live), or is expected to cost (estimate). */
export function costOf(simulation: SimulationSummary): {
  kind: 'final' | 'live' | 'estimate' | 'none';
  text: string;
  usd: number;
} {
  if (simulation.cost?.kind === 'final') {
    return { kind: 'final', text: `${usd(simulation.cost.totalUsd)} final`, usd: simulation.cost.totalUsd };
  }
  if (simulation.cost) {
    return { kind: 'live', text: `${usd(simulation.cost.totalUsd)} so far`, usd: simulation.cost.totalUsd };
  }
  if (simulation.estimatedCostUsd) {
    const { low, high, expected } = simulation.estimatedCostUsd;
    return { kind: 'estimate', text: `${usd(low)}–${usd(high)} estimated`, usd: expected };
  }
  return {
    kind: 'none',
    text: simulation.backend === 'local' ? 'None (local)' : 'Not yet known',
    usd: 0,
  };
}

/** The rows in the order the list's sort asks for (a copy). */
export function sortSimulations(
  items: SimulationSummary[],
  sort: SortKey,
  nowMs: number,
): SimulationSummary[] {
  const rows = [...items];
  const byCreated = (a: SimulationSummary, b: SimulationSummary) => a.createdAt.localeCompare(b.createdAt);
  switch (sort) {
    case 'created-asc':
      return rows.sort(byCreated);
    case 'name':
      return rows.sort((a, b) => a.name.localeCompare(b.name) || byCreated(b, a));
    case 'status':
      return rows.sort((a, b) => a.status.localeCompare(b.status) || byCreated(b, a));
    case 'progress-desc':
      return rows.sort((a, b) => (b.progress ?? -1) - (a.progress ?? -1) || byCreated(b, a));
    case 'cost-desc':
      return rows.sort((a, b) => costOf(b).usd - costOf(a).usd || byCreated(b, a));
    case 'elapsed-desc':
      return rows.sort((a, b) => elapsedMs(b, nowMs) - elapsedMs(a, nowMs) || byCreated(b, a));
    default:
      return rows.sort((a, b) => byCreated(b, a));
  }
}
