import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '#shared/kernel/aws/clients.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { readSurfaceMeans } from '#shared/science/results/surface-means.js';
import {
  createDynamoSimulationRepository,
  type SimulationRepository,
} from '#shared/kernel/repository/simulations.js';
import { derivedProducts } from '#services/results-processor/src/adapters/processing/derived-products.js';
import { createS3ResultsBucket } from '#services/results-processor/src/adapters/s3-results-bucket.js';
import {
  DEFAULT_LEASE_SECONDS,
  processResultsEvent,
  ResultsLeaseHeldError,
} from '#services/results-processor/src/domain/processing/process-results.js';
import type { ResultsPorts, ResultsStore } from '#services/results-processor/src/domain/processing/ports.js';
import { isTransientError } from '#services/results-processor/src/domain/processing/transient.js';
import { RESULTS_EVENTS } from '#services/results-processor/src/domain/processing/triggers.js';
import type {
  ResultsManifest,
  ResultsMetrics,
  Simulation,
  SimulationResultsReadyDetail,
} from '#schemas/generated/types.js';
import { repoRoot, startLocalDynamo } from '#test/helpers/local-dynamodb.js';
import { delivered, resultsRequestedEvent, statusChangedEvent } from '#test/helpers/events.js';
import { startS3rver, useS3rverAsAws, type RunningS3rver } from '#test/helpers/s3rver-client.js';
import { writeHostileCorpus } from '#test/helpers/hostile-netcdf.js';
import { aSimulation, storedDemoSpec } from '#test/helpers/simulations.js';

const BUCKET = 'gcr-results';
const FIXTURES = path.join(repoRoot, 'test/fixtures/geoschem_nc');
const SPECIES_CONC = 'GEOSChem.SpeciesConc.20180505_0000z.nc4';

let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
let s3rver: RunningS3rver;
let restoreEnv: () => void;
let s3: S3Client;
let repository: SimulationRepository;
let workDir: string;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  repository = createDynamoSimulationRepository(dynamo.documentClient, {
    tableName: dynamo.tableName,
    statusIndexShards: 4,
  });
  workDir = mkdtempSync(path.join(tmpdir(), 'gcr-results-work-'));
  s3rver = await startS3rver([BUCKET]);
  // The service's own S3 client, as the local platform configures it.
  restoreEnv = useS3rverAsAws(s3rver.endpoint);
  s3 = createS3Client();
}, 30_000);

afterAll(async () => {
  s3.destroy();
  await s3rver.stop();
  restoreEnv();
  await dynamo.stop();
  rmSync(workDir, { recursive: true, force: true });
});

interface Harness {
  ports: ResultsPorts;
  published: OutgoingEvent[];
  writes: string[];
}

/** Real dynalite and s3rver; the store records its writes, the publisher what it published. */
function harness(
  options: {
    wrapStore?: (store: ResultsStore) => ResultsStore;
    previews?: boolean;
    now?: () => Date;
  } = {},
): Harness {
  const published: OutgoingEvent[] = [];
  const writes: string[] = [];
  const real = createS3ResultsBucket(s3, BUCKET);
  const recording: ResultsStore = {
    ...real,
    put: async (key, body, type) => {
      writes.push(key);
      await real.put(key, body, type);
    },
  };
  return {
    published,
    writes,
    ports: {
      repository,
      store: options.wrapStore ? options.wrapStore(recording) : recording,
      publisher: { publish: async (events) => void published.push(...events) },
      now: options.now ?? (() => new Date()),
      tmpDir: workDir,
      previewSpeciesCount: 2,
      // Surface means and preview maps only where a test looks at them: they take time.
      ...(options.previews ? { products: derivedProducts } : {}),
      isTransient: isTransientError,
      retry: { attempts: 3, baseDelayMs: 1 },
    },
  };
}

