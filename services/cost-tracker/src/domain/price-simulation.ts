/**
 * A simulation's cost from what the simulations table says of its job, the
 * launch facts of each attempt, and the prices stored at each attempt's launch
 * (docs/COSTS.md). Pure but for the ports it asks about attempts seen for the
 * first time: an attempt already priced keeps its stored price.
 */
import { estimateRun } from '#shared/science/estimate/estimate-run.js';
import {
  ebsRootVolumeUsd,
  instanceShare,
  integratePrice,
  periodsOver,
  roundUsd,
  s3StoragePerMonthUsd,
  STORAGE_PRICES,
  type PricePeriod,
} from '#shared/science/pricing/cost-formulas.js';
import { storedSpec } from '#shared/science/spec/validate-spec.js';
import { monthOf } from '#shared/kernel/repository/budgets.js';
import { simulationAttempt } from '#shared/kernel/compute/attempts.js';
import { isTerminal } from '#shared/kernel/status.js';
import type {
  AttemptCost,
  CostHeadline,
  CostItem,
  Simulation,
  SimulationCost,
} from '#schemas/generated/types.js';
import { OBSERVED_LAUNCH_SOURCE, type LaunchFacts, type PriceBook, type CostPolicy } from './ports.js';

export interface PricingPorts {
  launches: LaunchFacts;
  /** Prices of stand-in attempts (the local backend's: the spot fixture). */
  prices: PriceBook;
  /** Prices of attempts observed on AWS (EC2's spot price history); `prices` when absent. */
  observedPrices?: PriceBook;
  policy: CostPolicy;
}

/** The price book of an attempt: where it really ran, EC2's history; a stand-in, the fixture. */
function priceBookOf(ports: PricingPorts, launchSource: string | undefined): PriceBook {
  const observed = launchSource?.startsWith(OBSERVED_LAUNCH_SOURCE) ?? false;
  return observed && ports.observedPrices ? ports.observedPrices : ports.prices;
}

interface AttemptTimes {
  /** The simulation's attempt (its job's, counted on from the attempts of its earlier jobs). */
  attempt: number;
  /** The attempt as the job's backend numbers it (from 1 in each job). */
  jobAttempt: number;
  startedMs: number;
  /** Undefined while it runs. */
  stoppedMs?: number;
  statusReason?: string;
}

const ms = (iso: string | undefined): number | undefined => (iso ? Date.parse(iso) : undefined);

/** When the simulation last entered `status` (history), for attempts the job record gives no time for. */
function lastEntered(simulation: Simulation, status: Simulation['status']): number | undefined {
  const entry = simulation.history.findLast((h) => h.to === status);
  return ms(entry?.at);
}

/**
 * Every attempt that started: Batch lists an attempt once its container
 * stopped (job.attempts); the current one, still running or ended without a
 * listing (a cancel, a lost job), is job.attempt with the job's start, or the
 * last move to RUNNING when the job's start is an earlier attempt's.
 */
export function attemptTimes(simulation: Simulation): AttemptTimes[] {
  const job = simulation.job;
  if (!job) return [];
  const times: AttemptTimes[] = [];
  (job.attempts ?? []).forEach((a, index) => {
    const startedMs = ms(a.startedAt);
    if (startedMs === undefined) return;
    times.push({
      attempt: simulationAttempt(job, index + 1),
      jobAttempt: index + 1,
      startedMs,
      stoppedMs: ms(a.stoppedAt) ?? startedMs,
      ...(a.statusReason ? { statusReason: a.statusReason } : {}),
    });
  });
  const listed = job.attempts?.length ?? 0;
  if (job.attempt > listed) {
    const lastStop = times.at(-1)?.stoppedMs ?? 0;
    const jobStart = ms(job.startedAt);
    const startedMs =
      jobStart !== undefined && jobStart >= lastStop ? jobStart : lastEntered(simulation, 'RUNNING');
    if (startedMs !== undefined && startedMs >= lastStop) {
      const ended = isTerminal(simulation.status);
      const stoppedMs = ended ? (ms(job.stoppedAt) ?? ms(simulation.updatedAt)) : undefined;
      times.push({
        attempt: simulationAttempt(job, job.attempt),
        jobAttempt: job.attempt,
        startedMs,
        ...(stoppedMs !== undefined ? { stoppedMs: Math.max(startedMs, stoppedMs) } : {}),
      });
    }
  }
  return times;
}

function toPeriods(stored: AttemptCost['price']['periods']): PricePeriod[] {
  return stored.map((p) => ({ fromMs: Date.parse(p.from), usdPerHour: p.usdPerHour }));
}

function fromPeriods(periods: PricePeriod[]): AttemptCost['price']['periods'] {
  return periods.map((p) => ({ from: new Date(p.fromMs).toISOString(), usdPerHour: p.usdPerHour }));
}

