/**
 * A finished run's results written into the local platform's stores the way
 * the processing pipeline leaves them (CONTRACTS.md, issue 5): real NetCDF-4
 * outputs under outputs/, their manifest (sizes, SHA-256), their metrics
 * (shared/science/results/metrics.ts), the collection's surface means
 * (shared/science/results/surface-means.ts) and a preview, plus the simulation's
 * `results` field in the table.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NetcdfWriter } from '#shared/science/netcdf/writer.js';
import { computeMetrics } from '#shared/science/results/metrics.js';
import { writeSurfaceMeans } from '#shared/science/results/surface-means.js';
import { createDynamoSimulationRepository } from '#shared/kernel/repository/simulations.js';
import type { Simulation } from '#schemas/generated/types.js';
import type { RunningPlatform } from '#test/helpers/platform-process.js';
import { aSimulation } from '#test/helpers/simulations.js';

export const SPECIES = ['SpeciesConcVV_O3', 'SpeciesConcVV_CO', 'SpeciesConcVV_NO'] as const;
const NLAT = 46;
const NLON = 72;
const NLEV = 2;

export interface PlatformStores {
  s3: S3Client;
  bucket: string;
  repository: ReturnType<typeof createDynamoSimulationRepository>;
  /** Sets the simulation's `results` field, as the results processor does. */
  setResults(id: string, results: Record<string, unknown>): Promise<void>;
}

export function platformStores(platform: RunningPlatform): PlatformStores {
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const s3 = new S3Client({
    endpoint: platform.endpoints.s3,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  const dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: platform.endpoints.dynamodb, region: 'us-east-1', credentials }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const bucket = platform.buckets.find((b) => /result/i.test(b)) ?? platform.buckets[0]!;
  const repository = createDynamoSimulationRepository(dynamo, {
    tableName: platform.tables[0]!,
    statusIndexShards: 16,
  });
  const tableName = platform.tables[0]!;
  const setResults = async (id: string, results: Record<string, unknown>) => {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { id },
        UpdateExpression: 'SET #results = :results',
        ExpressionAttributeNames: { '#results': 'results' },
        ExpressionAttributeValues: { ':results': results },
      }),
    );
  };
  return { s3, bucket, repository, setResults };
}

/** One SpeciesConc file at 4x5: value(species, lev, lat, lon) * scale, with AREA. */
async function writeSpeciesConc(file: string, day: number, scale: number): Promise<void> {
  const w = await NetcdfWriter.create(file);
  w.addDimension('time', 'unlimited')
    .addDimension('lev', NLEV)
    .addDimension('lat', NLAT)
    .addDimension('lon', NLON);
  w.addVariable('time', {
    type: 'double',
    dims: ['time'],
    attributes: { units: `minutes since 2019-01-0${day} 00:00:00` },
  });
  w.addVariable('lev', { type: 'double', dims: ['lev'], attributes: { positive: 'up' } });
  w.addVariable('lat', { type: 'double', dims: ['lat'], attributes: { units: 'degrees_north' } });
  w.addVariable('lon', { type: 'double', dims: ['lon'], attributes: { units: 'degrees_east' } });
  w.addVariable('AREA', { type: 'float', dims: ['lat', 'lon'], attributes: { units: 'm2' } });
  for (const name of SPECIES) {
    w.addVariable(name, {
      type: 'float',
      dims: ['time', 'lev', 'lat', 'lon'],
      attributes: { units: 'mol mol-1 dry', long_name: `Dry mixing ratio of species ${name.slice(14)}` },
    });
  }
  w.write('time', [0]);
  w.write('lev', [0.99, 0.5]);
  w.write(
    'lat',
    Array.from({ length: NLAT }, (_, j) => Math.max(-89, Math.min(89, -90 + 4 * j))),
  );
  w.write(
    'lon',
    Array.from({ length: NLON }, (_, i) => -180 + 5 * i),
  );
  w.write(
    'AREA',
    Float32Array.from(
      { length: NLAT * NLON },
      (_, c) => 1e10 * Math.cos((((-90 + 4 * Math.floor(c / NLON)) * Math.PI) / 180) * 0.99),
    ),
  );
  SPECIES.forEach((name, s) => {
    const values = new Float32Array(NLEV * NLAT * NLON);
    for (let k = 0; k < NLEV; k++)
      for (let j = 0; j < NLAT; j++)
        for (let i = 0; i < NLON; i++)
          values[(k * NLAT + j) * NLON + i] =
            (1 + s) * 1e-8 * (1 + 0.1 * k + 0.01 * j + 0.001 * i + 0.1 * day) * (s === 0 ? scale : 1);
    w.write(name, values);
  });
  w.close();
}