/** A SUCCEEDED simulation over 2018-05-05..07 with daily SpeciesConc and a Restart. */
async function succeededSimulation(): Promise<Simulation> {
  const spec = storedDemoSpec();
  const simulation = aSimulation({
    status: 'SUCCEEDED',
    spec: {
      ...spec,
      period: { start: '2018-05-05T00:00:00Z', end: '2018-05-07T00:00:00Z' },
      diagnostics: { collections: ['SpeciesConc', 'Restart'], frequency: 'daily' },
    },
  });
  expect(await repository.create(simulation)).toBe('created');
  return simulation;
}

async function upload(simulation: Simulation, name: string, body: Buffer): Promise<void> {
  await s3.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: `simulations/${simulation.id}/outputs/${name}`, Body: body }),
  );
}

async function readJson<T>(key: string): Promise<T> {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return JSON.parse(await out.Body!.transformToString()) as T;
}

const succeededEvent = (simulation: Simulation) =>
  delivered(statusChangedEvent(simulation, 'SUCCEEDED', { version: 5 }), RESULTS_EVENTS);

const requestEvent = (simulation: Simulation, requestId: string) =>
  delivered(resultsRequestedEvent(simulation, { requestId }), RESULTS_EVENTS);

const fixture = (name: string): Buffer => readFileSync(path.join(FIXTURES, name));

