/**
 * Validation of a simulation spec: first the JSON Schema (structure, types,
 * enums; defaults filled in), then the rules GEOS-Chem Classic's createRunDir.sh
 * enforces (read from rundir-options.json through rundir-rules.ts), GCHP's
 * (cubed-sphere grids, MPI layout, multi-node AWS Batch; gchp-rules.ts) and the
 * platform's own limits. Every refusal is a FieldIssue that says why, in
 * GEOS-Chem terms. Nothing here throws on bad input.
 */
import type {
  ComputeBackend,
  CpuArchitecture,
  Gcap2RunId,
  GeosChemModel,
  GeosChemVersion,
  GridResolution,
  MetField,
  NestedDomain,
  PurchaseOption,
  SimulationSpec,
  DiagnosticFrequency,
  Gcap2Scenario,
  VerticalLevels,
} from '#schemas/generated/types.js';
import { simulationSpecSchema } from '#schemas/generated/schemas.js';
import { checkpointIntervalProblem, chemistryTimestepSeconds } from './checkpoint-rules.js';
import type { FieldIssue } from '#schemas/generated/types.js';
import { issuesFromAjv, validatorFor } from '#schemas/validator.js';
import {
  defaultGcap2RunId,
  defaultLevels,
  describeYears,
  extraOptionsFor,
  frequencyHours,
  gcap2Covers,
  gcap2Run,
  gcap2Runs,
  gcap2RunsFor,
  gridStep,
  historyCollectionsFor,
  isDomainAsked,
  isListedButRejected,
  levelsFor,
  metFieldChange,
  metFieldLabel,
  metFieldUnavailableReason,
  metFieldsOffering,
  NESTED_BUFFER_CELLS,
  nestedDomain,
  nestedDomainsFor,
  notPreparedReason,
  resolutionFromCode,
  resolutionsFor,
  resolutionsWithDomain,
  type RegionCode,
} from './rundir-rules.js';
import {
  CUBE_FACES,
  CUBED_SPHERE_RESOLUTIONS,
  DEFAULT_GCHP_CORES,
  DEFAULT_GCHP_INSTANCE_TYPE,
  GCHP_LEVELS,
  GCHP_LIMITS,
  GCHP_MET_FIELDS,
  GCHP_SIMULATIONS,
  ROUGH_LAT_LON,
  coresPerNode,
  defaultGchpNodeMemoryMiB,
  defaultGchpNodes,
  efaInstanceType,
  efaInstanceTypesFor,
  isCubedSphere,
} from './gchp-rules.js';

/** The platform's own limits (not GEOS-Chem's). */
export const SPEC_LIMITS = {
  /** Longest simulated period, in calendar years. */
  maxPeriodYears: 10,
  /** Tag key prefixes nobody may use: AWS's and the platform's own. */
  reservedTagPrefixes: ['aws:', 'gcr:'],
} as const;

/** A spec after validation: every default filled in, the period in UTC. */
export interface ResolvedSimulationSpec extends SimulationSpec {
  description: string;
  model: GeosChemModel;
  geosChemVersion: GeosChemVersion;
  simulation: { type: SimulationSpec['simulation']['type']; extraOption: string };
  meteorology: { field: MetField; gcap2?: { scenario: Gcap2Scenario; runId: Gcap2RunId } };
  grid: {
    resolution: GridResolution;
    levels: VerticalLevels;
    nestedDomain: NestedDomain;
    bounds?: { lonMin: number; lonMax: number; latMin: number; latMax: number };
  };
  diagnostics: { collections: string[]; frequency: DiagnosticFrequency };
  compute: {
    backend: ComputeBackend;
    /** backend "slurm" only: the site (GET /sites) the run executes on. */
    site?: string;
    architecture: CpuArchitecture;
    purchase: PurchaseOption;
    vcpus: number;
    memoryMiB: number;
    instanceType?: string;
    /** GCHP only: total MPI processes (a multiple of 6). */
    cores?: number;
    /** GCHP only: nodes of the multi-node parallel job. */
    nodes?: number;
    maxRuntimeMinutes: number;
    maxQueueMinutes: number;
    spotRetries: number;
  };
  tags: Record<string, string>;
}

export type SpecValidationResult =
  | {
      ok: true;
      spec: ResolvedSimulationSpec;
      /** Things worth knowing that do not stop the run (e.g. a GEOS-FP convection change inside the period). */
      warnings: FieldIssue[];
    }
  | { ok: false; issues: FieldIssue[] };

export interface ValidateSpecOptions {
  /** "Today", for the rule that reanalysis meteorology exists only for the past. Default: the current time. */
  now?: Date;
}

const validateSchema = validatorFor<SimulationSpec>(simulationSpecSchema.$id);

const HOUR_MS = 3_600_000;

function list(values: readonly (string | number)[]): string {
  return values.join(', ');
}

