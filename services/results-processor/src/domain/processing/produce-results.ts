/**
 * Reads every output of a simulation once, as a stream: its SHA-256 and size
 * on the way, and, for NetCDF files, a copy on local disk for the metrics (and
 * the collection's surface means and previews), deleted as soon as its
 * collection is done. Writes results/metrics.json, the derived products, and
 * results/manifest.json last.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  contentTypeFor,
  isNetcdfName,
  parseOutputName,
} from '#shared/science/results/manifest/file-names.js';
import { HistoryRcError, parseHistoryRc } from '#shared/science/results/manifest/history-rc.js';
import {
  demoModelSchedules,
  expectedOutputs,
  missingOutputs,
  schedulesFromSpec,
} from '#shared/science/results/manifest/expected-outputs.js';
import { ImplausibleNetcdfError, type TimeBudget } from '#shared/science/results/file-limits.js';
import { computeMetrics } from '#shared/science/results/metrics.js';
import { storedSpec } from '#shared/science/spec/validate-spec.js';
import {
  previewPath,
  runDirectoryPath,
  simulationPrefix,
  SimulationPaths,
  surfacePath,
} from '#shared/kernel/storage/bucket-layout.js';
import type {
  NetcdfFileMetrics,
  ResultsFile,
  ResultsManifest,
  ResultsMetrics,
  Simulation,
} from '#schemas/generated/types.js';
import {
  mainCollection,
  previewVariables,
  summarizeMetrics,
  type MetricsSummary,
} from './metrics-summary.js';
import type { ResultsPorts, StoredObject } from './ports.js';
import { retryTransient } from './transient.js';
import type { Trigger } from './triggers.js';

/**
 * An output that could not be read; names the file by its key (the local path
 * it was staged at means nothing to the reader). Transient causes stay retryable.
 */
export class OutputReadError extends Error {
  constructor(
    readonly key: string,
    cause: unknown,
    stagedAt?: string,
  ) {
    const why =
      cause instanceof ImplausibleNetcdfError
        ? cause.reason
        : cause instanceof Error
          ? cause.message
          : String(cause);
    super(`${key}: ${stagedAt ? why.replaceAll(stagedAt, 'the file') : why}`, { cause });
    this.name = 'OutputReadError';
  }
}

export interface ProducedResults {
  manifest: ResultsManifest;
  metrics: ResultsMetrics;
  summary: MetricsSummary;
  previews: number;
}

/** Hashes a stream, copying it to `copyTo` when given. */
export async function digestStream(
  body: Readable,
  copyTo?: string,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const sink = copyTo
    ? createWriteStream(copyTo)
    : new Writable({
        write(_chunk, _encoding, done) {
          done();
        },
      });
  await pipeline(body, tap, sink);
  return { sha256: hash.digest('hex'), size };
}

interface OutputGroup {
  collection?: string;
  kind: ResultsFile['kind'];
  netcdf: boolean;
  objects: StoredObject[];
}

/** NetCDF outputs grouped by collection (time order); every other file on its own. */
function groupOutputs(objects: StoredObject[]): OutputGroup[] {
  const groups: OutputGroup[] = [];
  const byCollection = new Map<string, OutputGroup>();
  for (const object of [...objects].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    const parsed = parseOutputName(object.key);
    const netcdf = isNetcdfName(object.key);
    if (netcdf && parsed.collection) {
      const id = `${parsed.kind}|${parsed.collection}`;
      let group = byCollection.get(id);
      if (!group) {
        group = { collection: parsed.collection, kind: parsed.kind, netcdf, objects: [] };
        byCollection.set(id, group);
        groups.push(group);
      }
      group.objects.push(object);
    } else {
      groups.push({ kind: parsed.kind, netcdf, objects: [object] });
    }
  }
  return groups;
}

async function expectedFor(
  ports: ResultsPorts,
  simulation: Simulation,
): Promise<{
  from: NonNullable<ResultsManifest['expectedFrom']>;
  expected: ReturnType<typeof expectedOutputs>;
}> {
  const base = simulationPrefix(simulation.id);
  const spec = storedSpec(simulation);
  const diagnostics = spec.diagnostics;
  const status = await ports.store.readText(`${base}${SimulationPaths.status}`);
  if (status !== undefined) {
    try {
      if ((JSON.parse(status) as { model?: unknown }).model === 'gcr-demo') {
        return {
          from: 'demo-model',
          expected: expectedOutputs(demoModelSchedules(diagnostics), spec.period),
        };
      }
    } catch {
      // not the demo model's status file: fall through
    }
  }
  const history = await ports.store.readText(`${base}${runDirectoryPath('HISTORY.rc')}`);
  if (history !== undefined) {
    try {
      return { from: 'history-rc', expected: expectedOutputs(parseHistoryRc(history), spec.period) };
    } catch (err) {
      if (!(err instanceof HistoryRcError)) throw err;
      ports.log?.('HISTORY.rc not readable; expected outputs follow the spec', { reason: err.message });
    }
  }
  return { from: 'spec', expected: expectedOutputs(schedulesFromSpec(diagnostics), spec.period) };
}

