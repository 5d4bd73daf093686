import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConflictError, RateLimitedError, ValidationError } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import type { Cooldown } from '#shared/kernel/rate-limit/cooldown.js';
import type { ResultsComparison, Simulation } from '#schemas/generated/types.js';
import { loadVisibleSimulation } from '#shared/kernel/repository/visible-simulation.js';
import {
  comparisonMapPath,
  comparisonPath,
  simulationKey,
  SimulationPaths,
  surfacePath,
} from '#shared/kernel/storage/bucket-layout.js';
import { compareSummaries, summariseMetrics } from './comparison-table.js';
import { asManifest, asMetrics, collectionOfKey, resultsStateOf } from './documents.js';
import type { ResultsApiPorts } from './ports.js';

/** Draws dev - ref of one variable from two runs' surface-means files (results/surface/<C>.nc4). */
export interface DifferenceMapRenderer {
  /** A PNG, or undefined when either file lacks the variable (or it has no horizontal grid). */
  render(input: {
    refPath: string;
    devPath: string;
    variable: string;
    title: string;
  }): Promise<Buffer | undefined>;
}

export interface ComparePorts extends ResultsApiPorts {
  renderer?: DifferenceMapRenderer;
  /** How many of the most different variables get a map. */
  mapCount: number;
  /**
   * One refresh (refresh=true: recomputed, a Lambda run of up to 29 s) per
   * simulation and period, whichever pair it is in.
   */
  refreshCooldown: Cooldown & { seconds: number };
}

export interface CompareQuery {
  refresh: boolean;
}

export function parseCompareQuery(raw: Record<string, string | undefined>): CompareQuery {
  const issues = Object.keys(raw)
    .filter((k) => k !== 'refresh')
    .map((k) => ({ field: `query.${k}`, message: 'is not a known parameter (refresh)' }));
  const refresh = raw['refresh'];
  if (refresh !== undefined && refresh !== 'true' && refresh !== 'false') {
    issues.push({ field: 'query.refresh', message: 'must be true or false' });
  }
  if (issues.length > 0) throw new ValidationError('query string is invalid', issues);
  return { refresh: refresh === 'true' };
}

/** The horizontal grid as a person names it: "4x5", "0.5x0.625 AS", "C48". */
export function describeGrid(simulation: Simulation): string {
  const grid = simulation.spec.grid as { resolution: string; nestedDomain?: string; bounds?: unknown };
  const domain = grid.nestedDomain && grid.nestedDomain !== 'global' ? ` ${grid.nestedDomain}` : '';
  const bounds = grid.nestedDomain === 'custom' && grid.bounds ? ` ${JSON.stringify(grid.bounds)}` : '';
  return `${grid.resolution}${domain}${bounds}`;
}

function readyResults(simulation: Simulation, role: string): string {
  const state = resultsStateOf(simulation);
  if (state?.status !== 'READY') {
    const now = state?.status ?? (simulation.status === 'SUCCEEDED' ? 'PENDING' : 'NOT_STARTED');
    throw new ConflictError(
      `results of ${role} ${simulation.id} are ${now}, not READY: both runs need processed results to be compared` +
        (state?.reason ? ` (${state.reason})` : ''),
    );
  }
  return state.updatedAt;
}

/**
 * POST /simulations/{id}/compare/{otherId}: {id} is the reference, {otherId}
 * the development run. A stored comparison is reused while both runs' results
 * are those it was made from, unless the caller asks for a refresh.
 */
export async function compareResults(
  ports: ComparePorts,
  caller: Caller,
  refId: string,
  devId: string,
  query: CompareQuery = { refresh: false },
): Promise<ResultsComparison> {
  if (refId === devId) {
    throw new ValidationError('a simulation cannot be compared with itself', [
      { field: 'path.otherId', message: 'must be another simulation than path.id' },
    ]);
  }
  const [ref, dev] = await Promise.all([
    loadVisibleSimulation(ports.repository, caller, refId),
    loadVisibleSimulation(ports.repository, caller, devId, 'path.otherId'),
  ]);
  const refUpdatedAt = readyResults(ref, 'reference run');
  const devUpdatedAt = readyResults(dev, 'development run');
  const refGrid = describeGrid(ref);
  const devGrid = describeGrid(dev);
  if (refGrid !== devGrid) throw new ConflictError(`grids differ: ${refGrid} vs ${devGrid}`);

  // Runs of two owners (only an admin sees both): kept where neither owner can read it.
  const crossOwner = ref.owner !== dev.owner;
  const cacheKey = simulationKey(refId, comparisonPath(devId, crossOwner));
  if (query.refresh) await takeRefresh(ports, [refId, devId]);
  else {
    const cached = (await ports.store.getJson(cacheKey)) as ResultsComparison | undefined;
    if (cached?.ref?.resultsUpdatedAt === refUpdatedAt && cached.dev?.resultsUpdatedAt === devUpdatedAt) {
      return { ...cached, cached: true };
    }
  }

  const [refTable, devTable] = await Promise.all([loadSummaries(ports, refId), loadSummaries(ports, devId)]);
  const { rows, onlyInRef, onlyInDev } = compareSummaries(refTable, devTable);
  const comparison: ResultsComparison = {
    ref: { simulationId: refId, name: ref.name, resultsUpdatedAt: refUpdatedAt },
    dev: { simulationId: devId, name: dev.name, resultsUpdatedAt: devUpdatedAt },
    grid: refGrid,
    generatedAt: ports.now().toISOString(),
    cached: false,
    species: rows,
    onlyInRef,
    onlyInDev,
    maps: [],
  };
  const maps = await drawMaps(ports, comparison, crossOwner);
  comparison.maps = maps.maps;
  if (maps.note) comparison.mapsNote = maps.note;
  await ports.store.put(cacheKey, JSON.stringify(comparison), 'application/json');
  return comparison;
}

