import { ValidationError, type FieldIssue } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import type {
  SimulationResults,
  SimulationResultsCollection,
  SimulationResultsFileMetrics,
  SimulationResultsPreview,
} from '#schemas/generated/types.js';
import { loadVisibleSimulation } from '#shared/kernel/repository/visible-simulation.js';
import { parsePreviewPath, simulationPrefix, SimulationPaths } from '#shared/kernel/storage/bucket-layout.js';
import {
  asManifest,
  asMetrics,
  collectionOfKey,
  resultsStateOf,
  type ResultsManifestDocument,
  type ResultsMetricsDocument,
} from './documents.js';
import type { ResultsApiPorts } from './ports.js';

/**
 * Most variable entries one answer carries (a month of hourly SpeciesConc files
 * holds far more); past it the answer says `truncated` and how to narrow it.
 */
export const MAX_METRIC_ENTRIES = 5000;
const MAX_PREVIEWS = 1000;
const VARIABLE_NAME = /^[A-Za-z0-9_]{1,128}$/;

export interface ResultsQuery {
  /** Only these variables in `metrics` (all when absent). */
  variables?: string[];
  /** Only this collection's files in `metrics` (all when absent). */
  collection?: string;
}

export function parseResultsQuery(raw: Record<string, string | undefined>): ResultsQuery {
  const issues: FieldIssue[] = [];
  for (const key of Object.keys(raw)) {
    if (key !== 'variables' && key !== 'collection') {
      issues.push({ field: `query.${key}`, message: 'is not a known parameter (variables, collection)' });
    }
  }
  const query: ResultsQuery = {};
  const variables = raw['variables'];
  if (variables !== undefined) {
    const names = variables.split(',').map((v) => v.trim());
    const bad = names.filter((n) => !VARIABLE_NAME.test(n));
    if (names.length > 200 || bad.length > 0) {
      issues.push({
        field: 'query.variables',
        message: `must be a comma-separated list of up to 200 variable names (letters, digits, _)${
          bad.length ? `; not a name: "${bad[0]}"` : ''
        }`,
      });
    } else query.variables = [...new Set(names)];
  }
  const collection = raw['collection'];
  if (collection !== undefined) {
    if (!VARIABLE_NAME.test(collection)) {
      issues.push({ field: 'query.collection', message: 'must be a collection name, e.g. SpeciesConc' });
    } else query.collection = collection;
  }
  if (issues.length > 0) throw new ValidationError('query string is invalid', issues);
  return query;
}

/**
 * GET /simulations/{id}/results. The status comes from the simulation's
 * `results` field; without one it is PENDING when the run succeeded (its
 * processing is queued) and NOT_STARTED otherwise (results are processed only
 * once a run succeeds). Manifest and metrics are read whenever they exist, so
 * a reprocessing (PROCESSING) still shows the previous results.
 */
export async function getResults(
  ports: ResultsApiPorts,
  caller: Caller,
  id: string,
  query: ResultsQuery = {},
): Promise<SimulationResults> {
  const simulation = await loadVisibleSimulation(ports.repository, caller, id);
  const state = resultsStateOf(simulation);
  const base = simulationPrefix(id);
  const answer: SimulationResults = {
    simulationId: id,
    simulationStatus: simulation.status,
    status: state?.status ?? (simulation.status === 'SUCCEEDED' ? 'PENDING' : 'NOT_STARTED'),
    previews: [],
  };
  if (state?.updatedAt) answer.updatedAt = state.updatedAt;
  if (state?.reason) answer.reason = state.reason;
  else if (!state) {
    answer.reason =
      simulation.status === 'SUCCEEDED'
        ? 'the run succeeded; its results are queued for processing'
        : `results are processed once the run succeeds (the simulation is ${simulation.status})`;
  }
  if (!state) return answer;

  const [manifestRaw, metricsRaw, previewKeys] = await Promise.all([
    ports.store.getJson(base + SimulationPaths.manifest),
    ports.store.getJson(base + SimulationPaths.metrics),
    ports.store.listKeys(base + SimulationPaths.previews, MAX_PREVIEWS),
  ]);
  const manifest = asManifest(manifestRaw);
  if (manifest) answer.manifest = summariseManifest(manifest);
  const metrics = asMetrics(metricsRaw);
  if (metrics) answer.metrics = selectMetrics(metrics, manifest, query);
  answer.previews = previewKeys
    .map((key) => previewOf(key.slice(base.length)))
    .filter((p): p is SimulationResultsPreview => p !== undefined)
    .sort((a, b) => a.key.localeCompare(b.key));
  return answer;
}

