/**
 * Progress of a run in simulated time, its ETA and its projected cost, from
 * the simulation (progress the job reports, the spec's period) and its cost
 * record (what accrued, the running attempt's price).
 */
import type { Simulation, SimulationCost } from '#schemas/generated/types.js';

export interface SimulatedProgress {
  /** 0..1 of the spec's period. */
  fraction: number;
  periodStart: string;
  periodEnd: string;
  simulatedTime?: string;
}

export function simulatedProgress(simulation: Simulation): SimulatedProgress {
  const { start, end } = simulation.spec.period;
  const from = Date.parse(start);
  const to = Date.parse(end);
  const reached = simulation.progress?.simulatedTime;
  let fraction: number;
  if (simulation.status === 'SUCCEEDED') fraction = 1;
  else if (reached && to > from) fraction = (Date.parse(reached) - from) / (to - from);
  else fraction = (simulation.progress?.percent ?? 0) / 100;
  return {
    fraction: Math.min(1, Math.max(0, fraction)),
    periodStart: start,
    periodEnd: end,
    ...(reached ? { simulatedTime: reached } : {}),
  };
}

/** When the running attempt started: the job's own start, else the last RUNNING transition. */
export function runningSince(simulation: Simulation): string | undefined {
  if (simulation.job?.startedAt) return simulation.job.startedAt;
  return simulation.history.findLast((entry) => entry.to === 'RUNNING')?.at;
}

/**
 * Seconds left at the pace so far: elapsed wall time of the running attempt
 * / share of the period it simulated x share left. Undefined before any progress.
 */
export function etaSeconds(simulation: Simulation, now: Date): number | undefined {
  if (simulation.status !== 'RUNNING') return undefined;
  const since = runningSince(simulation);
  const { fraction } = simulatedProgress(simulation);
  if (!since || fraction <= 0 || fraction >= 1) return undefined;
  const elapsed = (now.getTime() - Date.parse(since)) / 1000;
  if (elapsed <= 0) return undefined;
  return (elapsed / fraction) * (1 - fraction);
}

/** USD per hour the running attempt costs: its current price x its share of the instance x nodes. */
export function currentRateUsdPerHour(cost: SimulationCost): number | undefined {
  const running = cost.attempts.findLast((attempt) => !attempt.ended);
  const price = running?.price.periods.at(-1);
  if (!running || !price) return undefined;
  return price.usdPerHour * running.share.applied * running.nodes;
}

export interface ProjectedCost {
  accruedUsd: number;
  rateUsdPerHour?: number;
  remainingSeconds?: number;
  projectedUsd: number;
  final: boolean;
}

/** Projected cost = accrued so far + rate of the running attempt x time left (ETA); the final figure once ended. */
export function projectedCost(cost: SimulationCost, remainingSeconds: number | undefined): ProjectedCost {
  if (cost.kind === 'final') return { accruedUsd: cost.totalUsd, projectedUsd: cost.totalUsd, final: true };
  const rate = currentRateUsdPerHour(cost);
  const extra = rate !== undefined && remainingSeconds !== undefined ? (rate * remainingSeconds) / 3600 : 0;
  return {
    accruedUsd: cost.totalUsd,
    ...(rate !== undefined ? { rateUsdPerHour: rate } : {}),
    ...(remainingSeconds !== undefined ? { remainingSeconds } : {}),
    projectedUsd: cost.totalUsd + extra,
    final: false,
  };
}
