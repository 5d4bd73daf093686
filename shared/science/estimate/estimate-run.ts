/**
 * Expected wall time and cost of a run on the instance choices that fit it,
 * scaled from published GEOS-Chem timings on AWS (published-timings.json,
 * work-model.ts) and priced from the EC2 on-demand table (shared/science/pricing/).
 * See docs/INPUTS-AND-ESTIMATES.md for the model and its uncertainty.
 */
import type { EstimateOption, RunEstimate } from '#schemas/generated/types.js';
import {
  PRICING_SOURCE,
  instanceFamily,
  instanceMemoryGiB,
  instanceVcpus,
  onDemandPricePerHour,
} from '../pricing/ec2-prices.js';
import { instanceArchitecture, type ResolvedSimulationSpec } from '../spec/validate-spec.js';
import { DEFAULT_GCHP_CORES, EFA_INSTANCE_TYPES, GCHP_LIMITS, efaInstanceType } from '../spec/gchp-rules.js';
import type { CubedSphereResolution } from '../spec/gchp-rules.js';
import {
  PUBLISHED_ROWS,
  REFERENCE,
  THREAD_EXPONENT,
  TIMINGS,
  classicWallSeconds,
  cubedSphereCells,
  domainCells,
  extraOptionFactor,
  familySpeed,
  gchpWallSeconds,
  globalCells,
  simulationFactor,
  timestepFactor,
} from './work-model.js';
import type { GridResolution } from '#schemas/generated/types.js';

/** Instance choices considered when the spec names none. */
export const CLASSIC_CANDIDATES: Record<'x86_64' | 'arm64', readonly string[]> = {
  x86_64: ['c5.4xlarge', 'c5.9xlarge', 'c7i.4xlarge', 'c7i.8xlarge', 'c7i.16xlarge'],
  arm64: ['c6g.8xlarge', 'c7g.4xlarge', 'c7g.8xlarge', 'c7g.16xlarge'],
};
/** GCHP node choices: the EFA-capable types of the architecture that the pricing table prices. */
export function gchpCandidates(architecture: 'x86_64' | 'arm64'): string[] {
  return EFA_INSTANCE_TYPES.filter(
    (entry) => entry.architecture === architecture && onDemandPricePerHour(entry.instanceType) !== undefined,
  ).map((entry) => entry.instanceType);
}

function gchpCoreSpeed(instanceType: string): number {
  const table = TIMINGS.gchp.coreSpeed as Record<string, number>;
  return table[instanceType] ?? table.default!;
}