export async function produceResults(
  ports: ResultsPorts,
  simulation: Simulation,
  trigger: Trigger,
  budget?: TimeBudget,
): Promise<ProducedResults> {
  const base = simulationPrefix(simulation.id);
  const relative = (key: string): string => key.slice(base.length);
  const objects = await ports.store.list(`${base}${SimulationPaths.outputs}`);
  const groups = groupOutputs(objects);
  const main = mainCollection(groups);
  const { from, expected } = await expectedFor(ports, simulation);
  ports.log?.('reading outputs', {
    simulationId: simulation.id,
    objects: objects.length,
    expectedFrom: from,
  });

  const files: ResultsFile[] = [];
  const fileMetrics: ResultsMetrics['files'] = [];
  let previews = 0;
  let mainMetrics: NetcdfFileMetrics[] = [];
  const retryOptions = { ...ports.retry, isTransient: ports.isTransient };
  const put = (key: string, body: string, type: string) =>
    retryTransient(() => ports.store.put(key, body, type), retryOptions);
  const workDir = await mkdtemp(path.join(ports.tmpDir, 'gcr-results-'));
  try {
    let staged = 0;
    for (const group of groups) {
      const localPaths: string[] = [];
      const groupMetrics: NetcdfFileMetrics[] = [];
      for (const object of group.objects) {
        const key = relative(object.key);
        const local = group.netcdf ? path.join(workDir, `${staged++}.nc4`) : undefined;
        const startedAt = Date.now();
        try {
          budget?.check();
          const { sha256, size } = await retryTransient(
            async () => digestStream(await ports.store.stream(object.key), local),
            retryOptions,
          );
          const parsed = parseOutputName(key);
          files.push({
            key,
            size,
            sha256,
            contentType: contentTypeFor(key),
            kind: parsed.kind,
            ...(parsed.collection ? { collection: parsed.collection } : {}),
            ...(parsed.timeStep ? { timeStep: parsed.timeStep } : {}),
          });
          if (local) {
            localPaths.push(local);
            const metrics = {
              ...(await computeMetrics(local, budget ? { budget } : {})),
              path: key,
            } as NetcdfFileMetrics;
            groupMetrics.push(metrics);
            fileMetrics.push({ key, metrics });
          }
          ports.log?.('output read', { key, size, ms: Date.now() - startedAt });
        } catch (err) {
          throw new OutputReadError(key, err, local);
        }
      }
      if (group.collection === main) mainMetrics = groupMetrics;
      if (ports.products && group.kind === 'diagnostic' && group.collection && localPaths.length > 0) {
        previews += await deriveProducts(ports, base, group.collection, localPaths, workDir, {
          ...(budget ? { budget } : {}),
          variables:
            group.collection === main
              ? previewVariables(groupMetrics, ports.previewSpeciesCount, trigger.species)
              : [],
        });
      }
      await Promise.all(localPaths.map((p) => rm(p, { force: true })));
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }

  const generatedAt = ports.now().toISOString();
  const metrics: ResultsMetrics = {
    schemaVersion: '1',
    simulationId: simulation.id,
    generatedAt,
    files: fileMetrics,
  };
  await put(`${base}${SimulationPaths.metrics}`, JSON.stringify(metrics), 'application/json');

  const missing = missingOutputs(expected, files);
  const manifest: ResultsManifest = {
    schemaVersion: '1',
    simulationId: simulation.id,
    generatedAt,
    expectedFrom: from,
    files,
    missing,
    complete: missing.length === 0,
    fileCount: files.length,
    totalBytes: files.reduce((sum, f) => sum + f.size, 0),
  };
  // Last: a manifest in the bucket means everything it describes is there too.
  await put(`${base}${SimulationPaths.manifest}`, JSON.stringify(manifest, null, 1), 'application/json');
  return { manifest, metrics, summary: summarizeMetrics(mainMetrics), previews };
}

/** The collection's surface-means file, and previews of `variables` drawn from it. */
async function deriveProducts(
  ports: ResultsPorts,
  base: string,
  collection: string,
  sourcePaths: string[],
  workDir: string,
  options: { variables: string[]; budget?: TimeBudget },
): Promise<number> {
  const products = ports.products!;
  const surfaceFile = path.join(workDir, `surface-${collection}.nc4`);
  const budget = options.budget ? { budget: options.budget } : {};
  try {
    await products.writeSurfaceMeans(sourcePaths, surfaceFile, budget);
    const retryOptions = { ...ports.retry, isTransient: ports.isTransient };
    await retryTransient(
      () => ports.store.putFile(`${base}${surfacePath(collection)}`, surfaceFile, 'application/x-netcdf'),
      retryOptions,
    );
    if (options.variables.length === 0) return 0;
    const images = await products.renderPreviews(surfaceFile, options.variables, budget);
    for (const image of images) {
      await retryTransient(
        () => ports.store.put(`${base}${previewPath(collection, image.variable)}`, image.png, 'image/png'),
        retryOptions,
      );
    }
    return images.length;
  } finally {
    await rm(surfaceFile, { force: true });
  }
}