function utcIso(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, 'Z');
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function hoursText(hours: number): string {
  if (hours % 24 === 0) return hours === 24 ? '1 day' : `${hours / 24} days`;
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

/** Kept on the side while rules run: what is wrong, what is worth a warning. */
interface RuleContext {
  issues: FieldIssue[];
  warnings: FieldIssue[];
  now: Date;
  /** The compute fields the request itself set (before the schema's defaults). */
  givenCompute: ReadonlySet<string>;
  /** Parsed period, when both ends are valid instants in order. */
  start?: Date;
  end?: Date;
}

// ---- the rules, in the order createRunDir.sh asks its questions ----------------

function checkSimulation(spec: ResolvedSimulationSpec, ctx: RuleContext): void {
  const { type, extraOption } = spec.simulation;
  if (spec.model === 'gchp' && !GCHP_SIMULATIONS.includes(type)) {
    ctx.issues.push({
      field: 'simulation.type',
      message:
        `GCHP runs only the ${list(GCHP_SIMULATIONS)} simulation here: the platform has GCHP run-directory ` +
        `templates for fullchem only (GCHP's createRunDir.sh also offers TransportTracers, carbon and tagO3, ` +
        `whose templates are not bundled); run ${type} with model "gcclassic"`,
    });
    return;
  }
  const allowed = extraOptionsFor(type);
  if (allowed.includes(extraOption)) return;
  if (type === 'POPs' && extraOption === 'none') {
    ctx.issues.push({
      field: 'simulation.extraOption',
      message: `the POPs simulation needs a POP species: createRunDir.sh offers ${list(allowed)} (there is no "none")`,
    });
    return;
  }
  ctx.issues.push({
    field: 'simulation.extraOption',
    message:
      allowed.length === 1
        ? `"${extraOption}" is not an extra option of the ${type} simulation; createRunDir.sh offers only "${allowed[0]}" for it`
        : `"${extraOption}" is not an extra option of the ${type} simulation; createRunDir.sh offers: ${list(allowed)}`,
  });
}

function checkMeteorology(spec: ResolvedSimulationSpec, ctx: RuleContext): void {
  const met = spec.meteorology.field;
  if (spec.model === 'gchp') {
    // GCHP's createRunDir.sh has its own met menu (and GEOS-IT settings files that exist).
    if (!GCHP_MET_FIELDS.includes(met)) {
      ctx.issues.push({
        field: 'meteorology.field',
        message:
          `GCHP's createRunDir.sh offers ${GCHP_MET_FIELDS.map(metFieldLabel).join(', ')} meteorology, ` +
          `not ${metFieldLabel(met)}; GCAP 2.0 (ModelE2.1) runs need model "gcclassic"`,
      });
      return;
    }
  } else {
    const unavailable = metFieldUnavailableReason(met, spec.geosChemVersion);
    if (unavailable) ctx.issues.push({ field: 'meteorology.field', message: unavailable });
  }

  const gcap2 = spec.meteorology.gcap2;
  if (met !== 'ModelE2.1') {
    if (gcap2) {
      ctx.issues.push({
        field: 'meteorology.gcap2',
        message: `is only for GISS ModelE2.1 (GCAP 2.0) meteorology; remove it when using ${metFieldLabel(met)}`,
      });
    }
    return;
  }
  if (!gcap2) {
    const scenarios = [...new Set(gcap2Runs().map((run) => run.scenario))];
    ctx.issues.push({
      field: 'meteorology.gcap2',
      message: `is required with ModelE2.1 meteorology: createRunDir.sh asks for the GCAP 2.0 scenario (${list(scenarios)})`,
    });
    return;
  }
  const runs = gcap2RunsFor(gcap2.scenario);
  if (gcap2.runId === undefined) {
    gcap2.runId = defaultGcap2RunId(gcap2.scenario);
  } else if (!runs.some((run) => run.runId === gcap2.runId)) {
    const owner = gcap2Run(gcap2.runId)?.scenario;
    ctx.issues.push({
      field: 'meteorology.gcap2.runId',
      message:
        `${gcap2.runId} is a run of the ${owner ?? 'another'} scenario, not of ${gcap2.scenario}; ` +
        `GCAP 2.0 runs for ${gcap2.scenario}: ${list(runs.map((run) => run.runId))}`,
    });
  }
}

function checkGrid(spec: ResolvedSimulationSpec, ctx: RuleContext): void {
  if (spec.model === 'gchp') {
    checkGchpGrid(spec, ctx);
    return;
  }
  const met = spec.meteorology.field;
  const { resolution } = spec.grid;
  const label = metFieldLabel(met);
  if (isCubedSphere(resolution)) {
    ctx.issues.push({
      field: 'grid.resolution',
      message:
        `${resolution} is a GCHP cubed-sphere resolution; GEOS-Chem Classic runs on latitude-longitude grids ` +
        `(${list(resolutionsFor(met))} with ${label}): set model "gchp" or choose one of these ` +
        `(${resolution} is about ${ROUGH_LAT_LON[resolution]})`,
    });
    if (spec.grid.levels === undefined) spec.grid.levels = defaultLevels(met);
    spec.grid.nestedDomain ??= 'global';
    return;
  }

  // Resolution offered with the met field
  const offered = resolutionsFor(met);
  const resolutionOk = offered.includes(resolution);
  if (!resolutionOk) {
    const others = metFieldsOffering(resolution).map(metFieldLabel);
    const where = others.length > 0 ? `createRunDir.sh offers it only with ${others.join(' or ')}` : '';
    ctx.issues.push({
      field: 'grid.resolution',
      message: isListedButRejected(met, resolution)
        ? `${resolution} is not offered with ${label}: createRunDir.sh lists it in that menu, but its selection ` +
          `logic accepts it only with GEOS-FP and refuses it here (choices for ${label}: ${list(offered)})`
        : `${resolution} is not offered with ${label}; ${where} (choices for ${label}: ${list(offered)})`,
    });
  }

  // Vertical levels
  const levels = levelsFor(met);
  if (spec.grid.levels === undefined) {
    spec.grid.levels = defaultLevels(met);
  } else if (!levels.includes(spec.grid.levels)) {
    ctx.issues.push({
      field: 'grid.levels',
      message:
        levels.length === 1
          ? `${label} meteorology has ${levels[0]} levels only; createRunDir.sh offers no other choice`
          : `${spec.grid.levels} levels are not offered with ${label}; createRunDir.sh offers ${levels[0]} (native) or ${levels.slice(1).join(', ')} (reduced)`,
    });
  }

  if (resolutionOk) checkDomain(spec, ctx);
}

function checkDomain(spec: ResolvedSimulationSpec, ctx: RuleContext): void {
  const met = spec.meteorology.field;
  const { resolution } = spec.grid;
  // Not yet defaulted: the schema has no default for it, this rule decides it.
  const given = spec.grid.nestedDomain as NestedDomain | undefined;
  const regions = nestedDomainsFor(resolution);
  const regionCodes = regions.map((region) => region.code);

  if (!isDomainAsked(met, resolution)) {
    spec.grid.nestedDomain = given ?? 'global';
    if (given !== undefined && given !== 'global') {
      ctx.issues.push({
        field: 'grid.nestedDomain',
        message:
          met === 'geosit'
            ? `createRunDir.sh does not offer nested domains with GEOS-IT: ${resolution} GEOS-IT runs are global`
            : `${resolution} is a global grid: with ${metFieldLabel(met)}, createRunDir.sh offers nested domains ` +
              `only at ${list(resolutionsWithDomainsFor(met))}`,
      });
    }
    if (spec.grid.bounds) {
      ctx.issues.push({ field: 'grid.bounds', message: 'is only used with nestedDomain "custom"' });
    }
    return;
  }

  const choices = ['global', ...regionCodes, 'custom'];
  if (given === undefined) {
    ctx.issues.push({
      field: 'grid.nestedDomain',
      message:
        `is required at ${resolution}: createRunDir.sh asks for the domain here; write "global" for a global run, ` +
        `or one of ${list(regionCodes)} (or "custom" with grid.bounds) for a nested run`,
    });
    return;
  }
  if (given !== 'global' && given !== 'custom' && !regionCodes.includes(given as RegionCode)) {
    const elsewhere = resolutionsWithDomain(given as RegionCode);
    ctx.issues.push({
      field: 'grid.nestedDomain',
      message:
        `${given} is not a nested domain at ${resolution}; createRunDir.sh offers it only at ${list(elsewhere)} ` +
        `(domains at ${resolution}: ${list(choices)})`,
    });
    return;
  }
  if (given === 'custom') {
    if (!spec.grid.bounds) {
      ctx.issues.push({
        field: 'grid.bounds',
        message:
          'is required when nestedDomain is "custom": give lonMin, lonMax, latMin and latMax in degrees',
      });
    } else {
      checkBounds(spec, ctx);
    }
    return;
  }
  if (spec.grid.bounds) {
    const region = nestedDomain(resolution, given);
    ctx.issues.push({
      field: 'grid.bounds',
      message: region
        ? `is only used with nestedDomain "custom"; ${given} at ${resolution} has fixed bounds ` +
          `lon [${region.lonRange.join(', ')}], lat [${region.latRange.join(', ')}]`
        : 'is only used with nestedDomain "custom"',
    });
  }
}

/** GCHP: global cubed-sphere grids on 72 levels, no nested domains. */
function checkGchpGrid(spec: ResolvedSimulationSpec, ctx: RuleContext): void {
  const { resolution } = spec.grid;
  if (!isCubedSphere(resolution)) {
    ctx.issues.push({
      field: 'grid.resolution',
      message:
        `${resolution} is a GEOS-Chem Classic latitude-longitude resolution; GCHP runs on a cubed-sphere grid: ` +
        `${CUBED_SPHERE_RESOLUTIONS.map((cs) => `${cs} (about ${ROUGH_LAT_LON[cs]})`).join(', ')}`,
    });
  }
  if (spec.grid.levels === undefined) {
    spec.grid.levels = GCHP_LEVELS;
  } else if (spec.grid.levels !== GCHP_LEVELS) {
    ctx.issues.push({
      field: 'grid.levels',
      message: `GCHP runs on the native ${GCHP_LEVELS} levels only; its createRunDir.sh offers no other choice`,
    });
  }
  const given = spec.grid.nestedDomain as NestedDomain | undefined;
  spec.grid.nestedDomain = given ?? 'global';
  if (given !== undefined && given !== 'global') {
    ctx.issues.push({
      field: 'grid.nestedDomain',
      message:
        'GCHP grids are global: its createRunDir.sh has no nested domains (regional refinement in GCHP is a ' +
        'stretched grid, which the platform does not offer); use "global" or model "gcclassic" for a nested run',
    });
  }
  if (spec.grid.bounds) {
    ctx.issues.push({
      field: 'grid.bounds',
      message: 'is for custom nested domains of GEOS-Chem Classic; GCHP grids are global (remove it)',
    });
  }
}

/**
 * Choices createRunDir.sh offers but whose run directory the platform does not
 * prepare (rundir-rules.ts notPreparedReason), once simulation, met field and
 * grid are each valid on their own.
 */
function checkPrepared(spec: ResolvedSimulationSpec, ctx: RuleContext): void {
  if (spec.model !== 'gcclassic') return;
  const own = ['simulation.', 'meteorology.', 'grid.resolution'];
  if (ctx.issues.some((issue) => own.some((prefix) => issue.field.startsWith(prefix)))) return;
  const refused = notPreparedReason({
    simulation: spec.simulation.type,
    extraOption: spec.simulation.extraOption,
    met: spec.meteorology.field,
    resolution: spec.grid.resolution,
  });
  if (refused) ctx.issues.push(refused);
}

function resolutionsWithDomainsFor(met: MetField): GridResolution[] {
  return resolutionsFor(met).filter((resolution) => isDomainAsked(met, resolution));
}

function onGrid(value: number, origin: number, step: number): boolean {
  const cells = (value - origin) / step;
  return Math.abs(cells - Math.round(cells)) < 1e-6;
}

function nearestOnGrid(value: number, origin: number, step: number): [number, number] {
  const below = origin + Math.floor((value - origin) / step + 1e-9) * step;
  return [Number(below.toFixed(6)), Number((below + step).toFixed(6))];
}

function checkBounds(spec: ResolvedSimulationSpec, ctx: RuleContext): void {
  const bounds = spec.grid.bounds!;
  const { resolution } = spec.grid;
  const step = gridStep(resolution);
  const before = ctx.issues.length;
  const axes = [
    { min: 'lonMin', max: 'lonMax', origin: -180, step: step.lon, name: 'longitude', span: 360 },
    { min: 'latMin', max: 'latMax', origin: -90, step: step.lat, name: 'latitude', span: 180 },
  ] as const;
  for (const axis of axes) {
    for (const key of [axis.min, axis.max]) {
      const value = bounds[key];
      if (!onGrid(value, axis.origin, axis.step)) {
        const [lo, hi] = nearestOnGrid(value, axis.origin, axis.step);
        ctx.issues.push({
          field: `grid.bounds.${key}`,
          message:
            `${value} is not a grid point of the ${resolution} grid: ${axis.name}s there are ` +
            `${axis.origin} + a multiple of ${axis.step} (nearest: ${lo} or ${hi})`,
        });
      }
    }
    if (bounds[axis.min] >= bounds[axis.max]) {
      ctx.issues.push({
        field: `grid.bounds.${axis.max}`,
        message: `must be greater than ${axis.min} (${bounds[axis.min]})`,
      });
    }
  }
  if (ctx.issues.length > before) return;
  const minCells = 2 * NESTED_BUFFER_CELLS + 1;
  for (const axis of axes) {
    const cells = Math.round((bounds[axis.max] - bounds[axis.min]) / axis.step);
    if (cells < minCells) {
      ctx.issues.push({
        field: 'grid.bounds',
        message:
          `the domain is ${cells} cells across in ${axis.name}; a nested domain needs at least ${minCells} ` +
          `(a ${NESTED_BUFFER_CELLS}-cell buffer zone on each side for the boundary conditions, plus the interior)`,
      });
    }
  }
  if (bounds.lonMax - bounds.lonMin >= 360 - step.lon && bounds.latMax - bounds.latMin >= 180 - step.lat) {
    ctx.issues.push({
      field: 'grid.bounds',
      message: 'covers the whole globe; use nestedDomain "global" instead of a custom domain',
    });
  }
}

function parseInstant(value: string): Date | undefined {
  const time = Date.parse(value.toUpperCase());
  return Number.isNaN(time) ? undefined : new Date(time);
}

function checkPeriod(spec: ResolvedSimulationSpec, ctx: RuleContext): void {
  const start = parseInstant(spec.period.start);
  const end = parseInstant(spec.period.end);
  let ok = true;
  for (const [key, date] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (!date) {
      ctx.issues.push({
        field: `period.${key}`,
        message: 'is not a real instant (check the day, hour and seconds)',
      });
      ok = false;
    } else if (date.getTime() % HOUR_MS !== 0) {
      ctx.issues.push({
        field: `period.${key}`,
        message:
          `must fall on a whole hour in UTC (e.g. ${utcIso(new Date(Math.floor(date.getTime() / HOUR_MS) * HOUR_MS))}): ` +
          'the platform starts and stops GEOS-Chem on whole hours, which every GEOS-Chem timestep (150 s to 3600 s) divides',
      });
      ok = false;
    }
  }
  if (!start || !end) return;
  spec.period.start = utcIso(start);
  spec.period.end = utcIso(end);
  if (end.getTime() <= start.getTime()) {
    ctx.issues.push({
      field: 'period.end',
      message: `must be after period.start (${utcIso(start)}); the end is the instant the simulation stops`,
    });
    return;
  }
  const limit = new Date(start.getTime());
  limit.setUTCFullYear(limit.getUTCFullYear() + SPEC_LIMITS.maxPeriodYears);
  if (end.getTime() > limit.getTime()) {
    const years = (end.getTime() - start.getTime()) / (365.25 * 24 * HOUR_MS);
    ctx.issues.push({
      field: 'period.end',
      message:
        `the period lasts ${years.toFixed(1)} years; the platform runs at most ${SPEC_LIMITS.maxPeriodYears} years ` +
        `per simulation (end by ${utcIso(limit)}); split a longer study into runs that start from each other's restart files`,
    });
    ok = false;
  }
  if (ok) {
    ctx.start = start;
    ctx.end = end;
  }

  const met = spec.meteorology.field;
  if (met === 'ModelE2.1') {
    const run = spec.meteorology.gcap2?.runId ? gcap2Run(spec.meteorology.gcap2.runId) : undefined;
    if (run && run.scenario === spec.meteorology.gcap2?.scenario && !gcap2Covers(run, start, end)) {
      ctx.issues.push({
        field: 'period',
        message:
          `GCAP 2.0 run ${run.runId} (scenario ${run.scenario}) has ModelE2.1 meteorology for ` +
          `${describeYears(run.years)} only; the period ${isoDay(start)} to ${isoDay(end)} must lie within one of these ` +
          "(createRunDir.sh's GCAP 2.0 menu)",
      });
    }
  } else if (end.getTime() > ctx.now.getTime()) {
    ctx.issues.push({
      field: 'period.end',
      message:
        `${metFieldLabel(met)} meteorology exists only for the past: the period ends ${isoDay(end)}, after today ` +
        `(${isoDay(ctx.now)}); future periods need GCAP 2.0 (ModelE2.1) scenario meteorology`,
    });
  }

  const change = metFieldChange(met);
  if (change) {
    const at = Date.parse(`${change.date}T00:00:00Z`);
    if (start.getTime() < at && end.getTime() > at) {
      ctx.warnings.push({
        field: 'period',
        message:
          `the period crosses ${change.date}, the date of ${metFieldLabel(met)}'s ${change.note}; ` +
          'createRunDir.sh asks you to acknowledge it, as results on either side of it are not alike',
      });
    }
  }
}

function checkDiagnostics(spec: ResolvedSimulationSpec, ctx: RuleContext): void {
  const { type } = spec.simulation;
  const { collections, frequency } = spec.diagnostics;
  // A GCHP simulation without templates is already refused in checkSimulation.
  if (spec.model === 'gchp' && !GCHP_SIMULATIONS.includes(type)) return;
  const { offered } = historyCollectionsFor(type, spec.model);
  collections.forEach((name, index) => {
    if (offered.includes(name)) return;
    const sameCase = offered.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    ctx.issues.push({
      field: `diagnostics.collections.${index}`,
      message: sameCase
        ? `"${name}" is not a HISTORY.rc collection; did you mean "${sameCase}"?`
        : `"${name}" is not a collection of the ${spec.model === 'gchp' ? 'GCHP ' : ''}${type} simulation's HISTORY.rc (it offers: ${list(offered)})`,
    });
  });
  if (!collections.includes('Restart')) {
    ctx.issues.push({
      field: 'diagnostics.collections',
      message:
        'must include "Restart": HISTORY.rc says "The Restart collection should always be turned on"; ' +
        'it holds the state a later run continues from',
    });
  }

  // An interval longer than the run writes nothing for the averaged collections.
  const averaged = collections.filter((name) => name !== 'Restart');
  if (averaged.length === 0 || !ctx.start || !ctx.end) return;
  const runHours = (ctx.end.getTime() - ctx.start.getTime()) / HOUR_MS;
  const intervalHours = frequencyHours(frequency);
  if (intervalHours !== undefined && runHours < intervalHours) {
    ctx.issues.push({
      field: 'diagnostics.frequency',
      message:
        `a ${frequency} collection is written every ${hoursText(intervalHours)}, but the run lasts ${hoursText(runHours)}, ` +
        `so ${list(averaged)} would never be written; choose a shorter frequency or "end"`,
    });
  }
  if (frequency === 'monthly') {
    const firstBoundary = Date.UTC(ctx.start.getUTCFullYear(), ctx.start.getUTCMonth() + 1, 1);
    if (firstBoundary > ctx.end.getTime()) {
      ctx.issues.push({
        field: 'diagnostics.frequency',
        message:
          `monthly collections are written at the start of each month, and the run (${isoDay(ctx.start)} to ` +
          `${isoDay(ctx.end)}) reaches no month boundary, so ${list(averaged)} would never be written; ` +
          'choose "daily" or "end"',
      });
    }
  }
}

function checkCheckpoint(spec: ResolvedSimulationSpec, ctx: RuleContext): void {
  if (!spec.checkpoint) return;
  const runHours = ctx.start && ctx.end ? (ctx.end.getTime() - ctx.start.getTime()) / HOUR_MS : undefined;
  let timestep: number;
  try {
    timestep = chemistryTimestepSeconds(spec.model, spec.grid.resolution, spec.simulation.extraOption);
  } catch {
    return; // a grid the rules do not know is reported by checkGrid
  }
  const problem = checkpointIntervalProblem(spec.checkpoint.intervalHours, timestep, runHours);
  if (problem) ctx.issues.push({ field: 'checkpoint.intervalHours', message: problem });
}

/** vCPUs of an instance size when the size alone says it (large 2, xlarge 4, Nxlarge 4N). */
function vcpusOfSize(instanceType: string): number | undefined {
  const [family, size] = instanceType.split('.');
  if (!family || !size || /^(hpc|mac|u-)/.test(family)) return undefined;
  if (size === 'large') return 2;
  const match = size.match(/^(\d*)xlarge$/);
  if (!match) return undefined;
  return 4 * (match[1] ? Number(match[1]) : 1);
}

/** arm64 for AWS Graviton families (a1, c7g, m6gd, c6gn, r8g, im4gn, x2gd ...), else x86_64. */
export function instanceArchitecture(instanceType: string): CpuArchitecture {
  const family = instanceType.split('.')[0] ?? '';
  return /^(a1|[a-z]+\d+g[a-z]*)$/.test(family) ? 'arm64' : 'x86_64';
}

function checkCompute(spec: ResolvedSimulationSpec, ctx: RuleContext): void {
  const { backend, site } = spec.compute;
  if (backend === 'slurm' && site === undefined) {
    ctx.issues.push({
      field: 'compute.site',
      message: 'is required with backend "slurm": name the Slurm site to run on (GET /sites lists them)',
    });
  } else if (backend !== 'slurm' && site !== undefined) {
    ctx.issues.push({
      field: 'compute.site',
      message: `names a Slurm site; it is only for backend "slurm" (this spec's backend is "${backend}")`,
    });
  }
  if (spec.model === 'gchp') {
    checkGchpCompute(spec, ctx);
    return;
  }
  const { compute } = spec;
  for (const key of ['cores', 'nodes'] as const) {
    if (compute[key] === undefined) continue;
    ctx.issues.push({
      field: `compute.${key}`,
      message:
        key === 'cores'
          ? 'is for GCHP (MPI processes over several nodes); GEOS-Chem Classic runs OpenMP threads on one node: set compute.vcpus instead, or model "gchp"'
          : 'is for GCHP (a multi-node job); GEOS-Chem Classic runs on one node: remove it, or use model "gchp"',
    });
  }
  if (compute.instanceType === undefined) return;
  if (compute.backend !== 'aws-batch') {
    ctx.issues.push({
      field: 'compute.instanceType',
      message: `is a hint for AWS Batch; the ${compute.backend} backend runs on this machine (remove it, or use backend "aws-batch")`,
    });
    return;
  }
  const arch = instanceArchitecture(compute.instanceType);
  if (arch !== compute.architecture) {
    ctx.issues.push({
      field: 'compute.instanceType',
      message:
        `${compute.instanceType} is ${arch === 'arm64' ? 'an AWS Graviton (arm64)' : 'an x86_64'} instance type, ` +
        `but compute.architecture is ${compute.architecture}; the container image is built per architecture`,
    });
  }
  const vcpus = vcpusOfSize(compute.instanceType);
  if (vcpus !== undefined && compute.vcpus > vcpus) {
    ctx.issues.push({
      field: 'compute.vcpus',
      message: `${compute.vcpus} vCPUs do not fit on ${compute.instanceType}, which has ${vcpus}; GEOS-Chem Classic runs on one node`,
    });
  }
}

/**
 * GCHP runs as an AWS Batch multi-node parallel job: on aws-batch only, on
 * on-demand capacity only, on EFA-capable nodes, with `cores` MPI processes
 * (a multiple of 6) spread over `nodes` instances. Fields the request left out
 * get GCHP's defaults here (the schema's defaults are GEOS-Chem Classic's).
 */
function checkGchpCompute(spec: ResolvedSimulationSpec, ctx: RuleContext): void {
  const { compute } = spec;
  const given = ctx.givenCompute;

  if (!given.has('backend')) compute.backend = 'aws-batch';
  else if (compute.backend !== 'aws-batch') {
    ctx.issues.push({
      field: 'compute.backend',
      message: `GCHP needs MPI across nodes; the ${compute.backend} backend runs GC Classic and the demo model (use "aws-batch")`,
    });
  }
  if (!given.has('purchase')) compute.purchase = 'on-demand';
  else if (compute.purchase === 'spot') {
    ctx.issues.push({
      field: 'compute.purchase',
      message:
        'AWS Batch multi-node parallel jobs do not run on Spot capacity, and GCHP runs as one: use "on-demand" (the default for GCHP)',
    });
  }

  compute.instanceType ??= DEFAULT_GCHP_INSTANCE_TYPE[compute.architecture];
  const instance = efaInstanceType(compute.instanceType);
  const efaTypes = efaInstanceTypesFor(compute.architecture);
  if (!instance) {
    ctx.issues.push({
      field: 'compute.instanceType',
      message:
        `${compute.instanceType} is not an EFA-capable instance type the platform runs GCHP on; GCHP's MPI ` +
        `traffic between nodes needs an Elastic Fabric Adapter: for ${compute.architecture} use ${list(efaTypes)}`,
    });
  } else if (instance.architecture !== compute.architecture) {
    ctx.issues.push({
      field: 'compute.instanceType',
      message:
        `${instance.instanceType} is ${instance.architecture === 'arm64' ? 'an AWS Graviton (arm64)' : 'an x86_64'} ` +
        `instance type, but compute.architecture is ${compute.architecture}; EFA types for ${compute.architecture}: ${list(efaTypes)}`,
    });
  }

  const resolution = spec.grid.resolution;
  compute.cores ??= isCubedSphere(resolution) ? DEFAULT_GCHP_CORES[resolution] : DEFAULT_GCHP_CORES.C24;
  const cores = compute.cores;
  if (cores % CUBE_FACES !== 0) return; // the schema already refused it
  if (!instance) return;

  if (compute.nodes === undefined) {
    compute.nodes = defaultGchpNodes(cores, instance);
  } else if (compute.nodes > cores) {
    ctx.issues.push({
      field: 'compute.nodes',
      message: `${compute.nodes} nodes for ${cores} MPI processes would leave nodes idle; use at most ${cores}`,
    });
  } else if (coresPerNode(cores, compute.nodes) > instance.physicalCores) {
    ctx.issues.push({
      field: 'compute.nodes',
      message:
        `${cores} MPI processes on ${compute.nodes} node${compute.nodes === 1 ? '' : 's'} is ` +
        `${coresPerNode(cores, compute.nodes)} per node, but ${instance.instanceType} has ${instance.physicalCores} ` +
        `physical cores (GCHP runs one process per core): use at least ${defaultGchpNodes(cores, instance)} nodes`,
    });
  }
  if (compute.nodes > GCHP_LIMITS.maxNodes) {
    ctx.issues.push({
      field: 'compute.cores',
      message:
        `${cores} MPI processes need ${compute.nodes} ${instance.instanceType} nodes, more than the ${GCHP_LIMITS.maxNodes} the platform ` +
        `runs in one job; use fewer cores or an instance type with more (${list(efaTypes)})`,
    });
  }

  if (!given.has('vcpus')) compute.vcpus = instance.vcpus;
  else if (compute.vcpus > instance.vcpus) {
    ctx.issues.push({
      field: 'compute.vcpus',
      message: `${compute.vcpus} vCPUs per node do not fit on ${instance.instanceType}, which has ${instance.vcpus}`,
    });
  } else if (compute.vcpus < coresPerNode(cores, compute.nodes)) {
    ctx.issues.push({
      field: 'compute.vcpus',
      message:
        `${compute.vcpus} vCPUs per node cannot hold the ${coresPerNode(cores, compute.nodes)} MPI processes each ` +
        `node runs (${cores} cores on ${compute.nodes} nodes); leave vcpus out to take the whole instance`,
    });
  }
  const instanceMiB = instance.memoryGiB * 1024;
  if (!given.has('memoryMiB')) compute.memoryMiB = defaultGchpNodeMemoryMiB(instance);
  else if (compute.memoryMiB > instanceMiB) {
    ctx.issues.push({
      field: 'compute.memoryMiB',
      message: `${compute.memoryMiB} MiB per node do not fit on ${instance.instanceType}, which has ${instanceMiB} MiB`,
    });
  }
}

function checkTags(spec: ResolvedSimulationSpec, ctx: RuleContext): void {
  for (const key of Object.keys(spec.tags)) {
    const reserved = SPEC_LIMITS.reservedTagPrefixes.find((prefix) => key.toLowerCase().startsWith(prefix));
    if (reserved) {
      ctx.issues.push({
        field: `tags.${key}`,
        message:
          reserved === 'aws:'
            ? 'tag keys may not start with "aws:": AWS reserves that prefix'
            : 'tag keys may not start with "gcr:": the platform sets those tags itself',
      });
    }
  }
}

/**
 * Emission scale factors: each names a species or inventories (the schema
 * cannot say "one of two" under Ajv's strict mode), boxes run west to east and
 * south to north, and only GEOS-Chem Classic run directories carry the
 * HEMCO_Config.rc they are written into. Whether a factor matches a base
 * emission is the generator's check (it reads the simulation's file).
 */
function checkEmissions(spec: ResolvedSimulationSpec, ctx: RuleContext): void {
  const factors = spec.emissions?.scaleFactors ?? [];
  if (factors.length > 0 && spec.model === 'gchp') {
    ctx.issues.push({
      field: 'emissions',
      message:
        'emission scale factors are written for GEOS-Chem Classic run directories only (GCHP HEMCO files are not generated here)',
    });
  }
  factors.forEach((factor, i) => {
    const field = `emissions.scaleFactors[${i}]`;
    if (factor.species === undefined && factor.inventories === undefined) {
      ctx.issues.push({
        field,
        message: 'name the species, the inventories (HEMCO container names or prefixes), or both',
      });
    }
    const region = factor.region;
    if (region && (region.lonMin > region.lonMax || region.latMin > region.latMax)) {
      ctx.issues.push({
        field: `${field}.region`,
        message: 'lonMin must not exceed lonMax, nor latMin latMax',
      });
    }
  });
}

/** Better words for a schema refusal where a common mistake is likely. */
function refineSchemaIssues(issues: FieldIssue[], input: unknown): FieldIssue[] {
  const grid = (input as { grid?: { resolution?: unknown } } | null)?.grid;
  const raw = grid && typeof grid === 'object' ? grid.resolution : undefined;
  const known = typeof raw === 'string' ? resolutionFromCode(raw) : undefined;
  if (!known) return issues;
  return issues.map((issue) =>
    issue.field === 'grid.resolution' && issue.message.startsWith('must be one of')
      ? {
          ...issue,
          message: `${issue.message} ("${String(raw)}" is createRunDir.sh's short name for ${known})`,
        }
      : issue,
  );
}

type SchemaNode = { $ref?: string; properties?: Record<string, SchemaNode> };

/** A copy of `value` whose object keys follow the schema's property order (name, description, model, ...). */
function orderLikeSchema(value: unknown, node: SchemaNode | undefined): unknown {
  if (!node || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const resolved: SchemaNode | undefined = node.$ref?.startsWith('#/$defs/')
    ? (simulationSpecSchema.$defs as Record<string, SchemaNode>)[node.$ref.slice('#/$defs/'.length)]
    : node;
  const properties = resolved?.properties;
  if (!properties) return value;
  const record = value as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(properties)) {
    if (key in record) ordered[key] = orderLikeSchema(record[key], properties[key]);
  }
  for (const key of Object.keys(record)) if (!(key in ordered)) ordered[key] = record[key];
  return ordered;
}

function deepCopy(input: unknown): unknown {
  try {
    return structuredClone(input);
  } catch {
    return JSON.parse(JSON.stringify(input)) as unknown;
  }
}

/**
 * Validates a simulation spec as submitted. On success the spec comes back as
 * a new object with every default filled in and the period in UTC; the input
 * is never modified.
 */
export function validateSimulationSpec(
  input: unknown,
  options: ValidateSpecOptions = {},
): SpecValidationResult {
  let copy: unknown;
  try {
    copy = deepCopy(input);
  } catch {
    return { ok: false, issues: [{ field: 'body', message: 'must be plain JSON' }] };
  }
  if (!validateSchema(copy)) {
    return { ok: false, issues: refineSchemaIssues(issuesFromAjv(validateSchema.errors), input) };
  }
  const spec = copy as ResolvedSimulationSpec;
  const rawCompute = (input as { compute?: unknown }).compute;
  const ctx: RuleContext = {
    issues: [],
    warnings: [],
    now: options.now ?? new Date(),
    givenCompute: new Set(rawCompute && typeof rawCompute === 'object' ? Object.keys(rawCompute) : []),
  };

  checkSimulation(spec, ctx);
  checkMeteorology(spec, ctx);
  checkGrid(spec, ctx);
  checkPrepared(spec, ctx);
  checkPeriod(spec, ctx);
  checkDiagnostics(spec, ctx);
  checkCheckpoint(spec, ctx);
  checkCompute(spec, ctx);
  checkTags(spec, ctx);
  checkEmissions(spec, ctx);
  checkStorableNumbers(spec, '', ctx);

  if (ctx.issues.length > 0) return { ok: false, issues: ctx.issues };
  const ordered = orderLikeSchema(spec, simulationSpecSchema as SchemaNode) as ResolvedSimulationSpec;
  return { ok: true, spec: ordered, warnings: ctx.warnings };
}

/**
 * DynamoDB keeps numbers of magnitude 1e-130 to 9.99e125 (or 0). The schema's
 * bounds keep almost every field far inside that; this catches the rest (e.g. a
 * denormal such as 5e-324 in custom bounds) as a 400 instead of a failed write.
 */
function checkStorableNumbers(value: unknown, path: string, ctx: RuleContext): void {
  if (typeof value === 'number') {
    const magnitude = Math.abs(value);
    if (magnitude !== 0 && (magnitude < 1e-130 || magnitude > 9.99e125)) {
      ctx.issues.push({
        field: path || 'body',
        message: `${value} is too close to zero or too large to be a useful value`,
      });
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkStorableNumbers(item, `${path}[${i}]`, ctx));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value))
      checkStorableNumbers(item, path ? `${path}.${key}` : key, ctx);
  }
}

/**
 * The spec of a stored simulation. Only validated specs are stored, with every
 * default filled in, so the resolved type holds for what the table returns.
 */
export function storedSpec(simulation: { spec: SimulationSpec }): ResolvedSimulationSpec {
  return simulation.spec as ResolvedSimulationSpec;
}
