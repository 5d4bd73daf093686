/**
 * Where the platform keeps a simulation's files in the results bucket: all of
 * them under `simulations/<id>/`, spelled here once.
 *
 *   simulations/<id>/rundir/                 run directory, written at submission
 *   simulations/<id>/outputs/                what the job uploads (GEOS-Chem's OutputDir, restarts)
 *   simulations/<id>/restarts/               every restart file as it appears (mid-run checkpoints, the end's),
 *                                              what a retried attempt resumes from and a campaign's next stage starts from
 *   simulations/<id>/status.json             the job's progress, read by the poller
 *   simulations/<id>/logs/                   the model's own log (GC.log), uploaded by the job
 *   simulations/<id>/mpi/                    GCHP nodes' addresses (multi-node jobs)
 *   simulations/<id>/results/manifest.json   results processor: manifest (written last),
 *   simulations/<id>/results/metrics.json      metrics, surface means,
 *   simulations/<id>/results/surface/          preview maps and
 *   simulations/<id>/results/previews/         stored comparisons (of runs of one owner;
 *   simulations/<id>/results/comparisons/      an admin's comparisons across owners are
 *   simulations/<id>/results/admin-comparisons/  served to admins only)
 *
 * Manifests and the results API name files relative to the simulation's
 * prefix (`results/manifest.json`, `outputs/...`): the `SimulationPaths`.
 * The job runner (containers/runner) keeps its own copy of these names, since
 * its image is built from its own folder alone; a test checks they agree. The
 * IAM resources in the services' serverless.yml spell them too.
 */

/** Paths relative to a simulation's prefix. */
export const SimulationPaths = {
  runDirectory: 'rundir/',
  outputs: 'outputs/',
  restarts: 'restarts/',
  status: 'status.json',
  logs: 'logs/',
  mpi: 'mpi/',
  results: 'results/',
  manifest: 'results/manifest.json',
  metrics: 'results/metrics.json',
  surface: 'results/surface/',
  previews: 'results/previews/',
  comparisons: 'results/comparisons/',
  adminComparisons: 'results/admin-comparisons/',
} as const;

/** An ensemble's aggregation products, under `ensembles/<id>/` (the members keep theirs under simulations/). */
export const EnsemblePaths = {
  manifest: 'manifest.json',
  metricsCsv: 'metrics.csv',
  metricsJson: 'metrics.json',
  jacobian: 'jacobian.nc4',
} as const;

export function ensembleKey(ensembleId: string, relativePath: string): string {
  return `ensembles/${ensembleId}/${relativePath}`;
}

/** `simulations/<id>/`: everything the platform keeps for one simulation. */
export function simulationPrefix(simulationId: string): string {
  return `simulations/${simulationId}/`;
}

/** The bucket key of a path relative to the simulation's prefix. */
export function simulationKey(simulationId: string, relativePath: string): string {
  return `${simulationPrefix(simulationId)}${relativePath}`;
}

export function runDirectoryPrefix(simulationId: string): string {
  return simulationKey(simulationId, SimulationPaths.runDirectory);
}

export function outputsPrefix(simulationId: string): string {
  return simulationKey(simulationId, SimulationPaths.outputs);
}

/** Object metadata on each file under restarts/: the attempt (AWS Batch's, from 1) that wrote it. */
export const RESTART_ATTEMPT_METADATA = 'gcr-attempt';

export function restartsPrefix(simulationId: string): string {
  return simulationKey(simulationId, SimulationPaths.restarts);
}

export function statusKey(simulationId: string): string {
  return simulationKey(simulationId, SimulationPaths.status);
}

/** A file of the run directory, relative to the simulation's prefix (`rundir/HISTORY.rc`). */
export function runDirectoryPath(fileName: string): string {
  return `${SimulationPaths.runDirectory}${fileName}`;
}

/** The time-mean surface file of a collection, relative to the simulation's prefix. */
export function surfacePath(collection: string): string {
  return `${SimulationPaths.surface}${collection}.nc4`;
}

/** A preview map, relative to the simulation's prefix. */
export function previewPath(collection: string, variable: string): string {
  return `${SimulationPaths.previews}${collection}/${variable}.png`;
}

/** `results/previews/<collection>/<variable>.png` -> its parts; undefined for any other path. */
export function parsePreviewPath(relativePath: string): { collection: string; variable: string } | undefined {
  if (!relativePath.startsWith(SimulationPaths.previews)) return undefined;
  const match = /^([^/]+)\/([^/]+)\.png$/.exec(relativePath.slice(SimulationPaths.previews.length));
  return match ? { collection: match[1]!, variable: match[2]! } : undefined;
}

/**
 * Where a comparison of this (reference) simulation with a development run is
 * kept, relative to its prefix. One of another owner's runs (only an admin can
 * make such a comparison) goes under `results/admin-comparisons/`, which the
 * files route serves to admins only: neither owner can read the other's run
 * through it.
 */
function comparisonsOf(devId: string, crossOwner: boolean): string {
  return `${crossOwner ? SimulationPaths.adminComparisons : SimulationPaths.comparisons}${devId}/`;
}

/** The stored comparison (comparison.json), relative to the reference simulation's prefix. */
export function comparisonPath(devId: string, crossOwner = false): string {
  return `${comparisonsOf(devId, crossOwner)}comparison.json`;
}

/** A difference map of a stored comparison, relative to the reference simulation's prefix. */
export function comparisonMapPath(devId: string, variable: string, crossOwner = false): string {
  return `${comparisonsOf(devId, crossOwner)}${variable}.png`;
}

/** A stored comparison's file -> the development run and whether it is across owners; undefined for any other path. */
export function parseComparisonPath(
  relativePath: string,
): { devId: string; crossOwner: boolean } | undefined {
  for (const [prefix, crossOwner] of [
    [SimulationPaths.comparisons, false],
    [SimulationPaths.adminComparisons, true],
  ] as const) {
    if (!relativePath.startsWith(prefix)) continue;
    const devId = relativePath.slice(prefix.length).split('/')[0]!;
    return { devId, crossOwner };
  }
  return undefined;
}