describe('results processing (dynalite + s3rver, real NetCDF files)', () => {
  it('writes a manifest with sizes, sha256sum digests and the missing outputs, metrics of every NetCDF file, surface means and preview maps', async () => {
    const simulation = await succeededSimulation();
    await upload(simulation, SPECIES_CONC, fixture(SPECIES_CONC));
    await upload(simulation, 'gcr-run.log', Buffer.from('run log\n'));
    const { ports, published } = harness({ previews: true });

    expect(await processResultsEvent(ports, succeededEvent(simulation))).toBe('ready');

    const base = `simulations/${simulation.id}/`;
    const manifest = await readJson<ResultsManifest>(`${base}results/manifest.json`);
    const sha256sum = execFileSync('sha256sum', [path.join(FIXTURES, SPECIES_CONC)], {
      encoding: 'utf8',
    }).split(' ')[0];
    expect(manifest.files).toEqual([
      {
        key: `outputs/${SPECIES_CONC}`,
        size: fixture(SPECIES_CONC).length,
        sha256: sha256sum,
        contentType: 'application/x-netcdf',
        kind: 'diagnostic',
        collection: 'SpeciesConc',
        timeStep: '2018-05-05T00:00:00Z',
      },
      {
        key: 'outputs/gcr-run.log',
        size: 8,
        sha256: execFileSync('sha256sum', { input: 'run log\n', encoding: 'utf8' }).split(' ')[0],
        contentType: 'text/plain',
        kind: 'other',
      },
    ]);
    expect(manifest.missing).toEqual([
      {
        collection: 'SpeciesConc',
        timeStep: '2018-05-06T00:00:00Z',
        expectedKey: 'outputs/GEOSChem.SpeciesConc.20180506_0000z.nc4',
      },
      {
        collection: 'Restart',
        timeStep: '2018-05-07T00:00:00Z',
        expectedKey: 'outputs/GEOSChem.Restart.20180507_0000z.nc4',
      },
    ]);
    expect(manifest).toMatchObject({ complete: false, fileCount: 2, expectedFrom: 'spec' });
    expect(manifest.totalBytes).toBe(fixture(SPECIES_CONC).length + 8);

    const metrics = await readJson<ResultsMetrics>(`${base}results/metrics.json`);
    expect(metrics.files.map((f) => f.key)).toEqual([`outputs/${SPECIES_CONC}`]);
    const ch4 = metrics.files[0]!.metrics.variables.find((v) => v.name === 'SpeciesConcVV_CH4')!;
    expect(ch4.surfaceAreaWeightedMean).toHaveLength(1);

    const stored = await repository.get(simulation.id);
    expect(stored!.status).toBe('SUCCEEDED');
    expect(stored!.results).toMatchObject({
      status: 'READY',
      trigger: 'succeeded:v5',
      manifestKey: 'results/manifest.json',
      fileCount: 2,
      missingOutputs: 2,
      complete: false,
    });
    expect(stored!.results!.announcedAt).toBeDefined();

    expect(published).toHaveLength(1);
    expect(published[0]!.detailType).toBe('Simulation Results Ready');
    const detail = published[0]!.detail as SimulationResultsReadyDetail;
    expect(detail).toMatchObject({
      simulationId: simulation.id,
      owner: 'alice',
      manifestKey: `${base}results/manifest.json`,
      fileCount: 2,
      missingOutputCount: 2,
      missingOutputs: [
        'outputs/GEOSChem.SpeciesConc.20180506_0000z.nc4',
        'outputs/GEOSChem.Restart.20180507_0000z.nc4',
      ],
    });
    expect(detail.metricsSummary).toEqual({
      CH4: { surfaceAreaWeightedMean: ch4.surfaceAreaWeightedMean![0], min: ch4.min, max: ch4.max },
    });
    expect(Buffer.byteLength(JSON.stringify(detail))).toBeLessThan(256 * 1024);
    expect(stored!.results!.previews).toBe(1);
    expect(detail.previews).toBe(1);
    const png = await s3.send(
      new GetObjectCommand({
        Bucket: BUCKET,
        Key: `${base}results/previews/SpeciesConc/SpeciesConcVV_CH4.png`,
      }),
    );
    expect(png.ContentType).toBe('image/png');
    expect(
      Buffer.from(await png.Body!.transformToByteArray())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const surface = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: `${base}results/surface/SpeciesConc.nc4` }),
    );
    const checkDir = mkdtempSync(path.join(tmpdir(), 'gcr-surface-check-'));
    const surfacePath = path.join(checkDir, 'surface-check.nc4');
    writeFileSync(surfacePath, Buffer.from(await surface.Body!.transformToByteArray()));
    const means = await readSurfaceMeans(surfacePath);
    rmSync(checkDir, { recursive: true, force: true });
    expect([...means.variables.keys()]).toEqual(['SpeciesConcVV_CH4']);
    // Staged copies are deleted.
    expect(readdirSync(workDir)).toEqual([]);
  }, 180_000);

  it('takes the expected outputs from the stored HISTORY.rc and calls a run with all of them complete', async () => {
    const simulation = await succeededSimulation();
    const history = [
      "COLLECTIONS: 'SpeciesConc',",
      '::',
      "  SpeciesConc.frequency:      'End',",
      "  SpeciesConc.duration:       'End',",
      "  SpeciesConc.mode:           'time-averaged'",
    ].join('\n');
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `simulations/${simulation.id}/rundir/HISTORY.rc`,
        Body: history,
      }),
    );
    await upload(simulation, SPECIES_CONC, fixture(SPECIES_CONC));
    const { ports } = harness();

    expect(await processResultsEvent(ports, succeededEvent(simulation))).toBe('ready');

    const manifest = await readJson<ResultsManifest>(`simulations/${simulation.id}/results/manifest.json`);
    expect(manifest).toMatchObject({ expectedFrom: 'history-rc', complete: true, missing: [] });
  }, 180_000);

  it('processes the same event twice into one manifest write and one Ready event', async () => {
    const simulation = await succeededSimulation();
    await upload(simulation, SPECIES_CONC, fixture(SPECIES_CONC));
    const { ports, published, writes } = harness();

    expect(await processResultsEvent(ports, succeededEvent(simulation))).toBe('ready');
    expect(await processResultsEvent(ports, succeededEvent(simulation))).toBe('skipped');

    expect(writes.filter((key) => key.endsWith('results/manifest.json'))).toHaveLength(1);
    expect(published.map((e) => e.detailType)).toEqual(['Simulation Results Ready']);
  }, 180_000);

  it('processes again on request, once per request id', async () => {
    const simulation = await succeededSimulation();
    await upload(simulation, SPECIES_CONC, fixture(SPECIES_CONC));
    const { ports, published, writes } = harness();

    await processResultsEvent(ports, succeededEvent(simulation));
    expect(await processResultsEvent(ports, requestEvent(simulation, 'r1'))).toBe('ready');
    expect(await processResultsEvent(ports, requestEvent(simulation, 'r1'))).toBe('skipped');
    // A late copy of the SUCCEEDED event does not undo or redo the requested processing.
    expect(await processResultsEvent(ports, succeededEvent(simulation))).toBe('skipped');

    expect(writes.filter((key) => key.endsWith('results/manifest.json'))).toHaveLength(2);
    expect(published).toHaveLength(2);
    expect((await repository.get(simulation.id))!.results!.trigger).toBe('request:r1');
  }, 180_000);

  it('records FAILED with the reason and publishes Results Failed when an output is not NetCDF, leaving the simulation SUCCEEDED', async () => {
    const simulation = await succeededSimulation();
    await upload(simulation, SPECIES_CONC, fixture(SPECIES_CONC));
    await upload(simulation, 'GEOSChem.SpeciesConc.20180506_0000z.nc4', Buffer.from('truncated upload'));
    const { ports, published, writes } = harness();

    expect(await processResultsEvent(ports, succeededEvent(simulation))).toBe('failed');

    const stored = await repository.get(simulation.id);
    expect(stored!.status).toBe('SUCCEEDED');
    expect(stored!.history.at(-1)!.to).toBe('SUCCEEDED');
    expect(stored!.results).toMatchObject({ status: 'FAILED', trigger: 'succeeded:v5' });
    expect(stored!.results!.reason).toMatch(
      /^outputs\/GEOSChem\.SpeciesConc\.20180506_0000z\.nc4: .*not a NetCDF-4 file/,
    );
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      source: 'gcr.results-processor',
      detailType: 'Simulation Results Failed',
      detail: { simulationId: simulation.id, owner: 'alice', reason: stored!.results!.reason },
    });
    expect(writes.filter((key) => key.endsWith('results/manifest.json'))).toEqual([]);
    // Redelivered: nothing more happens.
    expect(await processResultsEvent(ports, succeededEvent(simulation))).toBe('skipped');
    expect(published).toHaveLength(1);
  }, 180_000);

  it('retries a throttled read, leaves it to the queue when it keeps failing (PROCESSING, error thrown), then finishes on redelivery', async () => {
    const simulation = await succeededSimulation();
    await upload(simulation, SPECIES_CONC, fixture(SPECIES_CONC));
    // Three attempts in the first delivery, then one more that fails in the second.
    let throttles = 4;
    const { ports, published } = harness({
      wrapStore: (store) => ({
        ...store,
        stream: async (key) => {
          if (throttles-- > 0) {
            throw Object.assign(new Error('Please reduce your request rate.'), {
              name: 'SlowDown',
              $metadata: { httpStatusCode: 503 },
            });
          }
          return store.stream(key);
        },
      }),
    });

    await expect(processResultsEvent(ports, succeededEvent(simulation))).rejects.toThrow(
      /reduce your request rate/,
    );
    const left = (await repository.get(simulation.id))!.results!;
    expect(left.status).toBe('PROCESSING');
    // The lease is released: the redelivery does not take this run for one that died.
    expect(left.leaseExpiresAt).toBeUndefined();
    expect(published).toEqual([]);

    expect(await processResultsEvent(ports, succeededEvent(simulation))).toBe('ready');
    expect(published.map((e) => e.detailType)).toEqual(['Simulation Results Ready']);
  }, 180_000);

  it("records a retryable error as FAILED on the queue's last delivery", async () => {
    const simulation = await succeededSimulation();
    await upload(simulation, SPECIES_CONC, fixture(SPECIES_CONC));
    const { ports, published } = harness({
      wrapStore: (store) => ({
        ...store,
        stream: async () => {
          throw Object.assign(new Error('Service Unavailable'), {
            name: 'ServiceUnavailable',
            $metadata: { httpStatusCode: 503 },
          });
        },
      }),
    });

    expect(await processResultsEvent(ports, succeededEvent(simulation), { lastAttempt: true })).toBe(
      'failed',
    );
    expect((await repository.get(simulation.id))!.results).toMatchObject({ status: 'FAILED' });
    expect(published.map((e) => e.detailType)).toEqual(['Simulation Results Failed']);
  }, 180_000);

  it('publishes a recorded outcome whose event was lost, without processing again', async () => {
    const simulation = await succeededSimulation();
    await upload(simulation, SPECIES_CONC, fixture(SPECIES_CONC));
    const first = harness();
    let fail = true;
    first.ports.publisher = {
      publish: async (events) => {
        if (fail) {
          fail = false;
          throw new Error('EventBridge unavailable');
        }
        first.published.push(...events);
      },
    };

    await expect(processResultsEvent(first.ports, succeededEvent(simulation))).rejects.toThrow(/unavailable/);
    expect((await repository.get(simulation.id))!.results).toMatchObject({ status: 'READY' });

    expect(await processResultsEvent(first.ports, succeededEvent(simulation))).toBe('announced');
    expect(first.writes.filter((key) => key.endsWith('results/manifest.json'))).toHaveLength(1);
    expect(first.published).toHaveLength(1);
    expect(first.published[0]!.detail).toMatchObject({ fileCount: 1, missingOutputCount: 2 });
    expect((await repository.get(simulation.id))!.results!.announcedAt).toBeDefined();
  }, 180_000);

  it('skips events for simulations that did not succeed', async () => {
    const running = aSimulation({ status: 'RUNNING' });
    await repository.create(running);
    const { ports, published } = harness();
    expect(await processResultsEvent(ports, requestEvent(running, 'r1'))).toBe('skipped');
    expect((await repository.get(running.id))!.results).toBeUndefined();
    expect(published).toEqual([]);
  });
});

