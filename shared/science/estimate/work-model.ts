/**
 * How much work a run is, relative to the published reference run
 * (published-timings.json): grid cells, levels, timesteps, simulation type
 * and extra option, and for GC Classic the OpenMP thread scaling derived
 * from the two published timings. Pure functions; estimate-run.ts turns
 * them into wall time and cost.
 */
import timings from './published-timings.json' with { type: 'json' };
import type { GridResolution } from '#schemas/generated/types.js';
import { gridStep, nestedDomain, timestepsFor } from '../spec/rundir-rules.js';
import type { ResolvedSimulationSpec } from '../spec/validate-spec.js';

export interface PublishedRow {
  id: string;
  figure: string;
  citation: string;
  simulation?: string;
  resolution?: string;
  levels?: number;
  days?: number;
  instanceType?: string;
  vcpus?: number;
  wallSeconds?: number;
}

export const PUBLISHED_ROWS: readonly PublishedRow[] = timings.rows as PublishedRow[];
export const TIMINGS = timings;

function row(
  id: string,
): Required<Pick<PublishedRow, 'resolution' | 'levels' | 'days' | 'vcpus' | 'wallSeconds' | 'instanceType'>> &
  PublishedRow {
  const found = PUBLISHED_ROWS.find((r) => r.id === id);
  if (!found || found.wallSeconds === undefined)
    throw new Error(`published-timings.json has no timed row ${id}`);
  return found as ReturnType<typeof row>;
}

export const REFERENCE = row(timings.referenceRow);
const THREAD_ROW = row(timings.threadScalingRow);

/** Cells of a global GEOS-Chem lat-lon grid (half-size polar boxes: 180/dlat + 1 rows). */
export function globalCells(resolution: GridResolution): number {
  const step = gridStep(resolution);
  return Math.round(360 / step.lon) * (Math.round(180 / step.lat) + 1);
}

/** Cells of the spec's domain: the global grid, a nested region (buffer included) or custom bounds. */
export function domainCells(spec: ResolvedSimulationSpec): number {
  const { resolution, nestedDomain: domain, bounds } = spec.grid;
  if (domain === 'global') return globalCells(resolution);
  const step = gridStep(resolution);
  const box =
    domain === 'custom'
      ? bounds && { lon: [bounds.lonMin, bounds.lonMax], lat: [bounds.latMin, bounds.latMax] }
      : (() => {
          const region = nestedDomain(resolution, domain);
          return region && { lon: region.lonRange, lat: region.latRange };
        })();
  if (!box) return globalCells(resolution);
  const columns = Math.round((box.lon[1]! - box.lon[0]!) / step.lon) + 1;
  const rows = Math.round((box.lat[1]! - box.lat[0]!) / step.lat) + 1;
  return columns * rows;
}

/** Cells of a cubed-sphere grid "C<N>": 6 N^2. */
export function cubedSphereCells(resolution: string): number {
  const n = Number(/^C(\d+)$/.exec(resolution)?.[1]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`not a cubed-sphere resolution: ${resolution}`);
  return 6 * n * n;
}

/**
 * OpenMP scaling exponent a (time ~ threads^-a), solved so that the
 * reference run scaled by cells reproduces the thread-scaling row.
 */
export const THREAD_EXPONENT: number = (() => {
  const cellRatio =
    globalCells(THREAD_ROW.resolution as GridResolution) /
    globalCells(REFERENCE.resolution as GridResolution);
  const predictedAtSameThreads = (REFERENCE.wallSeconds / REFERENCE.days) * THREAD_ROW.days * cellRatio;
  return (
    Math.log(THREAD_ROW.wallSeconds / predictedAtSameThreads) / Math.log(REFERENCE.vcpus / THREAD_ROW.vcpus)
  );
})();

/** Reference seconds per simulated day. */
export const REFERENCE_SECONDS_PER_DAY = REFERENCE.wallSeconds / REFERENCE.days;

export function simulationFactor(type: string): number {
  const factors = timings.simulationFactors as Record<string, number | string>;
  const value = factors[type];
  return typeof value === 'number' ? value : 1;
}

export function extraOptionFactor(option: string): number {
  const value = (timings.extraOptionFactors as Record<string, number | string>)[option];
  return typeof value === 'number' ? value : 1;
}

/** Transport steps per day relative to the reference grid's 600 s. */
export function timestepFactor(resolution: GridResolution, extraOption: string): number {
  const reference = timestepsFor(REFERENCE.resolution as GridResolution).transport;
  return reference / timestepsFor(resolution, extraOption).transport;
}

export function familySpeed(family: string): { speed: number; known: boolean } {
  const table = timings.familySpeed as Record<string, number | string>;
  const value = table[family];
  return typeof value === 'number'
    ? { speed: value, known: true }
    : { speed: Number(table.default), known: false };
}

/** GC Classic wall seconds on `threads` vCPUs of a family, before uncertainty. */
export function classicWallSeconds(
  spec: ResolvedSimulationSpec,
  simulatedDays: number,
  threads: number,
  speed: number,
): number {
  const cells = domainCells(spec) / globalCells(REFERENCE.resolution as GridResolution);
  const levels = spec.grid.levels / REFERENCE.levels;
  return (
    (REFERENCE_SECONDS_PER_DAY *
      simulatedDays *
      cells *
      levels *
      timestepFactor(spec.grid.resolution, spec.simulation.extraOption) *
      simulationFactor(spec.simulation.type) *
      extraOptionFactor(spec.simulation.extraOption) *
      Math.pow(REFERENCE.vcpus / threads, THREAD_EXPONENT)) /
    speed
  );
}

/** Physical cores of the reference instance (c5 vCPUs are hyperthreads: 2 per core). */
const REFERENCE_CORES = REFERENCE.vcpus / 2;

/** GCHP wall seconds on `cores` MPI processes with a per-core speed, before uncertainty. */
export function gchpWallSeconds(
  spec: ResolvedSimulationSpec,
  simulatedDays: number,
  cores: number,
  coreSpeed: number,
): number {
  const gchp = timings.gchp;
  const coreSecondsPerCellDay =
    (REFERENCE_SECONDS_PER_DAY * REFERENCE_CORES) / globalCells(REFERENCE.resolution as GridResolution);
  const efficiency =
    gchp.coreEfficiency *
    (cores > gchp.efficientUpToCores ? Math.pow(gchp.efficientUpToCores / cores, gchp.beyondExponent) : 1);
  const work =
    coreSecondsPerCellDay *
    cubedSphereCells(spec.grid.resolution as string) *
    simulatedDays *
    (spec.grid.levels / REFERENCE.levels) *
    simulationFactor(spec.simulation.type) *
    extraOptionFactor(spec.simulation.extraOption);
  return work / (cores * efficiency * coreSpeed);
}
