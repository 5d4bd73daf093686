/**
 * Reconciliation against the Cost and Usage Report (CUR 2.0 with split cost
 * allocation data, docs/COSTS.md): what AWS billed for each job's ECS task
 * next to what the tracker priced, per simulation and attempt. Pure: the
 * line items come from a reader port, the tracked costs from the cost store.
 *
 * An ensemble's array job: each child runs as an ECS task of its own, which
 * the member's attempt records (DescribeJobs of `<parent>:<index>`), so its
 * line items match by task ARN like a single job's. Its tags are the parent's
 * (`gcr:ensemble-id`; a child cannot be tagged), so a line item whose task no
 * member recorded names only the ensemble: it is split among the array's
 * members in proportion to their tracked vCPU-seconds in its hour.
 */
import { roundUsd } from '#shared/science/pricing/cost-formulas.js';
import { instanceVcpus } from '#shared/science/pricing/ec2-prices.js';
import type { AttemptCost, CostReconciliation, SimulationCost } from '#schemas/generated/types.js';

export type { CostReconciliation };

/** One split cost allocation line item: an ECS task's (a Batch job's) part of an EC2 instance for an hour. */
export interface CurLineItem {
  /** `line_item_resource_id`: the ECS task ARN. */
  taskArn: string;
  /** `split_line_item_parent_resource_id`: the EC2 instance. */
  instanceId: string;
  /** `resource_tags['user_gcr_simulation_id']`: the job's tag `gcr:simulation-id`, propagated to its task. */
  simulationId: string | undefined;
  /** `resource_tags['user_gcr_ensemble_id']`: an array job's tag `gcr:ensemble-id`, propagated to its children's tasks. */
  ensembleId?: string | undefined;
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
 * task); an array job's item that names no member goes by its ensemble
 * (`byEnsemble`); others are not ours.
 */
export function lineItemsBySimulation(
  items: Iterable<CurLineItem>,
  simulationOfTask: ReadonlyMap<string, string> = new Map(),
): { bySimulation: Map<string, CurLineItem[]>; byEnsemble: Map<string, CurLineItem[]> } {
  const bySimulation = new Map<string, CurLineItem[]>();
  const byEnsemble = new Map<string, CurLineItem[]>();
  const add = (grouped: Map<string, CurLineItem[]>, key: string, item: CurLineItem) =>
    grouped.set(key, [...(grouped.get(key) ?? []), item]);
  for (const item of items) {
    const simulationId = simulationOfTask.get(item.taskArn) ?? item.simulationId;
    if (simulationId) add(bySimulation, simulationId, item);
    else if (item.ensembleId) add(byEnsemble, item.ensembleId, item);
  }
  return { bySimulation, byEnsemble };
}

/** A member attempt's part of an array job's line item that names no member. */
export interface SplitShare {
  attempt: number;
  usd: number;
}

/** vCPUs an attempt held: its vCPU share of each instance, times the instance's vCPUs and its nodes. */
export function attemptVcpus(attempt: AttemptCost): number {
  return attempt.share.vcpu * (instanceVcpus(attempt.instanceType) ?? 0) * attempt.nodes;
}

/**
 * Splits an array job's line items that name no member among its members'
 * attempts, in proportion to each attempt's tracked vCPU-seconds within the
 * item's hour (an item no attempt overlaps, clocks or an hour's edge: their
 * vCPU-seconds overall). Only attempts with no recorded task take part while
 * any has none: an attempt whose task is known has its own line items. What
 * no attempt can take (no member priced) is `unsplitUsd`.
 */