/** Files grouped by collection (restart and other files by their kind), in key order. */
export function summariseManifest(
  manifest: ResultsManifestDocument,
): NonNullable<SimulationResults['manifest']> {
  const groups = new Map<string, SimulationResultsCollection>();
  for (const file of [...manifest.files].sort((a, b) => a.key.localeCompare(b.key))) {
    const name = file.collection ?? (file.kind === 'restart' ? 'Restart' : file.kind);
    let group = groups.get(name);
    if (!group) {
      group = { collection: name, kind: file.kind, fileCount: 0, totalBytes: 0, files: [] };
      groups.set(name, group);
    }
    group.fileCount += 1;
    group.totalBytes += file.size;
    group.files.push({
      key: file.key,
      size: file.size,
      sha256: file.sha256,
      ...(file.timeStep ? { timeStep: file.timeStep } : {}),
    });
  }
  return {
    generatedAt: manifest.generatedAt,
    fileCount: manifest.fileCount,
    totalBytes: manifest.totalBytes,
    complete: manifest.complete,
    missing: manifest.missing.map((m) => ({
      collection: m.collection,
      timeStep: m.timeStep,
      expectedKey: m.expectedKey,
    })),
    collections: [...groups.values()].sort((a, b) => a.collection.localeCompare(b.collection)),
  };
}

function selectMetrics(
  metrics: ResultsMetricsDocument,
  manifest: ResultsManifestDocument | undefined,
  query: ResultsQuery,
): NonNullable<SimulationResults['metrics']> {
  const byKey = new Map((manifest?.files ?? []).map((f) => [f.key, f]));
  const wanted = query.variables ? new Set(query.variables) : undefined;
  const files: SimulationResultsFileMetrics[] = [];
  let entries = 0;
  let truncated = false;
  for (const { key, metrics: fileMetrics } of metrics.files) {
    const collection = byKey.get(key)?.collection ?? collectionOfKey(key);
    if (query.collection && collection !== query.collection) continue;
    const variables = fileMetrics.variables.filter((v) => !wanted || wanted.has(v.name));
    if (variables.length === 0) continue;
    if (entries + variables.length > MAX_METRIC_ENTRIES) {
      truncated = true;
      break;
    }
    entries += variables.length;
    const timeStep = byKey.get(key)?.timeStep;
    files.push({
      key,
      ...(collection ? { collection } : {}),
      ...(timeStep ? { timeStep } : {}),
      ...(fileMetrics.grid ? { grid: fileMetrics.grid } : {}),
      variables: variables.map((v) => ({
        name: v.name,
        dims: v.dims,
        units: v.units,
        validCount: v.count,
        min: v.min,
        max: v.max,
        mean: v.mean,
        ...(v.surfaceAreaWeightedMean ? { surfaceAreaWeightedMean: v.surfaceAreaWeightedMean } : {}),
      })),
    });
  }
  return {
    ...(metrics.generatedAt ? { generatedAt: metrics.generatedAt } : {}),
    fileCount: files.length,
    truncated,
    ...(truncated
      ? {
          note: `more than ${MAX_METRIC_ENTRIES} variable entries: narrow with ?collection= or ?variables=`,
        }
      : {}),
    files,
  };
}

/** A preview map's key (relative to the simulation) with its collection and variable; other keys are ignored. */
function previewOf(key: string): SimulationResultsPreview | undefined {
  const preview = parsePreviewPath(key);
  return preview ? { key, ...preview } : undefined;
}
