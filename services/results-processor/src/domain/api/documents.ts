/**
 * The results documents the processing pipeline writes, as far as the results
 * API reads them: types derived from their schemas
 * (schemas/results/*.schema.json, schemas/api/simulation.schema.json).
 */
import type {
  NetcdfFileMetrics,
  NetcdfVariableMetrics,
  ResultsManifest,
  ResultsMetrics,
  Simulation,
  SimulationResultsStatus,
} from '#schemas/generated/types.js';

export type ResultsProcessingStatus = SimulationResultsStatus['status'];

/** The simulation's `results` field, written by the results processor. */
export type SimulationResultsState = SimulationResultsStatus;

export type ManifestFile = ResultsManifest['files'][number];
export type ManifestMissing = ResultsManifest['missing'][number];
export type ResultsManifestDocument = Pick<
  ResultsManifest,
  'files' | 'missing' | 'complete' | 'fileCount' | 'totalBytes' | 'generatedAt'
>;
export type VariableMetricsDocument = NetcdfVariableMetrics;
export type FileMetricsDocument = NetcdfFileMetrics;
export type ResultsMetricsDocument = Pick<ResultsMetrics, 'files'> &
  Partial<Pick<ResultsMetrics, 'generatedAt'>>;

export function resultsStateOf(simulation: Simulation): SimulationResultsState | undefined {
  const value = (simulation as { results?: unknown }).results;
  return value && typeof value === 'object' ? (value as SimulationResultsState) : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The manifest when the object has its shape; undefined otherwise (absent or foreign). */
export function asManifest(value: unknown): ResultsManifestDocument | undefined {
  if (!isObject(value) || !Array.isArray(value['files'])) return undefined;
  const files = (value['files'] as unknown[]).filter(
    (f): f is ManifestFile => isObject(f) && typeof f['key'] === 'string',
  );
  const missing = Array.isArray(value['missing'])
    ? (value['missing'] as unknown[]).filter((m): m is ManifestMissing => isObject(m))
    : [];
  return {
    files,
    missing,
    complete: value['complete'] === true,
    fileCount: typeof value['fileCount'] === 'number' ? value['fileCount'] : files.length,
    totalBytes:
      typeof value['totalBytes'] === 'number'
        ? value['totalBytes']
        : files.reduce((sum, f) => sum + (f.size ?? 0), 0),
    generatedAt: typeof value['generatedAt'] === 'string' ? value['generatedAt'] : '',
  };
}

export function asMetrics(value: unknown): ResultsMetricsDocument | undefined {
  if (!isObject(value) || !Array.isArray(value['files'])) return undefined;
  const files = (value['files'] as unknown[]).filter(
    (f): f is { key: string; metrics: FileMetricsDocument } =>
      isObject(f) &&
      typeof f['key'] === 'string' &&
      isObject(f['metrics']) &&
      Array.isArray((f['metrics'] as Record<string, unknown>)['variables']),
  );
  return {
    ...(typeof value['generatedAt'] === 'string' ? { generatedAt: value['generatedAt'] } : {}),
    files,
  };
}

/** `GEOSChem.SpeciesConc.20190101_0000z.nc4` -> SpeciesConc; HEMCO diagnostics -> HEMCO_diagnostics. */
export function collectionOfKey(key: string): string | undefined {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const geosChem = /^GEOSChem\.([A-Za-z0-9_]+)\./.exec(name);
  if (geosChem) return geosChem[1];
  if (/^HEMCO_diagnostics\./.test(name)) return 'HEMCO_diagnostics';
  return undefined;
}
