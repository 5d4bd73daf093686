import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { localSubFor } from '#local/auth/jwt.js';
import {
  api,
  startPlatformProcess,
  type RunningPlatform,
  aliceBobAndAdmin,
} from '#test/helpers/platform-process.js';
import { gcrAs } from '#test/helpers/run-gcr.js';
import { aSimulation } from '#test/helpers/simulations.js';
import {
  platformStores,
  writeFinishedRun,
  type PlatformStores,
  type WrittenRun,
} from './results-fixtures.js';

let platform: RunningPlatform;
let stores: PlatformStores;
let alice: string;
let bob: string;
let admin: string;
let ref: WrittenRun;
let dev: WrittenRun;

beforeAll(async () => {
  // No local Batch slots: these runs are written into the stores as finished, not run.
  platform = await startPlatformProcess({ env: { GCR_LOCAL_BATCH_SLOTS: '0' } });
  stores = platformStores(platform);
  ({ alice, bob, admin } = await aliceBobAndAdmin(platform));
  ref = await writeFinishedRun(stores, localSubFor('alice'));
  dev = await writeFinishedRun(stores, localSubFor('alice'), { o3Scale: 1.25 });
}, 180_000);

afterAll(async () => {
  await platform?.stop();
}, 60_000);

/** A GET with the path sent exactly as written (fetch would normalise dot segments first). */
function rawGet(rawPath: string, token: string): Promise<{ status: number; body: any }> {
  const url = new URL(platform.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: rawPath,
        method: 'GET',
        headers: { authorization: `Bearer ${token}` },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // keep the text
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('GET /simulations/{id}/results', () => {
  it('answers the manifest grouped by collection, the missing outputs, metrics and previews', async () => {
    const res = await api(platform, 'GET', `/simulations/${ref.simulation.id}/results`, { token: alice });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      simulationId: ref.simulation.id,
      simulationStatus: 'SUCCEEDED',
      status: 'READY',
    });
    expect(res.body.manifest).toMatchObject({ fileCount: 3, complete: false });
    expect(res.body.manifest.missing).toEqual([
      expect.objectContaining({ expectedKey: 'outputs/GEOSChem.SpeciesConc.20190103_0000z.nc4' }),
    ]);
    expect(res.body.manifest.collections.map((c: any) => [c.collection, c.fileCount])).toEqual([
      ['Restart', 1],
      ['SpeciesConc', 2],
    ]);
    const o3 = res.body.metrics.files[0].variables.find((v: any) => v.name === 'SpeciesConcVV_O3');
    expect(o3).toMatchObject({ units: 'mol mol-1 dry', validCount: 2 * 46 * 72 });
    expect(o3.surfaceAreaWeightedMean).toHaveLength(1);
    expect(res.body.previews).toEqual([
      {
        key: 'results/previews/SpeciesConc/SpeciesConcVV_O3.png',
        collection: 'SpeciesConc',
        variable: 'SpeciesConcVV_O3',
      },
    ]);
  });

  it('narrows metrics with ?variables= and refuses unknown parameters naming them', async () => {
    const res = await api(
      platform,
      'GET',
      `/simulations/${ref.simulation.id}/results?variables=SpeciesConcVV_CO`,
      {
        token: alice,
      },
    );
    expect(res.status).toBe(200);
    for (const file of res.body.metrics.files)
      expect(file.variables.map((v: any) => v.name)).toEqual(['SpeciesConcVV_CO']);
    const bad = await api(platform, 'GET', `/simulations/${ref.simulation.id}/results?limit=3`, {
      token: alice,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toEqual([expect.objectContaining({ field: 'query.limit' })]);
  });

  it('says NOT_STARTED for a run that has not succeeded and PENDING for a succeeded run not yet processed', async () => {
    const running = aSimulation({
      owner: localSubFor('alice'),
      status: 'RUNNING',
      id: 'sim_results0running00000000000',
    });
    await stores.repository.create(running);
    const notStarted = await api(platform, 'GET', `/simulations/${running.id}/results`, { token: alice });
    expect(notStarted.body).toMatchObject({ status: 'NOT_STARTED', simulationStatus: 'RUNNING' });
    expect(notStarted.body.manifest).toBeUndefined();
    const unprocessed = await writeFinishedRun(stores, localSubFor('alice'), { withResults: false });
    const pending = await api(platform, 'GET', `/simulations/${unprocessed.simulation.id}/results`, {
      token: alice,
    });
    expect(pending.body).toMatchObject({ status: 'PENDING', reason: expect.stringContaining('queued') });
  }, 60_000);

  it('returns 404 when the simulation belongs to someone else', async () => {
    const res = await api(platform, 'GET', `/simulations/${ref.simulation.id}/results`, { token: bob });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NotFound');
    const file = await api(
      platform,
      'GET',
      `/simulations/${ref.simulation.id}/results/files/${ref.manifest.files[0]!.key}`,
      {
        token: bob,
      },
    );
    expect(file.status).toBe(404);
    expect(
      (await api(platform, 'GET', `/simulations/${ref.simulation.id}/results`, { token: admin })).status,
    ).toBe(200);
  });
});

describe('GET /simulations/{id}/results/files/{key+}', () => {
  it('answers a presigned URL from which a plain GET downloads the exact bytes', async () => {
    const key = ref.manifest.files[0]!.key;
    const res = await api(platform, 'GET', `/simulations/${ref.simulation.id}/results/files/${key}`, {
      token: alice,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      key,
      size: ref.outputs.get(key)!.length,
      sha256: ref.manifest.files[0]!.sha256,
    });
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
    const download = await fetch(res.body.url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(ref.outputs.get(key)!)).toBe(true);
  });

  it('answers links to results files (previews) too', async () => {
    const res = await api(
      platform,
      'GET',
      `/simulations/${ref.simulation.id}/results/files/results/previews/SpeciesConc/SpeciesConcVV_O3.png`,
      { token: alice },
    );
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await (await fetch(res.body.url)).arrayBuffer());
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('\x89PNG');
  });

  it('returns 404 for a file that is not in the manifest or not there', async () => {
    for (const key of [
      'outputs/GEOSChem.SpeciesConc.20190103_0000z.nc4',
      'rundir/geoschem_config.yml',
      'results/nothing.json',
    ]) {
      const res = await api(platform, 'GET', `/simulations/${ref.simulation.id}/results/files/${key}`, {
        token: alice,
      });
      expect(res.status).toBe(404);
    }
  });

  it('rejects a path-escape attempt', async () => {
    const prefix = `/simulations/${ref.simulation.id}/results/files/`;
    for (const escape of [
      `..%2F..%2F${dev.simulation.id}%2F${dev.manifest.files[0]!.key}`,
      `outputs/..%2F..%2F${dev.simulation.id}/outputs/x.nc4`,
      `%252e%252e/%252e%252e/${dev.simulation.id}/outputs/x.nc4`,
      `outputs%5C..%5C..%5Cx`,
      `%2Fetc%2Fpasswd`,
      `outputs//x.nc4`,
      `outputs/x%00.nc4`,
    ]) {
      const res = await rawGet(prefix + escape, alice);
      expect({ escape, status: res.status }).toEqual({ escape, status: 400 });
      expect(res.body.error.issues[0].field).toBe('path.key');
    }
  });
});

describe('POST /simulations/{id}/compare/{otherId}', () => {
  it('answers differences for shared species, most different first, with a difference map', async () => {
    const res = await api(
      platform,
      'POST',
      `/simulations/${ref.simulation.id}/compare/${dev.simulation.id}`,
      {
        token: alice,
      },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ grid: '4x5', cached: false, onlyInRef: [], onlyInDev: [] });
    const [first, ...rest] = res.body.species;
    expect(first).toMatchObject({ collection: 'SpeciesConc', variable: 'SpeciesConcVV_O3' });
    expect(first.relativeDifferencePercent.surfaceMean).toBeCloseTo(25, 3);
    expect(first.relativeDifferencePercent.max).toBeCloseTo(25, 3);
    expect(first.difference.mean).toBeCloseTo(first.dev.mean - first.ref.mean, 15);
    for (const row of rest) expect(row.relativeDifferencePercent.surfaceMean).toBeCloseTo(0, 6);
    expect(res.body.maps).toEqual([
      {
        collection: 'SpeciesConc',
        variable: 'SpeciesConcVV_O3',
        key: `results/comparisons/${dev.simulation.id}/SpeciesConcVV_O3.png`,
      },
    ]);
    const link = await api(
      platform,
      'GET',
      `/simulations/${ref.simulation.id}/results/files/${res.body.maps[0].key}`,
      {
        token: alice,
      },
    );
    expect(link.status).toBe(200);
    const png = Buffer.from(await (await fetch(link.body.url)).arrayBuffer());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');

    const again = await api(
      platform,
      'POST',
      `/simulations/${ref.simulation.id}/compare/${dev.simulation.id}`,
      {
        token: alice,
      },
    );
    expect(again.body).toMatchObject({ cached: true, generatedAt: res.body.generatedAt });
    const refreshed = await api(
      platform,
      'POST',
      `/simulations/${ref.simulation.id}/compare/${dev.simulation.id}?refresh=true`,
      { token: alice },
    );
    expect(refreshed.body.cached).toBe(false);

    // New results for the dev run: the stored comparison is out of date and made again.
    await stores.setResults(dev.simulation.id, { status: 'READY', updatedAt: new Date().toISOString() });
    const afterReprocessing = await api(
      platform,
      'POST',
      `/simulations/${ref.simulation.id}/compare/${dev.simulation.id}`,
      { token: alice },
    );
    expect(afterReprocessing.body.cached).toBe(false);
  }, 60_000);

  it('answers 409 for different grids, and for results that are not READY', async () => {
    const coarse = await writeFinishedRun(stores, localSubFor('alice'), { resolution: '2x2.5' });
    const res = await api(
      platform,
      'POST',
      `/simulations/${ref.simulation.id}/compare/${coarse.simulation.id}`,
      {
        token: alice,
      },
    );
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe('grids differ: 4x5 vs 2x2.5');
    const unprocessed = await writeFinishedRun(stores, localSubFor('alice'), { withResults: false });
    const notReady = await api(
      platform,
      'POST',
      `/simulations/${ref.simulation.id}/compare/${unprocessed.simulation.id}`,
      {
        token: alice,
      },
    );
    expect(notReady.status).toBe(409);
    expect(notReady.body.error.message).toContain('PENDING, not READY');
  }, 60_000);

  it('returns 404 when either simulation belongs to someone else', async () => {
    const bobs = await writeFinishedRun(stores, localSubFor('bob'));
    expect(
      (
        await api(platform, 'POST', `/simulations/${ref.simulation.id}/compare/${bobs.simulation.id}`, {
          token: alice,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await api(platform, 'POST', `/simulations/${ref.simulation.id}/compare/${dev.simulation.id}`, {
          token: bob,
        })
      ).status,
    ).toBe(404);
  }, 60_000);
});

describe('gcr download against the platform', () => {
  const gcr = (...argv: string[]) => gcrAs(platform, 'alice', { cwd: os.tmpdir() })(...argv);

  it('downloads the outputs and results, each verified against the manifest SHA-256', async () => {
    const to = mkdtempSync(path.join(os.tmpdir(), 'gcr-download-'));
    try {
      const run = await gcr('download', ref.simulation.id, '--to', to, '--include-results', '--json');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ downloaded: 7, skipped: 0, mismatched: 0 });
      for (const [key, bytes] of ref.outputs)
        expect(readFileSync(path.join(to, key)).equals(bytes)).toBe(true);
      expect(existsSync(path.join(to, 'results/surface/SpeciesConc.nc4'))).toBe(true);
      const again = await gcr(
        'download',
        ref.simulation.id,
        '--to',
        to,
        '--collection',
        'SpeciesConc',
        '--json',
      );
      expect(JSON.parse(again.stdout)).toMatchObject({ downloaded: 0, skipped: 2 });
    } finally {
      rmSync(to, { recursive: true, force: true });
    }
  }, 60_000);

  it('reports a SHA-256 mismatch naming the file and exits non-zero', async () => {
    const run = await writeFinishedRun(stores, localSubFor('alice'));
    const tampered = run.manifest.files[1]!.key;
    await stores.s3.send(
      new PutObjectCommand({
        Bucket: stores.bucket,
        Key: `simulations/${run.simulation.id}/${tampered}`,
        Body: Buffer.from('not the bytes the manifest describes'),
      }),
    );
    const to = mkdtempSync(path.join(os.tmpdir(), 'gcr-download-'));
    try {
      const result = await gcr('download', run.simulation.id, '--to', to);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`SHA-256 mismatch for ${tampered}`);
      expect(existsSync(path.join(to, tampered))).toBe(false);
      expect(existsSync(path.join(to, run.manifest.files[0]!.key))).toBe(true);
    } finally {
      rmSync(to, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("an admin comparison is not stored under the reference owner's prefix (it would leak the other run)", () => {
  it("keeps an admin's comparison of two owners' runs where neither owner can read the other's difference maps", async () => {
    const bobs = await writeFinishedRun(stores, localSubFor('bob'), { o3Scale: 1.5 });
    const res = await api(
      platform,
      'POST',
      `/simulations/${ref.simulation.id}/compare/${bobs.simulation.id}`,
      {
        token: admin,
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.maps.length).toBeGreaterThan(0);
    const keys = [
      `results/admin-comparisons/${bobs.simulation.id}/comparison.json`,
      ...res.body.maps.map((m: { key: string }) => m.key),
    ];
    for (const key of keys.slice(1))
      expect(key).toMatch(new RegExp(`^results/admin-comparisons/${bobs.simulation.id}/`));
    for (const key of keys) {
      const path = `/simulations/${ref.simulation.id}/results/files/${key}`;
      expect({ key, admin: (await api(platform, 'GET', path, { token: admin })).status }).toEqual({
        key,
        admin: 200,
      });
      // Alice owns the reference run, not bob's: nothing of bob's run through her prefix.
      expect({ key, alice: (await api(platform, 'GET', path, { token: alice })).status }).toEqual({
        key,
        alice: 404,
      });
      expect({ key, bob: (await api(platform, 'GET', path, { token: bob })).status }).toEqual({
        key,
        bob: 404,
      });
    }
    // Nor where such comparisons were stored before (the owners' own comparisons/ prefix).
    for (const legacy of res.body.maps.map(
      (m: { variable: string }) => `results/comparisons/${bobs.simulation.id}/${m.variable}.png`,
    )) {
      await stores.s3.send(
        new PutObjectCommand({
          Bucket: stores.bucket,
          Key: `simulations/${ref.simulation.id}/${legacy}`,
          Body: Buffer.from("a difference map of bob's run"),
        }),
      );
      const path = `/simulations/${ref.simulation.id}/results/files/${legacy}`;
      expect((await api(platform, 'GET', path, { token: alice })).status).toBe(404);
      expect((await api(platform, 'GET', path, { token: admin })).status).toBe(200);
    }
  }, 60_000);
});

describe('results reprocessing cannot be flooded', () => {
  it('refuses POST /simulations/{id}/results with 409 and Retry-After while a processing is under way, then accepts one', async () => {
    const run = await writeFinishedRun(stores, localSubFor('alice'));
    await stores.setResults(run.simulation.id, { status: 'PROCESSING', updatedAt: new Date().toISOString() });
    const refused = await api(platform, 'POST', `/simulations/${run.simulation.id}/results`, {
      token: alice,
    });
    expect(refused.status).toBe(409);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.body.error).toMatchObject({ code: 'Conflict', retryAfterSeconds: expect.any(Number) });
    expect(refused.body.error.message).toContain('being processed');

    await stores.setResults(run.simulation.id, { status: 'READY', updatedAt: new Date().toISOString() });
    const accepted = await api(platform, 'POST', `/simulations/${run.simulation.id}/results`, {
      token: alice,
    });
    expect(accepted.status).toBe(202);
    // Recorded on the simulation: the one request a parallel or later one would meet.
    const recorded = await api(platform, 'GET', `/simulations/${run.simulation.id}`, { token: alice });
    expect(recorded.body.resultsRequest).toMatchObject({
      requestId: accepted.body.requestId,
      requestedBy: 'alice',
    });
  }, 60_000);

  it('rate-limits compare?refresh=true per simulation with a 429 and Retry-After; the stored comparison is still served', async () => {
    const a = await writeFinishedRun(stores, localSubFor('alice'));
    const b = await writeFinishedRun(stores, localSubFor('alice'), { o3Scale: 1.1 });
    const c = await writeFinishedRun(stores, localSubFor('alice'), { o3Scale: 1.2 });
    const compare = (x: WrittenRun, y: WrittenRun, query = '') =>
      api(platform, 'POST', `/simulations/${x.simulation.id}/compare/${y.simulation.id}${query}`, {
        token: alice,
      });
    expect((await compare(a, b, '?refresh=true')).status).toBe(200);
    const again = await compare(a, b, '?refresh=true');
    expect(again.status).toBe(429);
    expect(again.body.error).toMatchObject({ code: 'RateLimited', retryAfterSeconds: expect.any(Number) });
    const retryAfter = Number(again.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Per simulation: another pair with the same run waits too; a pair of fresh runs does not.
    expect((await compare(c, a, '?refresh=true')).status).toBe(429);
    expect((await compare(a, b)).body.cached).toBe(true);
  }, 90_000);
});
