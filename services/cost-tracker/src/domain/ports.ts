import type { EventPublisher } from '#shared/kernel/events/publisher.js';
import type { BudgetStore } from '#shared/kernel/repository/budgets.js';
import type { CancelPorts } from '#shared/kernel/repository/cancel.js';
import type { SimulationRepository } from '#shared/kernel/repository/simulations.js';
import type { PricePeriod } from '#shared/science/pricing/cost-formulas.js';
import type {
  CostReconciliation,
  CostSummary,
  Simulation,
  SimulationCost,
} from '#schemas/generated/types.js';

/**
 * How the launch source of an attempt observed on AWS begins (its spot prices
 * come from EC2's price history, `PricingPorts.observedPrices`); a stand-in's
 * says so otherwise.
 */
export const OBSERVED_LAUNCH_SOURCE = 'AWS Batch -> ECS -> EC2';

/** What an attempt ran on, as the backend reports it. */
export interface AttemptLaunch {
  instanceType: string;
  availabilityZone: string;
  purchase: 'spot' | 'on-demand';
  /** Instances of the attempt (multi-node parallel jobs: every node). */
  nodes: number;
  /** Where these facts came from, in words (shown in the cost). */
  source: string;
  /** The attempt's ECS task ARNs (one per node), when the backend says: the CUR line items' resource id. */
  taskArns?: string[];
}

/** Finds what an attempt of a simulation's job ran on; undefined while the backend does not say yet. */
export interface LaunchFacts {
  launchOf(simulation: Simulation, attempt: number): Promise<AttemptLaunch | undefined>;
}

export interface OnDemandPrice {
  usdPerHour: number;
  source: string;
  /** The price table's date. */
  asOf: string;
}

/** Prices as they are when asked; the tracker stores what it got, so a later change rewrites nothing. */
export interface PriceBook {
  onDemand(instanceType: string): OnDemandPrice | undefined;
  /** The spot price periods of an instance type in a zone that overlap [fromMs, toMs]. */
  spotHistory(
    instanceType: string,
    availabilityZone: string,
    fromMs: number,
    toMs: number,
  ): Promise<{ periods: PricePeriod[]; source: string }>;
}

/** A stored cost, and what the store keeps beside it. */
export type StoredCost = SimulationCost;

export type PutCostOutcome = 'written' | 'stale';

/** The cost tracker's own table. */
export interface CostStore {
  get(simulationId: string): Promise<StoredCost | undefined>;
  /**
   * Writes a cost unless the store holds a final one, or one computed from a
   * later simulation version ('stale'): duplicated and shuffled triggers never
   * move a cost back.
   */
  put(cost: StoredCost): Promise<PutCostOutcome>;
  /**
   * Replaces a final cost by one that differs only in its per-month items (S3
   * storage, known once the results processor listed the outputs): written
   * only over the same final cost, same version and total.
   */
  amendFinal(cost: StoredCost): Promise<PutCostOutcome>;
  /** Stores what the CUR billed beside a cost (only over an existing one); a later run replaces it. */
  putReconciliation(reconciliation: CostReconciliation): Promise<void>;
  /** The costs of the simulations submitted in a month (only `owner`'s when given). */
  listMonth(month: string, owner?: string): Promise<StoredCost[]>;
  /** Ids of the simulations whose cost is still accrued (not final), for the hourly accrual. */
  listAccruing(): AsyncIterable<string[]>;
}

export interface CostPolicy {
  /** GiB of each instance's root EBS volume. */
  rootVolumeGiB: number;
}

export interface TrackerPorts {
  repository: Pick<SimulationRepository, 'get'>;
  costs: CostStore;
  /** Budgets and their monthly spend (the simulations table's `#budgets` and `#spend#...` rows). */
  budgets: BudgetStore;
  launches: LaunchFacts;
  prices: PriceBook;
  /** Prices of attempts observed on AWS (EC2's spot price history). */
  observedPrices?: PriceBook;
  publisher: EventPublisher;
  now: () => Date;
  policy: CostPolicy;
  /** Writes the cost in one line on the simulation (`shared/kernel/repository/cost-summary.ts`). */
  writeSummary: (simulationId: string, summary: CostSummary) => Promise<boolean>;
  /** The one cancel path (a run that reached its maxCostUsd). */
  cancel: CancelPorts;
  log?: (message: string, data?: Record<string, unknown>) => void;
}
