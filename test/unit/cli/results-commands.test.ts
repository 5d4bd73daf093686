/**
 * `gcr results`, `gcr download` and `gcr compare`, run in-process against a
 * real HTTP server playing the API (fake-api.ts) and another one serving
 * the files the presigned URLs point at.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '#cli/main.js';
import { startFakeApi, type FakeApi } from './fake-api.js';

const SIM = 'sim_01jd3k9x2m4q8r7t6v5w3y1z0a';
const DEV = 'sim_01jd3k9x2m4q8r7t6v5w3y1z0b';
const GOOD = Buffer.from('good netcdf bytes');
const BAD = Buffer.from('bytes that were changed on the way');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let tmp: string;
let api: FakeApi;
let storage: http.Server;
let storageUrl: string;
/** What the storage server answers per path. */
const stored = new Map<string, Buffer>();
const storageHits: string[] = [];

async function gcr(argv: string[], tty = false) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: tty },
    env: { GCR_API_URL: api.url, GCR_TOKEN: 't' },
    cwd: tmp,
  });
  return { code, stdout, stderr };
}

function results() {
  return {
    simulationId: SIM,
    simulationStatus: 'SUCCEEDED',
    status: 'READY',
    updatedAt: '2026-01-01T00:00:00Z',
    manifest: {
      generatedAt: '2026-01-01T00:00:00Z',
      fileCount: 2,
      totalBytes: GOOD.length * 2,
      complete: false,
      missing: [
        {
          collection: 'SpeciesConc',
          timeStep: '2019-01-03T00:00:00Z',
          expectedKey: 'outputs/GEOSChem.SpeciesConc.20190103_0000z.nc4',
        },
      ],
      collections: [
        {
          collection: 'SpeciesConc',
          kind: 'diagnostic',
          fileCount: 2,
          totalBytes: GOOD.length * 2,
          files: [
            { key: 'outputs/GEOSChem.SpeciesConc.20190101_0000z.nc4', size: GOOD.length, sha256: sha(GOOD) },
            { key: 'outputs/GEOSChem.SpeciesConc.20190102_0000z.nc4', size: GOOD.length, sha256: sha(GOOD) },
          ],
        },
      ],
    },
    metrics: {
      fileCount: 2,
      truncated: false,
      files: [1, 2].map((d) => ({
        key: `outputs/GEOSChem.SpeciesConc.2019010${d}_0000z.nc4`,
        collection: 'SpeciesConc',
        variables: [
          {
            name: 'SpeciesConcVV_O3',
            dims: ['time', 'lev', 'lat', 'lon'],
            units: 'mol mol-1 dry',
            validCount: 10,
            min: 1e-8 * d,
            max: 8e-8,
            mean: 3e-8 * d,
            surfaceAreaWeightedMean: [2e-8 * d],
          },
        ],
      })),
    },
    previews: [
      {
        key: 'results/previews/SpeciesConc/SpeciesConcVV_O3.png',
        collection: 'SpeciesConc',
        variable: 'SpeciesConcVV_O3',
      },
    ],
  };
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'gcr-cli-results-'));
  api = await startFakeApi();
  storage = http.createServer((req, res) => {
    storageHits.push(req.url ?? '');
    const body = stored.get(req.url ?? '');
    if (!body) return void res.writeHead(404).end('NoSuchKey');
    res.writeHead(200, { 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => storage.listen(0, '127.0.0.1', r));
  storageUrl = `http://127.0.0.1:${(storage.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await api.close();
  storage.closeAllConnections();
  await new Promise<void>((r) => storage.close(() => r()));
  await rm(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  api.requests.length = 0;
  api.routes.clear();
  stored.clear();
  storageHits.length = 0;
  api.routes.set(`GET /simulations/${SIM}/results`, () => ({ status: 200, body: results() }));
  for (const day of [1, 2]) {
    const key = `outputs/GEOSChem.SpeciesConc.2019010${day}_0000z.nc4`;
    api.routes.set(`GET /simulations/${SIM}/results/files/${key}`, () => ({
      status: 200,
      body: {
        key,
        url: `${storageUrl}/${day}?X-Amz-Signature=x`,
        expiresAt: '2026-01-01T00:05:00Z',
        size: GOOD.length,
        sha256: sha(GOOD),
      },
    }));
  }
});

describe('gcr results', () => {
  it('shows the status, files, missing outputs, a metrics table of SpeciesConc and the previews', async () => {
    const run = await gcr(['results', SIM]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('READY');
    expect(run.stdout).toContain('1 expected outputs missing');
    expect(run.stdout).toContain('outputs/GEOSChem.SpeciesConc.20190103_0000z.nc4');
    expect(run.stdout).toMatch(
      /SpeciesConcVV_O3\s+mol mol-1 dry\s+3\.000e-8\s+4\.500e-8\s+1\.000e-8\s+8\.000e-8/,
    );
    expect(run.stdout).toContain('results/previews/SpeciesConc/SpeciesConcVV_O3.png');
  });

  it('prints the API answer as is with --json', async () => {
    const run = await gcr(['results', SIM, '--json']);
    expect(JSON.parse(run.stdout)).toEqual(results());
  });
});

describe('gcr download', () => {
  it('downloads through the presigned URLs, verifying each SHA-256, with plain progress lines off a terminal', async () => {
    stored.set('/1?X-Amz-Signature=x', GOOD).set('/2?X-Amz-Signature=x', GOOD);
    const to = path.join(tmp, 'ok');
    const run = await gcr(['download', SIM, '--to', to]);
    expect(run.code).toBe(0);
    expect(await readFile(path.join(to, 'outputs/GEOSChem.SpeciesConc.20190101_0000z.nc4'))).toEqual(GOOD);
    expect(run.stderr).toMatch(/\[1\/2\] outputs\/GEOSChem\.SpeciesConc\.20190101_0000z\.nc4/);
    expect(run.stderr).not.toContain('\r');
    expect(run.stdout).toContain('2 downloaded, 0 already present');

    // Again: both present with the right hash, so nothing is fetched.
    storageHits.length = 0;
    const again = await gcr(['download', SIM, '--to', to, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ downloaded: 0, skipped: 2 });
    expect(storageHits).toEqual([]);
  });

  it('exits non-zero naming the file whose SHA-256 does not match, and does not keep it', async () => {
    stored.set('/1?X-Amz-Signature=x', GOOD).set('/2?X-Amz-Signature=x', BAD);
    const to = path.join(tmp, 'bad');
    const run = await gcr(['download', SIM, '--to', to]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('SHA-256 mismatch for outputs/GEOSChem.SpeciesConc.20190102_0000z.nc4');
    expect(run.stderr).toContain(`expected ${sha(GOOD)}, got ${sha(BAD)}`);
    expect(existsSync(path.join(to, 'outputs/GEOSChem.SpeciesConc.20190101_0000z.nc4'))).toBe(true);
    expect(existsSync(path.join(to, 'outputs/GEOSChem.SpeciesConc.20190102_0000z.nc4'))).toBe(false);
    expect(existsSync(path.join(to, 'outputs/GEOSChem.SpeciesConc.20190102_0000z.nc4.part'))).toBe(false);
  });

  it('draws a progress bar on a terminal', async () => {
    stored.set('/1?X-Amz-Signature=x', GOOD).set('/2?X-Amz-Signature=x', GOOD);
    const run = await gcr(['download', SIM, '--to', path.join(tmp, 'tty')], true);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('\r\x1b[2K');
    expect(run.stderr).toContain('[2/2]');
  });

  it('refuses an unknown collection, listing the ones there are', async () => {
    const run = await gcr(['download', SIM, '--collection', 'AerosolMass', '--to', path.join(tmp, 'none')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('has no collection AerosolMass; it has SpeciesConc');
  });
});

describe('gcr compare', () => {
  it('prints a benchmark-style table and the difference map keys', async () => {
    const stats = (v: number) => ({ surfaceMean: v, mean: v, min: v, max: v });
    api.routes.set(`POST /simulations/${SIM}/compare/${DEV}`, () => ({
      status: 200,
      body: {
        ref: { simulationId: SIM, name: 'ref run', resultsUpdatedAt: 'x' },
        dev: { simulationId: DEV, name: 'dev run', resultsUpdatedAt: 'y' },
        grid: '4x5',
        generatedAt: '2026-01-01T00:00:00Z',
        cached: false,
        species: [
          {
            collection: 'SpeciesConc',
            variable: 'SpeciesConcVV_O3',
            units: 'mol mol-1 dry',
            ref: stats(4e-8),
            dev: stats(5e-8),
            difference: stats(1e-8),
            relativeDifferencePercent: stats(25),
          },
        ],
        onlyInRef: [],
        onlyInDev: [],
        maps: [
          {
            collection: 'SpeciesConc',
            variable: 'SpeciesConcVV_O3',
            key: `results/comparisons/${DEV}/SpeciesConcVV_O3.png`,
          },
        ],
      },
    }));
    const run = await gcr(['compare', SIM, DEV, '--refresh']);
    expect(run.code).toBe(0);
    expect(api.requests.at(-1)!.query.get('refresh')).toBe('true');
    expect(run.stdout).toMatch(
      /SpeciesConc\/SpeciesConcVV_O3\s+mol mol-1 dry\s+4\.000e-8\s+5\.000e-8\s+1\.000e-8\s+\+25\.00%/,
    );
    expect(run.stdout).toContain(`results/comparisons/${DEV}/SpeciesConcVV_O3.png`);
  });

  it('exits 1 with the reason of a 409', async () => {
    api.routes.set(`POST /simulations/${SIM}/compare/${DEV}`, () => ({
      status: 409,
      body: { error: { code: 'Conflict', message: 'grids differ: 4x5 vs 2x2.5' } },
    }));
    const run = await gcr(['compare', SIM, DEV]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('grids differ: 4x5 vs 2x2.5');
  });
});
