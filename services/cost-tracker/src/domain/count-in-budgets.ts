import { DetailType, Source } from '#shared/kernel/events/catalog.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import {
  budgetKeysOf,
  monthOf,
  PENDING_THRESHOLD_AGE_MS,
  type BudgetDefinition,
} from '#shared/kernel/repository/budgets.js';
import { storedSpec } from '#shared/science/spec/validate-spec.js';
import type { BudgetThresholdCrossedDetail, Simulation, SimulationCost } from '#schemas/generated/types.js';
import type { TrackerPorts } from './ports.js';

function thresholdCrossed(
  definition: BudgetDefinition,
  owner: string,
  month: string,
  spentUsd: number,
  threshold: number,
): OutgoingEvent {
  const detail: BudgetThresholdCrossedDetail = {
    schemaVersion: '1',
    owner: definition.owner ?? owner,
    month,
    budgetUsd: definition.limitUsd,
    spentUsd: Math.round(spentUsd * 10_000) / 10_000,
    thresholdPercent: threshold,
    budget: definition.budget,
    alertOnly: definition.alertOnly,
  };
  return {
    source: Source.costTracker,
    detailType: DetailType.BudgetThresholdCrossed,
    detail,
    resources: [definition.budget],
  };
}

/**
 * Counts a simulation's cost in the month it was submitted, in every budget
 * that covers it (its owner's, its tags'), and announces each threshold a
 * budget's spend passed: `Budget Threshold Crossed` once per threshold per
 * budget per month, however often and in whatever order costs arrive (the
 * spend counts each simulation's cost once; a conditional write takes each
 * threshold once, and only its taker publishes).
 */
export async function countInBudgets(
  ports: Pick<TrackerPorts, 'budgets' | 'publisher' | 'now'>,
  simulation: Simulation,
  cost: SimulationCost,
): Promise<number> {
  const month = monthOf(simulation.createdAt);
  const definitions = await ports.budgets.definitions();
  const nowMs = ports.now().getTime();
  let published = 0;
  for (const key of budgetKeysOf(simulation.owner, storedSpec(simulation).tags)) {
    const definition = definitions.get(key);
    // An owner's spend is kept budget or not (a budget set mid-month starts from
    // the truth); a tag's only under a budget: a tag on thousands of runs would
    // be one hot, ever-growing row
    if (!definition && !key.startsWith('owner:')) continue;
    const recorded = await ports.budgets.recordSpend(key, month, simulation.id, cost.totalUsd);
    if (!definition) continue;
    // A duplicate changes no spend, but may find a threshold whose taker died before publishing
    const spend = recorded ?? (await ports.budgets.spend([key], month)).get(key)!;
    for (const threshold of [...definition.thresholds].sort((a, b) => a - b)) {
      const state = spend.crossed[String(threshold)];
      if (state === 'published') continue;
      if (state === undefined) {
        if (spend.spentUsd < (definition.limitUsd * threshold) / 100) break;
        if (!(await ports.budgets.claimThreshold(key, month, threshold, nowMs))) continue;
      } else if (nowMs - Number(state.split(':')[1] ?? 0) < PENDING_THRESHOLD_AGE_MS) {
        continue; // its taker is publishing it
      }
      await ports.publisher.publish([
        thresholdCrossed(definition, simulation.owner, month, spend.spentUsd, threshold),
      ]);
      await ports.budgets.markPublished(key, month, threshold);
      published++;
    }
  }
  return published;
}