/** The price of an attempt: stored at its launch; spot periods after the last stored one are appended. */
async function attemptPrice(
  ports: PricingPorts,
  launch: Pick<AttemptCost, 'instanceType' | 'availabilityZone' | 'purchase'>,
  launchSource: string | undefined,
  times: AttemptTimes,
  endMs: number,
  stored: AttemptCost | undefined,
  nowIso: string,
): Promise<AttemptCost['price']> {
  if (stored && (stored.purchase === 'on-demand' || stored.ended)) return stored.price;
  const prices = priceBookOf(ports, launchSource);
  if (launch.purchase === 'on-demand') {
    const price = prices.onDemand(launch.instanceType);
    return price
      ? {
          source: price.source,
          asOf: price.asOf,
          periods: [{ from: new Date(times.startedMs).toISOString(), usdPerHour: price.usdPerHour }],
        }
      : { source: `no on-demand price for ${launch.instanceType}`, asOf: nowIso, periods: [] };
  }
  const kept = stored ? toPeriods(stored.price.periods) : [];
  const fetchFrom = kept.at(-1)?.fromMs ?? times.startedMs;
  const history = await prices.spotHistory(launch.instanceType, launch.availabilityZone, fetchFrom, endMs);
  const later = periodsOver(history.periods, fetchFrom, endMs).filter(
    (p) => kept.length === 0 || p.fromMs > kept.at(-1)!.fromMs,
  );
  return {
    source: stored?.price.source ?? history.source,
    asOf: nowIso,
    periods: fromPeriods([...kept, ...later]),
  };
}

function jobResources(simulation: Simulation): { vcpus: number; memoryMiB: number } {
  const compute = storedSpec(simulation).compute;
  return { vcpus: compute.vcpus, memoryMiB: compute.memoryMiB };
}

async function priceAttempt(
  ports: PricingPorts,
  simulation: Simulation,
  times: AttemptTimes,
  stored: AttemptCost | undefined,
  nowMs: number,
): Promise<AttemptCost | undefined> {
  const launch = stored ?? (await ports.launches.launchOf(simulation, times.jobAttempt));
  if (!launch) return undefined;
  const nodes = launch.nodes;
  const share = stored?.share ?? instanceShare(launch.instanceType, jobResources(simulation));
  const endMs = times.stoppedMs ?? Math.max(times.startedMs, nowMs);
  const nowIso = new Date(nowMs).toISOString();
  const launchSource = stored ? stored.launchSource : 'source' in launch ? launch.source : undefined;
  const price = await attemptPrice(ports, launch, launchSource, times, endMs, stored, nowIso);
  const seconds = (endMs - times.startedMs) / 1000;
  const perInstance = integratePrice(toPeriods(price.periods), times.startedMs, endMs);
  return {
    attempt: times.attempt,
    instanceType: launch.instanceType,
    availabilityZone: launch.availabilityZone,
    purchase: launch.purchase,
    nodes,
    ...(launchSource !== undefined ? { launchSource } : {}),
    ...(launch.taskArns?.length ? { taskArns: launch.taskArns } : {}),
    share,
    price,
    startedAt: new Date(times.startedMs).toISOString(),
    ...(times.stoppedMs !== undefined ? { stoppedAt: new Date(times.stoppedMs).toISOString() } : {}),
    seconds: Math.round(seconds),
    computeUsd: roundUsd(perInstance * share.applied * nodes),
    ebsUsd: roundUsd(ebsRootVolumeUsd(seconds, ports.policy.rootVolumeGiB, share.applied, nodes)),
    ended: times.stoppedMs !== undefined,
    ...(times.statusReason ? { statusReason: times.statusReason } : {}),
  };
}

/** The S3 storage item: per month, known once the results processor has listed the outputs. */
export function storageItem(simulation: Simulation): CostItem {
  const outputBytes = simulation.results?.totalBytes;
  return {
    item: 's3-storage',
    usd: outputBytes !== undefined ? roundUsd(s3StoragePerMonthUsd(outputBytes)) : 0,
    perMonth: true,
    known: outputBytes !== undefined,
    ...(outputBytes !== undefined ? { quantity: outputBytes, unit: 'bytes' } : {}),
    includes: `S3 Standard storage of the run's outputs per month ($${STORAGE_PRICES.s3StandardPerGbMonth}/GB-month), once the results processor has listed them`,
    leavesOut:
      'request charges, the run directory and logs (kilobytes), storage classes other than Standard; per month, so not in totalUsd',
  };
}