/** Polls the stored results until `matches` (a run in flight writes them). */
/** Waits until the runs have sent `count` copies back (the watchdog follows the PROCESSING mark's write). */
async function copiesSent(copies: Date[], count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (copies.length < count) {
    if (Date.now() > deadline) throw new Error(`${copies.length} copies sent back, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function resultsWhen(
  id: string,
  matches: (results: NonNullable<Simulation['results']>) => boolean,
): Promise<NonNullable<Simulation['results']>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const results = (await repository.get(id))?.results;
    if (results && matches(results)) return results;
    if (Date.now() > deadline) throw new Error(`results of ${id} never matched: ${JSON.stringify(results)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('bounded results processing: hostile outputs and runs that die', () => {
  it('hostile NetCDF files (huge declared dimensions, truncated, garbage, absurd chunking) end results FAILED with the file and the reason, and the processor stays usable', async () => {
    const corpusDir = mkdtempSync(path.join(tmpdir(), 'gcr-hostile-'));
    const corpus = await writeHostileCorpus(corpusDir);
    const { ports, published } = harness({ previews: true });
    for (const file of corpus) {
      const simulation = await succeededSimulation();
      await upload(simulation, SPECIES_CONC, fixture(SPECIES_CONC));
      await upload(simulation, file.name, readFileSync(file.path));

      expect([file.what, await processResultsEvent(ports, succeededEvent(simulation))]).toEqual([
        file.what,
        'failed',
      ]);
      const results = (await repository.get(simulation.id))!.results!;
      expect(results.status).toBe('FAILED');
      expect(results.reason!.startsWith(`outputs/${file.name}: `)).toBe(true);
      expect(`${file.what}: ${results.reason}`).toMatch(file.reason);
      expect(results.reason).not.toContain(workDir);
      expect(published.at(-1)).toMatchObject({
        detailType: 'Simulation Results Failed',
        detail: { simulationId: simulation.id, reason: results.reason },
      });
    }
    rmSync(corpusDir, { recursive: true, force: true });

    // h5wasm was not left broken by what it was shown.
    const valid = await succeededSimulation();
    await upload(valid, SPECIES_CONC, fixture(SPECIES_CONC));
    expect(await processResultsEvent(ports, succeededEvent(valid))).toBe('ready');
    expect(readdirSync(workDir)).toEqual([]);
  }, 300_000);

  it("a processing run that dies (timeout or out of memory) on every delivery ends FAILED on the queue's last delivery, not PROCESSING forever", async () => {
    const simulation = await succeededSimulation();
    await upload(simulation, SPECIES_CONC, fixture(SPECIES_CONC));
    let now = Date.parse('2026-03-01T00:00:00Z');
    // A run that dies: it never returns and never records anything, as when
    // Lambda ends the process at its timeout or out of memory.
    const { ports, published, writes } = harness({
      now: () => new Date(now),
      wrapStore: (store) => ({ ...store, stream: () => new Promise<never>(() => undefined) }),
    });
    const delivery = (receiveCount: number) => ({ lastAttempt: receiveCount >= 3, maxAttempts: 3 });

    void processResultsEvent(ports, succeededEvent(simulation), delivery(1));
    const first = await resultsWhen(simulation.id, (r) => r.attempts === 1);
    expect(first).toMatchObject({ status: 'PROCESSING', trigger: 'succeeded:v5' });
    expect(Date.parse(first.leaseExpiresAt!)).toBe(now + DEFAULT_LEASE_SECONDS * 1000);

    // The queue redelivers after its visibility timeout, longer than the lease.
    now += 5400 * 1000;
    void processResultsEvent(ports, succeededEvent(simulation), delivery(2));
    await resultsWhen(simulation.id, (r) => r.attempts === 2);

    now += 5400 * 1000;
    expect(await processResultsEvent(ports, succeededEvent(simulation), delivery(3))).toBe('failed');
    const failed = (await repository.get(simulation.id))!.results!;
    expect(failed).toMatchObject({ status: 'FAILED', trigger: 'succeeded:v5' });
    expect(failed.reason).toMatch(/^processing stopped without finishing 2 times \(the function timed out/);
    expect(failed.leaseExpiresAt).toBeUndefined();
    expect(published.map((e) => e.detailType)).toEqual(['Simulation Results Failed']);
    expect(writes).toEqual([]);
  }, 180_000);

  it("results stay PROCESSING when a run dies on the queue's last delivery (the chaos suite's 16): the run's watchdog copy starts it again or records FAILED", async () => {
    const simulation = await succeededSimulation();
    await upload(simulation, SPECIES_CONC, fixture(SPECIES_CONC));
    let now = Date.parse('2026-03-01T00:00:00Z');
    const { ports, published } = harness({
      now: () => new Date(now),
      wrapStore: (store) => ({ ...store, stream: () => new Promise<never>(() => undefined) }),
    });
    // The copies the runs send back to the queue, due at these times.
    const copies: Date[] = [];
    const comeBackAt = async (at: Date) => void copies.push(at);

    // Earlier receives ended before anything was recorded (kills): this is the last one, and its run dies too.
    void processResultsEvent(ports, succeededEvent(simulation), {
      lastAttempt: true,
      maxAttempts: 3,
      comeBackAt,
    });
    const first = await resultsWhen(simulation.id, (r) => r.attempts === 1);
    await copiesSent(copies, 1);
    expect(copies.map((at) => at.toISOString())).toEqual([first.leaseExpiresAt]);

    // Each copy arrives after the lease it was sent for (a new message: not its queue's last delivery).
    for (const attempts of [2, 3]) {
      now = copies.at(-1)!.getTime() + 1000;
      void processResultsEvent(ports, succeededEvent(simulation), {
        lastAttempt: false,
        maxAttempts: 3,
        comeBackAt,
      });
      await resultsWhen(simulation.id, (r) => r.attempts === attempts);
      await copiesSent(copies, attempts);
    }
    now = copies.at(-1)!.getTime() + 1000;
    expect(
      await processResultsEvent(ports, succeededEvent(simulation), {
        lastAttempt: false,
        maxAttempts: 3,
        comeBackAt,
      }),
    ).toBe('failed');
    const failed = (await repository.get(simulation.id))!.results!;
    expect(failed).toMatchObject({ status: 'FAILED', trigger: 'succeeded:v5' });
    expect(failed.reason).toMatch(/^processing stopped without finishing 3 times/);
    expect(published.map((e) => e.detailType)).toEqual(['Simulation Results Failed']);
  }, 180_000);

  it('a delivery that finds a live run holding the lease comes back when the lease expires, without using up a receive', async () => {
    const simulation = await succeededSimulation();
    await upload(simulation, SPECIES_CONC, fixture(SPECIES_CONC));
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { ports, published } = harness({
      wrapStore: (store) => ({
        ...store,
        stream: async (key) => {
          await held;
          return store.stream(key);
        },
      }),
    });
    const copies: Date[] = [];
    const comeBackAt = async (at: Date) => void copies.push(at);

    const running = processResultsEvent(ports, succeededEvent(simulation), {
      lastAttempt: false,
      comeBackAt,
    });
    const processing = await resultsWhen(simulation.id, (r) => r.status === 'PROCESSING');
    await copiesSent(copies, 1);
    expect(
      await processResultsEvent(ports, succeededEvent(simulation), { lastAttempt: true, comeBackAt }),
    ).toBe('deferred');
    // The running delivery's watchdog, then the deferred delivery's copy: both when the lease expires.
    expect(copies.map((at) => at.toISOString())).toEqual([
      processing.leaseExpiresAt,
      processing.leaseExpiresAt,
    ]);
    release();
    expect(await running).toBe('ready');
    expect(
      await processResultsEvent(ports, succeededEvent(simulation), { lastAttempt: false, comeBackAt }),
    ).toBe('skipped');
    expect(published.map((e) => e.detailType)).toEqual(['Simulation Results Ready']);
  }, 180_000);

  it('a redelivery while a live run holds the lease goes back to the queue instead of processing twice', async () => {
    const simulation = await succeededSimulation();
    await upload(simulation, SPECIES_CONC, fixture(SPECIES_CONC));
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { ports, published, writes } = harness({
      wrapStore: (store) => ({
        ...store,
        stream: async (key) => {
          await held;
          return store.stream(key);
        },
      }),
    });

    const running = processResultsEvent(ports, succeededEvent(simulation));
    await resultsWhen(simulation.id, (r) => r.status === 'PROCESSING');
    await expect(processResultsEvent(ports, succeededEvent(simulation))).rejects.toThrow(
      ResultsLeaseHeldError,
    );
    release();
    expect(await running).toBe('ready');
    expect(await processResultsEvent(ports, succeededEvent(simulation))).toBe('skipped');
    expect(writes.filter((key) => key.endsWith('results/manifest.json'))).toHaveLength(1);
    expect(published.map((e) => e.detailType)).toEqual(['Simulation Results Ready']);
  }, 180_000);

  it("processing that outlives its deadline stops and is recorded FAILED before the function's timeout", async () => {
    const simulation = await succeededSimulation();
    await upload(simulation, SPECIES_CONC, fixture(SPECIES_CONC));
    await upload(simulation, 'GEOSChem.SpeciesConc.20180506_0000z.nc4', fixture(SPECIES_CONC));
    let now = Date.parse('2026-03-01T00:00:00Z');
    const start = now;
    // Each output takes ten minutes to read; the function has fourteen before its deadline.
    const { ports, published, writes } = harness({
      now: () => new Date(now),
      wrapStore: (store) => ({
        ...store,
        stream: async (key) => {
          now += 10 * 60_000;
          return store.stream(key);
        },
      }),
    });

    expect(
      await processResultsEvent(ports, succeededEvent(simulation), {
        lastAttempt: false,
        deadline: start + 14 * 60_000,
      }),
    ).toBe('failed');
    const results = (await repository.get(simulation.id))!.results!;
    expect(results.reason).toMatch(
      /^outputs\/GEOSChem\.SpeciesConc\.20180506_0000z\.nc4: processing stopped after 1200 s, before the function's timeout/,
    );
    expect(published.map((e) => e.detailType)).toEqual(['Simulation Results Failed']);
    expect(writes).toEqual([]);
  }, 180_000);
});
