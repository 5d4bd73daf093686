/**
 * Where the platform keeps a simulation's files in the results bucket: all of
 * them under `simulations/<id>/`, spelled here once.
 *
 *   simulations/<id>/rundir/                 run directory, written at submission
 *   simulations/<id>/outputs/                what the job uploads (GEOS-Chem's OutputDir, restarts)
 *   simulations/<id>/status.json             the job's progress, read by the poller
 *   simulations/<id>/logs/                   the model's own log (GC.log), uploaded by the job
 *   simulations/<id>/mpi/                    GCHP nodes' addresses (multi-node jobs)
 *   simulations/<id>/results/manifest.json   results processor: manifest (written last),
 *   simulations/<id>/results/metrics.json      metrics, surface means,
 *   simulations/<id>/results/surface/          preview maps and
 *   simulations/<id>/results/previews/         stored comparisons
 *   simulations/<id>/results/comparisons/
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
  status: 'status.json',
  logs: 'logs/',
  mpi: 'mpi/',
  results: 'results/',
  manifest: 'results/manifest.json',
  metrics: 'results/metrics.json',
  surface: 'results/surface/',
  previews: 'results/previews/',
  comparisons: 'results/comparisons/',
} as const;

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

/** The stored comparison of this (reference) simulation with a development run, relative to its prefix. */
export function comparisonPath(devId: string): string {
  return `${SimulationPaths.comparisons}${devId}/comparison.json`;
}

/** A difference map of a stored comparison, relative to the reference simulation's prefix. */
export function comparisonMapPath(devId: string, variable: string): string {
  return `${SimulationPaths.comparisons}${devId}/${variable}.png`;
}