interface GchpFields {
  cores?: number;
  nodes?: number;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

function range(expected: number, factor: number, digits: number): EstimateOption['wallSeconds'] {
  return {
    low: round(expected / factor, digits),
    expected: round(expected, digits),
    high: round(expected * factor, digits),
  };
}

function maxCostOf(spec: ResolvedSimulationSpec): number | undefined {
  const value = (spec as { maxCostUsd?: number }).maxCostUsd;
  return typeof value === 'number' ? value : undefined;
}

function hoursText(seconds: number): string {
  return seconds < 3600 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;
}

export function estimateRun(spec: ResolvedSimulationSpec): RunEstimate {
  const gchp = (spec as { model?: string }).model === 'gchp';
  const simulatedDays = (Date.parse(spec.period.end) - Date.parse(spec.period.start)) / 86_400_000;
  const purchase = gchp ? 'on-demand' : spec.compute.purchase;
  const spotFraction = purchase === 'spot' ? TIMINGS.spotFraction : undefined;
  const warnings: RunEstimate['warnings'] = [];
  const assumptions: string[] = [];
  const u = TIMINGS.uncertainty;

  // Extrapolations beyond the published cases widen the range
  const simType = spec.simulation.type;
  const extra = spec.simulation.extraOption;
  let specFactor = u.base;
  if (simType !== 'fullchem' || extraOptionFactor(extra) !== 1) specFactor *= u.simulationOrOption;
  const fine =
    !gchp && (spec.grid.nestedDomain !== 'global' || !['4x5', '2x2.5'].includes(spec.grid.resolution));
  if (fine) specFactor *= u.fineOrNestedGrid;
  if (gchp) specFactor *= u.gchp;

  const levels = spec.grid.levels ?? 72;
  if (gchp) {
    const cells = cubedSphereCells(spec.grid.resolution as string);
    assumptions.push(
      `GCHP ${spec.grid.resolution}: ${cells.toLocaleString('en-US')} cells (6 x N^2) vs ${globalCells(REFERENCE.resolution as GridResolution).toLocaleString('en-US')} of the 4x5 reference; ${TIMINGS.gchp.basis}`,
    );
  } else {
    const cells = domainCells(spec);
    assumptions.push(
      `${spec.grid.resolution} ${spec.grid.nestedDomain === 'global' ? 'global' : `nested ${spec.grid.nestedDomain}`}: ` +
        `${cells.toLocaleString('en-US')} grid cells vs ${globalCells(REFERENCE.resolution as GridResolution).toLocaleString('en-US')} at 4x5 (cost proportional to cells, as the published "2x2.5 costs about 4x 4x5")`,
      `transport steps x${round(timestepFactor(spec.grid.resolution, extra), 3)} vs the reference grid (${TIMINGS.timestepBasis})`,
      `OpenMP threads: time ~ threads^-${round(THREAD_EXPONENT, 3)} (${TIMINGS.threadScalingBasis})`,
    );
  }
  assumptions.push(
    `${levels} levels: x${round(levels / REFERENCE.levels, 3)} (${TIMINGS.levelsBasis})`,
    `${simType}: x${simulationFactor(simType)} vs fullchem (${TIMINGS.simulationFactors.basis})`,
  );
  if (extraOptionFactor(extra) !== 1) {
    assumptions.push(
      `extra option ${extra}: x${extraOptionFactor(extra)} (${TIMINGS.extraOptionFactors.basis})`,
    );
  }
  assumptions.push(`instance speed per vCPU: ${TIMINGS.familySpeed.basis}`);
  if (spotFraction !== undefined) assumptions.push(TIMINGS.spotBasis);
  if (spec.compute.backend === 'local') {
    assumptions.push(
      'backend "local": the run uses this machine and costs nothing on EC2; the options show what the run would take on AWS Batch',
    );
  }

  // Candidate instances
  let candidates: string[];
  const named = spec.compute.instanceType;
  if (gchp) {
    // validation always names a node type for GCHP; the others of its architecture are shown beside it
    const priced = named && onDemandPricePerHour(named) !== undefined ? [named] : [];
    candidates = [...new Set([...priced, ...gchpCandidates(spec.compute.architecture)])];
  } else if (named && onDemandPricePerHour(named) !== undefined) {
    candidates = [named];
  } else {
    if (named) {
      warnings.push({
        field: 'compute.instanceType',
        message: `${named} has no on-demand price in the pricing table (${PRICING_SOURCE.region}, ${PRICING_SOURCE.generatedAt}); the estimate shows the usual choices instead`,
      });
    }
    const wantedGiB = spec.compute.memoryMiB / 1024;
    const pool = [...CLASSIC_CANDIDATES[spec.compute.architecture]];
    const fitting = pool.filter((type) => (instanceMemoryGiB(type) ?? Infinity) >= wantedGiB);
    candidates = fitting.length > 0 ? fitting : pool.slice(-1);
  }

  const maxRuntimeSeconds = spec.compute.maxRuntimeMinutes * 60;
  const options: EstimateOption[] = [];
  const factors = new Map<string, number>();
  for (const instanceType of candidates) {
    const onDemand = onDemandPricePerHour(instanceType)!;
    const vcpus = instanceVcpus(instanceType) ?? spec.compute.vcpus;
    const { speed, known } = familySpeed(instanceFamily(instanceType));
    const family = instanceFamily(instanceType);
    let factor = specFactor;
    if (!['c5', 'c5n'].includes(family) || !known) factor *= u.otherFamily;
    let threads: number;
    let nodes = 1;
    let expected: number;
    if (gchp) {
      const fields = spec.compute as GchpFields;
      const perNode = efaInstanceType(instanceType)?.physicalCores ?? Math.floor(vcpus / 2);
      threads = fields.cores ?? DEFAULT_GCHP_CORES[spec.grid.resolution as CubedSphereResolution] ?? 6;
      nodes =
        instanceType === named && fields.nodes ? fields.nodes : Math.max(1, Math.ceil(threads / perNode));
      if (nodes > GCHP_LIMITS.maxNodes) continue; // more nodes than a multi-node job may have
      expected = gchpWallSeconds(
        { ...spec, grid: { ...spec.grid, levels } },
        simulatedDays,
        threads,
        gchpCoreSpeed(instanceType),
      );
    } else {
      threads = instanceType === named ? Math.min(spec.compute.vcpus, vcpus) : vcpus;
      if (threads < REFERENCE.vcpus || threads > 36) factor *= u.threadsOutsideReference;
      expected = classicWallSeconds(
        { ...spec, grid: { ...spec.grid, levels } },
        simulatedDays,
        threads,
        speed,
      );
    }
    factor = Math.min(factor, u.max);
    factors.set(instanceType, factor);
    const price = spotFraction !== undefined ? onDemand * spotFraction : onDemand;
    const wall = range(expected, factor, 0);
    const cost = (seconds: number): number => round((seconds / 3600) * price * nodes, 2);
    options.push({
      instanceType,
      architecture: instanceArchitecture(instanceType),
      vcpus,
      threads,
      nodes,
      purchase,
      pricePerHourUsd: round(price, 4),
      onDemandPricePerHourUsd: onDemand,
      wallSeconds: wall,
      costUsd: { low: cost(wall.low), expected: cost(wall.expected), high: cost(wall.high) },
      fitsMaxRuntime: wall.expected <= maxRuntimeSeconds,
      ...(instanceType === named ? { fromSpec: true } : {}),
    });
  }

  // Recommendation: cheapest expected cost among those that fit the runtime limit, else the fastest
  const fitting = options.filter((option) => option.fitsMaxRuntime);
  const byCost = (a: EstimateOption, b: EstimateOption): number =>
    a.costUsd.expected - b.costUsd.expected || a.wallSeconds.expected - b.wallSeconds.expected;
  const best =
    fitting.length > 0
      ? [...fitting].sort(byCost)[0]!
      : [...options].sort((a, b) => a.wallSeconds.expected - b.wallSeconds.expected)[0]!;
  const reason =
    options.length === 1
      ? `the spec's instance type; expected ${hoursText(best.wallSeconds.expected)} for $${best.costUsd.expected.toFixed(2)}`
      : fitting.length > 0
        ? `lowest expected cost ($${best.costUsd.expected.toFixed(2)}, ${hoursText(best.wallSeconds.expected)}) among the ${fitting.length} option(s) expected to finish within compute.maxRuntimeMinutes (${spec.compute.maxRuntimeMinutes} min)`
        : `no option is expected to finish within compute.maxRuntimeMinutes (${spec.compute.maxRuntimeMinutes} min); this is the fastest (${hoursText(best.wallSeconds.expected)})`;

  if (best.wallSeconds.expected > maxRuntimeSeconds) {
    warnings.push({
      field: 'compute.maxRuntimeMinutes',
      message: `the run is expected to take about ${Math.ceil(best.wallSeconds.expected / 60)} min on ${best.instanceType}, more than the ${spec.compute.maxRuntimeMinutes} min limit: it would be stopped as TIMED_OUT; raise the limit or shorten the period`,
    });
  } else if (best.wallSeconds.high > maxRuntimeSeconds) {
    warnings.push({
      field: 'compute.maxRuntimeMinutes',
      message: `the run may take up to ${Math.ceil(best.wallSeconds.high / 60)} min on ${best.instanceType} (high estimate), more than the ${spec.compute.maxRuntimeMinutes} min limit`,
    });
  }
  const maxCost = maxCostOf(spec);
  if (maxCost !== undefined && best.costUsd.expected > maxCost) {
    warnings.push({
      field: 'maxCostUsd',
      message: `the expected cost on ${best.instanceType} is $${best.costUsd.expected.toFixed(2)}, above the $${maxCost} limit`,
    });
  }

  const factor = factors.get(best.instanceType)!;
  const widened: string[] = [];
  if (simType !== 'fullchem' || extraOptionFactor(extra) !== 1)
    widened.push(`the simulation factor is assumed (x${u.simulationOrOption})`);
  if (fine)
    widened.push(
      `the grid is finer than or nested inside the published 4x5/2x2.5 global cases; met-file reading grows faster than cells there (x${u.fineOrNestedGrid})`,
    );
  if (gchp) widened.push(`GCHP is scaled from GC Classic's per-core throughput (x${u.gchp})`);
  if (!['c5', 'c5n'].includes(instanceFamily(best.instanceType)))
    widened.push(`the instance family's speed is assumed (x${u.otherFamily})`);
  if (!gchp && (best.threads! < REFERENCE.vcpus || best.threads! > 36))
    widened.push(`thread count outside the published 16-36 (x${u.threadsOutsideReference})`);

  return {
    model: gchp ? 'gchp' : 'gcclassic',
    simulatedDays: round(simulatedDays, 4),
    purchase,
    options,
    recommended: { instanceType: best.instanceType, reason },
    basis: PUBLISHED_ROWS.map((row) => ({
      id: row.id,
      figure: row.figure,
      citation: row.citation,
      ...(row.wallSeconds !== undefined ? { wallSeconds: row.wallSeconds } : {}),
      ...(row.instanceType ? { instanceType: row.instanceType } : {}),
    })),
    assumptions,
    uncertainty: {
      factor: round(factor, 3),
      statement:
        `expected values are the published timing scaled by the factors listed under assumptions; low and high are ` +
        `expected / ${round(factor, 2)} and x ${round(factor, 2)}: ${u.basis}` +
        (widened.length > 0 ? `; widened because ${widened.join('; ')}` : '') +
        (spotFraction !== undefined
          ? `; spot prices are estimated at ${spotFraction * 100}% of on-demand and a reclaimed run pays again for its lost part`
          : ''),
    },
    warnings,
    pricing: { ...PRICING_SOURCE, ...(spotFraction !== undefined ? { spotFraction } : {}) },
  };
}