/** Both runs' refresh slots, or a 429 saying when to ask again. */
async function takeRefresh(ports: ComparePorts, ids: string[]): Promise<void> {
  for (const id of ids) {
    const taken = await ports.refreshCooldown.take(id, ports.now().getTime());
    if (!taken.taken) {
      throw new RateLimitedError(
        `a comparison with simulation ${id} was refreshed less than ${ports.refreshCooldown.seconds} s ago (refresh=true is allowed once per ${ports.refreshCooldown.seconds} s per simulation); ask again in ${taken.retryAfterSeconds} s, or without refresh for the stored comparison`,
        taken.retryAfterSeconds,
      );
    }
  }
}

async function loadSummaries(ports: ResultsApiPorts, id: string) {
  const [metricsRaw, manifestRaw] = await Promise.all([
    ports.store.getJson(simulationKey(id, SimulationPaths.metrics)),
    ports.store.getJson(simulationKey(id, SimulationPaths.manifest)),
  ]);
  const metrics = asMetrics(metricsRaw);
  if (!metrics) {
    throw new ConflictError(
      `results of ${id} are READY but have no metrics (${SimulationPaths.metrics}); reprocess them`,
    );
  }
  const collections = new Map((asManifest(manifestRaw)?.files ?? []).map((f) => [f.key, f.collection]));
  return summariseMetrics(metrics, (key) => collections.get(key) ?? collectionOfKey(key));
}

/** dev - ref maps of the most different variables that have a surface mean, one PNG each. */
async function drawMaps(
  ports: ComparePorts,
  comparison: ResultsComparison,
  crossOwner: boolean,
): Promise<{ maps: ResultsComparison['maps']; note?: string }> {
  if (ports.mapCount <= 0) return { maps: [] };
  if (!ports.renderer) return { maps: [], note: 'difference maps are not available in this deployment' };
  const candidates = comparison.species.filter(
    (row) => row.ref.surfaceMean !== null && row.dev.surfaceMean !== null && row.difference.surfaceMean !== 0,
  );
  const refId = comparison.ref.simulationId;
  const devId = comparison.dev.simulationId;
  const dir = await mkdtemp(path.join(tmpdir(), 'gcr-compare-'));
  const maps: ResultsComparison['maps'] = [];
  const unavailable = new Set<string>();
  try {
    const fetched = new Map<string, { refPath: string; devPath: string } | undefined>();
    for (const row of candidates) {
      if (maps.length >= ports.mapCount) break;
      // One map per variable name: the most different collection's, when a name repeats.
      if (maps.some((m) => m.variable === row.variable)) continue;
      if (!fetched.has(row.collection)) {
        const refPath = path.join(dir, `ref-${row.collection}.nc4`);
        const devPath = path.join(dir, `dev-${row.collection}.nc4`);
        const surface = surfacePath(row.collection);
        const [a, b] = await Promise.all([
          ports.store.download(simulationKey(refId, surface), refPath),
          ports.store.download(simulationKey(devId, surface), devPath),
        ]);
        fetched.set(row.collection, a && b ? { refPath, devPath } : undefined);
        if (!(a && b)) unavailable.add(row.collection);
      }
      const files = fetched.get(row.collection);
      if (!files) continue;
      const png = await ports.renderer.render({
        ...files,
        variable: row.variable,
        title: `${row.variable} surface, dev - ref (${comparison.dev.name} - ${comparison.ref.name})`,
      });
      if (!png) continue;
      const key = comparisonMapPath(devId, row.variable, crossOwner);
      await ports.store.put(simulationKey(refId, key), png, 'image/png');
      maps.push({ collection: row.collection, variable: row.variable, key });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const note =
    maps.length < Math.min(ports.mapCount, candidates.length) && unavailable.size > 0
      ? `no surface means for ${[...unavailable].sort().join(', ')} in one of the runs`
      : undefined;
  return note ? { maps, note } : { maps };
}
