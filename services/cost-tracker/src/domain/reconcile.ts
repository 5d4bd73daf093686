/**
 * Reconciliation against the Cost and Usage Report (CUR 2.0 with split cost
 * allocation data, docs/COSTS.md): what AWS billed for each job's ECS task
 * next to what the tracker priced, per simulation and attempt. Pure: the
 * line items come from a reader port, the tracked costs from the cost store.
 */
import { roundUsd } from '#shared/science/pricing/cost-formulas.js';
import type { CostReconciliation, SimulationCost } from '#schemas/generated/types.js';

export type { CostReconciliation };

/** One split cost allocation line item: an ECS task's (a Batch job's) part of an EC2 instance for an hour. */
export interface CurLineItem {
  /** `line_item_resource_id`: the ECS task ARN. */
  taskArn: string;
  /** `split_line_item_parent_resource_id`: the EC2 instance. */
  instanceId: string;
  /** `resource_tags['user_gcr_simulation_id']`: the job's tag `gcr:simulation-id`, propagated to its task. */
  simulationId: string | undefined;
  /** `line_item_usage_start_date` .. `line_item_usage_end_date`. */
  usageStartMs: number;
  usageEndMs: number;
  /** `split_line_item_split_cost`: the task's share of the instance's hour (9:1 vCPU:memory weights). */
  splitCostUsd: number;
  /** `split_line_item_unused_cost`: its share of the instance's unused capacity. */
  unusedCostUsd: number;
}

const overlapMs = (aStart: number, aEnd: number, bStart: number, bEnd: number): number =>
  Math.max(0, Math.min(aEnd, bEnd) - Math.max(aStart, bStart));

/** The attempt whose task the line item names (`line_item_resource_id`). */
function attemptOfTask(cost: SimulationCost, taskArn: string): number | undefined {
  return cost.attempts.find((attempt) => attempt.taskArns?.includes(taskArn))?.attempt;
}

/** The attempt whose run covers most of a line item's hour (an attempt whose task ARN is unknown). */
function attemptByHour(cost: SimulationCost, item: CurLineItem, nowMs: number): number | undefined {
  let best: { attempt: number; ms: number } | undefined;
  for (const attempt of cost.attempts) {
    const start = Date.parse(attempt.startedAt);
    const stop = attempt.stoppedAt ? Date.parse(attempt.stoppedAt) : nowMs;
    const ms = overlapMs(start, stop, item.usageStartMs, item.usageEndMs);
    if (ms > 0 && (!best || ms > best.ms)) best = { attempt: attempt.attempt, ms };
  }
  return best?.attempt;
}

/**
 * Groups line items by simulation: the one whose attempt ran the task the item
 * names (`simulationOfTask`, from the tracked costs' task ARNs), else the one
 * its task's tag names (an export whose tag is not activated still matches by
 * task); others are not ours.
 */
export function lineItemsBySimulation(
  items: Iterable<CurLineItem>,
  simulationOfTask: ReadonlyMap<string, string> = new Map(),
): Map<string, CurLineItem[]> {
  const grouped = new Map<string, CurLineItem[]>();
  for (const item of items) {
    const simulationId = simulationOfTask.get(item.taskArn) ?? item.simulationId;
    if (!simulationId) continue;
    grouped.set(simulationId, [...(grouped.get(simulationId) ?? []), item]);
  }
  return grouped;
}

/** Tracked vs billed for one simulation, per attempt. */
export function reconcileSimulation(
  cost: SimulationCost,
  items: readonly CurLineItem[],
  now: Date,
): CostReconciliation {
  const billedByAttempt = new Map<number, number>();
  let unmatched = 0;
  let byTask = 0;
  for (const item of items) {
    const usd = item.splitCostUsd + item.unusedCostUsd;
    const ofTask = attemptOfTask(cost, item.taskArn);
    if (ofTask !== undefined) byTask++;
    const attempt = ofTask ?? attemptByHour(cost, item, now.getTime());
    if (attempt === undefined) unmatched += usd;
    else billedByAttempt.set(attempt, (billedByAttempt.get(attempt) ?? 0) + usd);
  }
  const attempts = cost.attempts.map((a) => {
    const billedUsd = roundUsd(billedByAttempt.get(a.attempt) ?? 0);
    return {
      attempt: a.attempt,
      trackedUsd: a.computeUsd,
      billedUsd,
      differenceUsd: roundUsd(a.computeUsd - billedUsd),
    };
  });
  const trackedUsd = roundUsd(cost.attempts.reduce((sum, a) => sum + a.computeUsd, 0));
  const billedUsd = roundUsd(items.reduce((sum, i) => sum + i.splitCostUsd + i.unusedCostUsd, 0));
  return {
    simulationId: cost.simulationId,
    trackedUsd,
    billedUsd,
    differenceUsd: roundUsd(trackedUsd - billedUsd),
    lineItems: items.length,
    lineItemsByTaskArn: byTask,
    unmatchedUsd: roundUsd(unmatched),
    attempts,
    reconciledAt: now.toISOString(),
  };
}

export interface ReconcilePorts {
  /** Every split cost allocation line item of the export under the configured prefix. */
  lineItems: () => Promise<CurLineItem[]>;
  costs: { get(simulationId: string): Promise<SimulationCost | undefined> };
  /** The costs whose task ARNs the export may name (those of the simulations submitted in the months it bills). */
  trackedCosts?: () => Promise<SimulationCost[]>;
  /** Stores a reconciliation beside the simulation's cost. */
  store: (reconciliation: CostReconciliation) => Promise<void>;
  now: () => Date;
}

export interface ReconcileReport {
  reconciled: CostReconciliation[];
  /** Simulations the export bills that the tracker has no cost for. */
  untracked: string[];
}

/** Reads the export, reconciles every simulation it bills that has a cost, and stores each result. */
export async function reconcileCosts(ports: ReconcilePorts): Promise<ReconcileReport> {
  const simulationOfTask = new Map<string, string>();
  for (const cost of (await ports.trackedCosts?.()) ?? []) {
    for (const attempt of cost.attempts) {
      for (const taskArn of attempt.taskArns ?? []) simulationOfTask.set(taskArn, cost.simulationId);
    }
  }
  const grouped = lineItemsBySimulation(await ports.lineItems(), simulationOfTask);
  const reconciled: CostReconciliation[] = [];
  const untracked: string[] = [];
  for (const [simulationId, items] of grouped) {
    const cost = await ports.costs.get(simulationId);
    if (!cost) {
      untracked.push(simulationId);
      continue;
    }
    const result = reconcileSimulation(cost, items, ports.now());
    await ports.store(result);
    reconciled.push(result);
  }
  return { reconciled, untracked };
}