function items(attempts: AttemptCost[], simulation: Simulation, policy: CostPolicy): CostItem[] {
  const compute = attempts.reduce((sum, a) => sum + a.computeUsd, 0);
  const ebs = attempts.reduce((sum, a) => sum + a.ebsUsd, 0);
  return [
    {
      item: 'compute',
      usd: roundUsd(compute),
      perMonth: false,
      known: true,
      includes: `EC2 time of every attempt (${attempts.length}), retried spot attempts included, at the job's share of each instance (max of vCPU and memory share) times its nodes, at the price in force at the attempt's launch (spot: the zone's price history over the attempt)`,
      leavesOut:
        'time an instance idles before or after the job (Batch scales it in), other jobs packed on the same instance, savings plans and credits',
    },
    {
      item: 'ebs-root-volume',
      usd: roundUsd(ebs),
      perMonth: false,
      known: true,
      quantity: policy.rootVolumeGiB,
      unit: 'GiB per instance',
      includes: `the root gp3 volume (${policy.rootVolumeGiB} GiB at $${STORAGE_PRICES.ebsGp3PerGbMonth}/GB-month) of each instance for each attempt's duration, at the job's share`,
      leavesOut: 'IOPS or throughput above gp3 baseline, snapshots, scratch volumes of a launch template',
    },
    storageItem(simulation),
    {
      item: 'transfer-out',
      usd: 0,
      perMonth: false,
      known: false,
      includes: 'nothing yet: downloads go through presigned S3 URLs, which the platform does not meter',
      leavesOut: `data transfer out to the internet ($${STORAGE_PRICES.transferOutPerGb}/GB); input staging from the public GEOS-Chem bucket is in-region and free`,
    },
  ];
}

function headline(
  simulation: Simulation,
  totalUsd: number,
  final: boolean,
  instanceType?: string,
): CostHeadline {
  const spec = storedSpec(simulation);
  const simulatedDays = (Date.parse(spec.period.end) - Date.parse(spec.period.start)) / 86_400_000;
  const result: CostHeadline = { simulatedDays: Number(simulatedDays.toFixed(4)) };
  if (final && simulatedDays > 0) result.costPerSimulatedDayUsd = roundUsd(totalUsd / simulatedDays);
  try {
    const estimate = estimateRun(spec);
    const option =
      estimate.options.find((o) => o.instanceType === instanceType) ??
      estimate.options.find((o) => o.instanceType === estimate.recommended.instanceType)!;
    result.estimate = {
      instanceType: option.instanceType,
      lowUsd: option.costUsd.low,
      expectedUsd: option.costUsd.expected,
      highUsd: option.costUsd.high,
    };
    if (final && option.costUsd.expected > 0) {
      result.finalOverExpected = Number((totalUsd / option.costUsd.expected).toFixed(3));
    }
  } catch {
    // A spec the estimator cannot serve (none today) leaves the estimate out.
  }
  return result;
}

/** The cost of a simulation now: final when it ended, accrued otherwise. */
export async function priceSimulation(
  ports: PricingPorts,
  simulation: Simulation,
  stored: SimulationCost | undefined,
  now: Date,
): Promise<SimulationCost> {
  const storedAttempts = new Map((stored?.attempts ?? []).map((a) => [a.attempt, a]));
  // Attempts of earlier jobs (a paused run, resumed as a new job) are no longer in its job record:
  // their stored, ended costs stand. The paused time between costs nothing: no attempt ran.
  const attemptsBefore = simulation.job?.attemptsBefore ?? 0;
  const attempts: AttemptCost[] = (stored?.attempts ?? []).filter((a) => a.attempt <= attemptsBefore);
  for (const times of attemptTimes(simulation)) {
    const priced = await priceAttempt(
      ports,
      simulation,
      times,
      storedAttempts.get(times.attempt),
      now.getTime(),
    );
    if (priced) attempts.push(priced);
  }
  const costItems = items(attempts, simulation, ports.policy);
  const totalUsd = roundUsd(costItems.filter((i) => !i.perMonth).reduce((sum, i) => sum + i.usd, 0));
  const final = isTerminal(simulation.status);
  const spec = storedSpec(simulation);
  const maxCostUsd = spec.maxCostUsd;
  return {
    simulationId: simulation.id,
    owner: simulation.owner,
    month: monthOf(simulation.createdAt),
    simulationType: spec.simulation.type,
    ...(spec.tags && Object.keys(spec.tags).length > 0 ? { tags: spec.tags } : {}),
    kind: final ? 'final' : 'accrued',
    status: simulation.status,
    simulationVersion: simulation.version,
    currency: 'USD',
    totalUsd,
    items: costItems,
    attempts,
    ...(maxCostUsd !== undefined ? { maxCostUsd } : {}),
    headline: headline(simulation, totalUsd, final, attempts[0]?.instanceType),
    // What the CUR billed stays beside the cost as it is re-priced (a long run is reconciled daily).
    ...(stored?.reconciliation ? { reconciliation: stored.reconciliation } : {}),
    updatedAt: now.toISOString(),
    ...(final ? { finalAt: now.toISOString() } : {}),
  };
}
