import { ConflictError } from '#shared/kernel/errors.js';
import { DetailType, Source } from '#shared/kernel/events/catalog.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { requestCancel } from '#shared/kernel/repository/cancel.js';
import { isTerminal } from '#shared/kernel/status.js';
import type { Simulation, SimulationCost, SimulationCostUpdatedDetail } from '#schemas/generated/types.js';
import { countInBudgets } from './count-in-budgets.js';
import type { TrackerPorts } from './ports.js';
import { priceSimulation, storageItem } from './price-simulation.js';

/** The reason a run at its maxCostUsd is cancelled with (its history's CANCELLING entry). */
export const COST_LIMIT_REASON = 'cost limit reached';

export type RecordOutcome = 'written' | 'unchanged' | 'final-already' | 'stale' | 'missing';

export interface RecordResult {
  outcome: RecordOutcome;
  cost?: SimulationCost;
  /** True when this update found the run at its maxCostUsd and asked for its cancel. */
  cancelled?: boolean;
}

function costUpdated(cost: SimulationCost, limitReached: boolean): OutgoingEvent {
  const detail: SimulationCostUpdatedDetail = {
    schemaVersion: '1',
    simulationId: cost.simulationId,
    owner: cost.owner,
    kind: cost.kind,
    amountUsd: cost.totalUsd,
    simulationVersion: cost.simulationVersion,
    status: cost.status,
    ...(cost.maxCostUsd !== undefined ? { maxCostUsd: cost.maxCostUsd } : {}),
    ...(limitReached ? { costLimitReached: true } : {}),
  };
  return {
    source: Source.costTracker,
    detailType: DetailType.SimulationCostUpdated,
    detail,
    resources: [cost.simulationId],
  };
}

/** Whether a new computation says anything the stored one did not (an hourly run of a parked job writes nothing). */
function changed(stored: SimulationCost | undefined, next: SimulationCost): boolean {
  if (!stored) return true;
  return (
    stored.kind !== next.kind ||
    stored.simulationVersion !== next.simulationVersion ||
    stored.totalUsd !== next.totalUsd ||
    stored.attempts.length !== next.attempts.length
  );
}

function limitReached(simulation: Simulation, cost: SimulationCost): boolean {
  return (
    cost.maxCostUsd !== undefined &&
    !isTerminal(simulation.status) &&
    simulation.status !== 'CANCELLING' &&
    cost.totalUsd >= cost.maxCostUsd
  );
}

/**
 * A final cost's S3 storage per month, once the results processor listed the
 * outputs (`Simulation Results Ready`); nothing else of a final cost changes.
 */
async function amendStorage(
  ports: TrackerPorts,
  simulation: Simulation,
  stored: SimulationCost,
): Promise<RecordResult> {
  const storage = storageItem(simulation);
  const before = stored.items.find((item) => item.item === 's3-storage');
  if (!storage.known || (before?.known && before.quantity === storage.quantity)) {
    return { outcome: 'final-already', cost: stored };
  }
  const amended: SimulationCost = {
    ...stored,
    items: stored.items.map((item) => (item.item === 's3-storage' ? storage : item)),
  };
  if ((await ports.costs.amendFinal(amended)) === 'stale') return { outcome: 'stale' };
  return { outcome: 'written', cost: amended };
}

/**
 * Brings one simulation's cost up to date, from the simulations table (the
 * truth), whatever triggered it: a status change (at least once, duplicated,
 * out of order) or the hourly accrual. A final cost is never rewritten; a cost
 * of an older simulation version never replaces a newer one. A running
 * simulation whose accrued cost reached its maxCostUsd is cancelled through the
 * platform's one cancel path.
 */
export async function recordCost(ports: TrackerPorts, simulationId: string): Promise<RecordResult> {
  const [simulation, stored] = await Promise.all([
    ports.repository.get(simulationId),
    ports.costs.get(simulationId),
  ]);
  if (!simulation) return { outcome: 'missing' };
  if (stored?.kind === 'final') return amendStorage(ports, simulation, stored);
  if (stored && stored.simulationVersion > simulation.version) return { outcome: 'stale', cost: stored };

  const cost = await priceSimulation(ports, simulation, stored, ports.now());
  if (!changed(stored, cost)) {
    // Its budgets may not have counted it yet (a delivery that failed after the cost write)
    if (stored) await countInBudgets(ports, simulation, stored);
    return { outcome: 'unchanged', cost: stored };
  }
  if ((await ports.costs.put(cost)) === 'stale') return { outcome: 'stale' };

  await ports.writeSummary(simulation.id, {
    kind: cost.kind,
    totalUsd: cost.totalUsd,
    ...(cost.maxCostUsd !== undefined ? { maxCostUsd: cost.maxCostUsd } : {}),
    simulationVersion: cost.simulationVersion,
    // The summary is written whole: a reconciled run's billed figure stays on it.
    ...(cost.reconciliation ? { billedUsd: cost.reconciliation.billedUsd } : {}),
    updatedAt: cost.updatedAt,
  });
  const atLimit = limitReached(simulation, cost);
  await ports.publisher.publish([costUpdated(cost, atLimit)]);
  await countInBudgets(ports, simulation, cost);
  if (!atLimit) return { outcome: 'written', cost };
  try {
    await requestCancel(ports.cancel, {
      id: simulation.id,
      load: async () => (await ports.repository.get(simulation.id)) ?? simulation,
      source: Source.costTracker,
      reason: `${COST_LIMIT_REASON}: accrued $${cost.totalUsd.toFixed(2)} of the $${cost.maxCostUsd} maxCostUsd`,
      requestedBy: 'cost-tracker',
    });
  } catch (err) {
    // It ended meanwhile: nothing left to stop.
    if (!(err instanceof ConflictError)) throw err;
  }
  return { outcome: 'written', cost, cancelled: true };
}

export interface AccrualReport {
  simulations: number;
  written: number;
  cancelled: number;
  failed: number;
}

/** The hourly accrual: every cost not yet final, brought up to date, a few at a time. */
export async function accrueRunning(ports: TrackerPorts, concurrency = 8): Promise<AccrualReport> {
  const report: AccrualReport = { simulations: 0, written: 0, cancelled: 0, failed: 0 };
  for await (const ids of ports.costs.listAccruing()) {
    const queue = [...ids];
    report.simulations += ids.length;
    const worker = async (): Promise<void> => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          const result = await recordCost(ports, id);
          if (result.outcome === 'written') report.written++;
          if (result.cancelled) report.cancelled++;
        } catch (err) {
          // One simulation's failure is the next hour's retry, not the others' loss.
          report.failed++;
          ports.log?.('accrual failed for a simulation', { simulationId: id, error: (err as Error).message });
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }
  return report;
}