export interface WrittenRun {
  simulation: Simulation;
  /** Keys (relative to the simulation) -> bytes of the outputs. */
  outputs: Map<string, Buffer>;
  manifest: { files: { key: string; size: number; sha256: string }[] };
}

/**
 * A SUCCEEDED simulation of `owner` with READY results: two daily SpeciesConc
 * files (O3 scaled by `o3Scale`, so two runs differ in O3 only) and a restart.
 */
export async function writeFinishedRun(
  stores: PlatformStores,
  owner: string,
  options: { o3Scale?: number; resolution?: string; withResults?: boolean } = {},
): Promise<WrittenRun> {
  const base = aSimulation({ owner, status: 'SUCCEEDED' });
  const id = `sim_${createHash('sha1').update(`${base.id}${Math.random()}`).digest('hex').slice(0, 26)}`;
  const spec = structuredClone(base.spec);
  if (options.resolution) (spec.grid as { resolution: string }).resolution = options.resolution;
  const now = new Date().toISOString();
  const simulation: Simulation = {
    ...base,
    id,
    spec,
    ...(options.withResults === false
      ? {}
      : { results: { status: 'READY', updatedAt: now, complete: false } }),
  } as Simulation;
  await stores.repository.create(simulation);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'gcr-results-fixture-'));
  try {
    const names = ['GEOSChem.SpeciesConc.20190101_0000z.nc4', 'GEOSChem.SpeciesConc.20190102_0000z.nc4'];
    const paths = names.map((n) => path.join(dir, n));
    for (const [d, p] of paths.entries()) await writeSpeciesConc(p, d + 1, options.o3Scale ?? 1);
    const restart = path.join(dir, 'GEOSChem.Restart.20190103_0000z.nc4');
    await writeSpeciesConc(restart, 3, 1);
    const surface = path.join(dir, 'surface.nc4');
    await writeSurfaceMeans(paths, surface);

    const outputs = new Map<string, Buffer>();
    const files = [];
    for (const [i, p] of [...paths, restart].entries()) {
      const key = `outputs/${path.basename(p)}`;
      const bytes = readFileSync(p);
      outputs.set(key, bytes);
      files.push({
        key,
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        contentType: 'application/x-netcdf',
        kind: i < 2 ? 'diagnostic' : 'restart',
        ...(i < 2 ? { collection: 'SpeciesConc', timeStep: `2019-01-0${i + 1}T00:00:00Z` } : {}),
      });
    }
    const manifest = {
      files,
      missing: [
        {
          collection: 'SpeciesConc',
          timeStep: '2019-01-03T00:00:00Z',
          expectedKey: 'outputs/GEOSChem.SpeciesConc.20190103_0000z.nc4',
        },
      ],
      complete: false,
      fileCount: files.length,
      totalBytes: files.reduce((s, f) => s + f.size, 0),
      generatedAt: now,
    };
    const metrics = {
      schemaVersion: 1,
      simulationId: id,
      generatedAt: now,
      files: await Promise.all(
        files.map(async (f) => ({
          key: f.key,
          metrics: await computeMetrics(path.join(dir, path.basename(f.key))),
        })),
      ),
    };
    const prefix = `simulations/${id}/`;
    const put = (key: string, body: Buffer | string, contentType: string) =>
      stores.s3.send(
        new PutObjectCommand({
          Bucket: stores.bucket,
          Key: prefix + key,
          Body: body,
          ContentType: contentType,
        }),
      );
    for (const [key, bytes] of outputs) await put(key, bytes, 'application/x-netcdf');
    await put('results/manifest.json', JSON.stringify(manifest), 'application/json');
    await put('results/metrics.json', JSON.stringify(metrics), 'application/json');
    await put('results/surface/SpeciesConc.nc4', readFileSync(surface), 'application/x-netcdf');
    await put(
      'results/previews/SpeciesConc/SpeciesConcVV_O3.png',
      Buffer.from('\x89PNG\r\n\x1a\nfixture', 'latin1'),
      'image/png',
    );
    return { simulation, outputs, manifest };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
