/**
 * The cost tracker's clients and ports, each built at its first use and then
 * shared by the bundle. Factories, not constants: a handler's bundle carries
 * only what its factories reach.
 */
import {
  batchClient,
  dynamoDocumentClient,
  ec2Client,
  ecsClient,
  eventBridgeClient,
  s3Client,
} from '#shared/kernel/aws/clients.js';
import { createEventBridgePublisher, type EventPublisher } from '#shared/kernel/events/publisher.js';
import { logger } from '#shared/kernel/powertools.js';
import {
  createDynamoSimulationRepository,
  type SimulationRepository,
} from '#shared/kernel/repository/simulations.js';
import { createBudgetStore, type BudgetStore } from '#shared/kernel/repository/budgets.js';
import { writeBilledCost, writeCostSummary } from '#shared/kernel/repository/cost-summary.js';
import { createDynamoEnsembleStore } from '#shared/kernel/repository/ensembles.js';
import { createArrayMemberCosts } from './adapters/array-member-costs.js';
import { createDynamoCostStore } from './adapters/dynamo-cost-store.js';
import {
  createBatchLaunchFacts,
  createBatchTaskArns,
  launchFactsByBackend,
} from './adapters/batch-launch-facts.js';
import { createEc2PriceBook, createFixturePriceBook } from './adapters/price-book.js';
import { createS3CurExport } from './adapters/s3-cur-export.js';
import { createSpecLaunchFacts } from './adapters/spec-launch-facts.js';
import { config } from './config.js';
import type { BudgetApiPorts } from './domain/budgets-api.js';
import type { CostReportPorts } from './domain/cost-report.js';
import type { CostApiPorts } from './domain/get-cost.js';
import type { ReconcilePorts } from './domain/reconcile.js';
import type { CostStore, LaunchFacts, PriceBook, TrackerPorts } from './domain/ports.js';

let simulations: SimulationRepository | undefined;
function repository(): SimulationRepository {
  return (simulations ??= createDynamoSimulationRepository(dynamoDocumentClient(), config));
}

let events: EventPublisher | undefined;
function publisher(): EventPublisher {
  return (events ??= createEventBridgePublisher({
    client: eventBridgeClient(),
    eventBusName: config.eventBusName,
  }));
}

let store: CostStore | undefined;
function costs(): CostStore {
  return (store ??= createDynamoCostStore(dynamoDocumentClient(), {
    tableName: config.costsTable,
    shards: config.accruingShards,
  }));
}

let budgetStore: BudgetStore | undefined;
function budgets(): BudgetStore {
  return (budgetStore ??= createBudgetStore(dynamoDocumentClient(), config.tableName));
}

let launchFacts: LaunchFacts | undefined;
function launches(): LaunchFacts {
  return (launchFacts ??= launchFactsByBackend(
    // Built at the first aws-batch attempt: the local platform never creates the ECS and EC2 clients.
    () =>
      (batchFacts ??= createBatchLaunchFacts({ batch: batchClient(), ecs: ecsClient(), ec2: ec2Client() })),
    createSpecLaunchFacts({ availabilityZone: config.standInAvailabilityZone }),
    (message, data) => logger.warn(message, data),
    // The local backend's jobs run on the local Batch emulator, which records each attempt's task.
    createBatchTaskArns(batchClient()),
  ));
}
let batchFacts: LaunchFacts | undefined;

let priceBook: PriceBook | undefined;
function prices(): PriceBook {
  return (priceBook ??= createFixturePriceBook());
}

let ec2Prices: PriceBook | undefined;
/** Spot prices of attempts observed on AWS; the EC2 client is created at the first spot history asked for. */
function observedPrices(): PriceBook {
  return (ec2Prices ??= {
    onDemand: (instanceType) => prices().onDemand(instanceType),
    spotHistory: (...args) => (realEc2Prices ??= createEc2PriceBook(ec2Client())).spotHistory(...args),
  });
}
let realEc2Prices: PriceBook | undefined;

const policy = { rootVolumeGiB: config.rootVolumeGiB };
const now = (): Date => new Date();

let tracker: TrackerPorts | undefined;
/** trackCost (status changes) and accrueCosts (hourly). */
export function trackerPorts(): TrackerPorts {
  return (tracker ??= {
    repository: repository(),
    costs: costs(),
    budgets: budgets(),
    launches: launches(),
    prices: prices(),
    observedPrices: observedPrices(),
    publisher: publisher(),
    now,
    policy,
    writeSummary: (simulationId, summary) =>
      writeCostSummary(dynamoDocumentClient(), config.tableName, simulationId, summary),
    cancel: {
      repository: repository(),
      publisher: publisher(),
      now,
      onPublishFailure: (err, simulationId) =>
        logger.error('cost-limit cancel event not published; the next poll acts on CANCELLING', {
          simulationId,
          error: err as Error,
        }),
    },
    log: (message, data) => logger.warn(message, data ?? {}),
  });
}

let api: CostApiPorts | undefined;
/** GET /simulations/{id}/cost. */
export function costApiPorts(): CostApiPorts {
  return (api ??= {
    repository: repository(),
    costs: costs(),
    launches: launches(),
    prices: prices(),
    observedPrices: observedPrices(),
    policy,
    now,
  });
}

let budgetApi: BudgetApiPorts | undefined;
/** GET/PUT/DELETE /budgets. */
export function budgetApiPorts(): BudgetApiPorts {
  return (budgetApi ??= { budgets: budgets(), now });
}

let report: CostReportPorts | undefined;
/** GET /costs. */
export function costReportPorts(): CostReportPorts {
  return (report ??= { costs: costs(), now });
}

/** The calendar month `offset` months from `now`'s ("2026-12", -1 -> "2026-11"). */
const monthAt = (now: Date, offset: number): string =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString().slice(0, 7);

/** This month's billing period and the previous one (the export keeps amending a closed month for days). */
function billingPeriods(now: Date): string[] {
  return [monthAt(now, -1), monthAt(now, 0)];
}

let reconcile: ReconcilePorts | undefined;
/** The daily reconciliation against the CUR 2.0 export. */
export function reconcilePorts(): ReconcilePorts {
  return (reconcile ??= (() => {
    const exported = createS3CurExport({
      client: s3Client(),
      bucket: config.curBucket,
      prefix: config.curPrefix,
    });
    return {
      lineItems: async () => {
        if (config.curBucket) return exported.lineItems(billingPeriods(now()));
        logger.warn('COST_CUR_BUCKET is not set: no export to reconcile against');
        return [];
      },
      costs: costs(),
      // A run billed in these periods was submitted in one of them, or (a long one) the month before.
      trackedCosts: async () => {
        const months = [monthAt(now(), -2), ...billingPeriods(now())];
        return (await Promise.all(months.map((month) => costs().listMonth(month)))).flat();
      },
      arrayMembers: createArrayMemberCosts({
        ensembles: createDynamoEnsembleStore(dynamoDocumentClient(), config.tableName),
        simulations: repository(),
        costs: costs(),
      }),
      store: async (reconciliation) => {
        await costs().putReconciliation(reconciliation);
        await writeBilledCost(
          dynamoDocumentClient(),
          config.tableName,
          reconciliation.simulationId,
          reconciliation.billedUsd,
        );
      },
      now,
    };
  })());
}

export const accrualConcurrency = config.accrualConcurrency;