export function splitArrayLineItems(
  members: readonly SimulationCost[],
  items: readonly CurLineItem[],
  nowMs: number,
): { shares: Map<string, SplitShare[]>; unsplitUsd: number } {
  const all = members.flatMap((cost) =>
    cost.attempts.map((attempt) => ({
      simulationId: cost.simulationId,
      attempt: attempt.attempt,
      vcpus: attemptVcpus(attempt),
      startMs: Date.parse(attempt.startedAt),
      stopMs: attempt.stoppedAt ? Date.parse(attempt.stoppedAt) : nowMs,
      untasked: !attempt.taskArns?.length,
    })),
  );
  const candidates = all.some((a) => a.untasked) ? all.filter((a) => a.untasked) : all;
  const shares = new Map<string, SplitShare[]>();
  let unsplitUsd = 0;
  for (const item of items) {
    const usd = item.splitCostUsd + item.unusedCostUsd;
    let weights = candidates.map(
      (a) => a.vcpus * overlapMs(a.startMs, a.stopMs, item.usageStartMs, item.usageEndMs),
    );
    if (!weights.some((w) => w > 0))
      weights = candidates.map((a) => a.vcpus * Math.max(0, a.stopMs - a.startMs));
    const total = weights.reduce((sum, w) => sum + w, 0);
    if (total <= 0) {
      unsplitUsd += usd;
      continue;
    }
    candidates.forEach((a, i) => {
      if (weights[i]! <= 0) return;
      const memberShares = shares.get(a.simulationId) ?? [];
      memberShares.push({ attempt: a.attempt, usd: (usd * weights[i]!) / total });
      shares.set(a.simulationId, memberShares);
    });
  }
  return { shares, unsplitUsd };
}

/** Tracked vs billed for one simulation, per attempt; `split`: its shares of its array job's unattributed line items. */
export function reconcileSimulation(
  cost: SimulationCost,
  items: readonly CurLineItem[],
  now: Date,
  split: readonly SplitShare[] = [],
): CostReconciliation {
  const billedByAttempt = new Map<number, number>();
  const bill = (attempt: number, usd: number) =>
    billedByAttempt.set(attempt, (billedByAttempt.get(attempt) ?? 0) + usd);
  let unmatched = 0;
  let byTask = 0;
  for (const item of items) {
    const usd = item.splitCostUsd + item.unusedCostUsd;
    const ofTask = attemptOfTask(cost, item.taskArn);
    if (ofTask !== undefined) byTask++;
    const attempt = ofTask ?? attemptByHour(cost, item, now.getTime());
    if (attempt === undefined) unmatched += usd;
    else bill(attempt, usd);
  }
  for (const share of split) bill(share.attempt, share.usd);
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
  const splitUsd = split.reduce((sum, s) => sum + s.usd, 0);
  const billedUsd = roundUsd(items.reduce((sum, i) => sum + i.splitCostUsd + i.unusedCostUsd, 0) + splitUsd);
  return {
    simulationId: cost.simulationId,
    trackedUsd,
    billedUsd,
    differenceUsd: roundUsd(trackedUsd - billedUsd),
    lineItems: items.length,
    lineItemsByTaskArn: byTask,
    unmatchedUsd: roundUsd(unmatched),
    ...(split.length > 0
      ? { attribution: 'split by tracked usage' as const, splitUsd: roundUsd(splitUsd) }
      : {}),
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
  /** The costs of an ensemble's members that ran as children of an array job (none when it is unknown). */
  arrayMembers?: (ensembleId: string) => Promise<SimulationCost[]>;
  /** Stores a reconciliation beside the simulation's cost. */
  store: (reconciliation: CostReconciliation) => Promise<void>;
  now: () => Date;
}

export interface ReconcileReport {
  reconciled: CostReconciliation[];
  /** Simulations (and ensembles, for an array's line items that name no member) the export bills that the tracker has no cost for. */
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
  const now = ports.now();
  const { bySimulation, byEnsemble } = lineItemsBySimulation(await ports.lineItems(), simulationOfTask);
  const untracked: string[] = [];
  const costOf = new Map<string, SimulationCost>();
  const splitOf = new Map<string, SplitShare[]>();
  for (const [ensembleId, items] of byEnsemble) {
    const members = (await ports.arrayMembers?.(ensembleId)) ?? [];
    const { shares, unsplitUsd } = splitArrayLineItems(members, items, now.getTime());
    if (unsplitUsd > 0) untracked.push(ensembleId);
    for (const member of members) costOf.set(member.simulationId, member);
    for (const [simulationId, memberShares] of shares) splitOf.set(simulationId, memberShares);
  }
  const reconciled: CostReconciliation[] = [];
  for (const simulationId of new Set([...bySimulation.keys(), ...splitOf.keys()])) {
    const cost = costOf.get(simulationId) ?? (await ports.costs.get(simulationId));
    if (!cost) {
      untracked.push(simulationId);
      continue;
    }
    const result = reconcileSimulation(
      cost,
      bySimulation.get(simulationId) ?? [],
      now,
      splitOf.get(simulationId),
    );
    await ports.store(result);
    reconciled.push(result);
  }
  return { reconciled, untracked };
}
