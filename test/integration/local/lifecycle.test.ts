import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import path from 'node:path';
import {
  api,
  platformStartsKilledAfterAll,
  processesIn,
  START_FUNCTIONS_ON_FIRST_USE,
  startPlatformProcess,
  tempDataDir,
  waitForStatus as waitFor,
  type RunningPlatform,
} from '#test/helpers/platform-process.js';
import { canTransition, type SimulationStatus } from '#shared/kernel/status.js';
import { ApiClient } from '#cli/api-client.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import { s3rverClient } from '#test/helpers/s3rver-client.js';

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];
const tinySpec = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/specs/tiny-demo.json'), 'utf8'));

function spec(
  overrides: { tags?: Record<string, string>; compute?: Record<string, unknown>; name?: string } = {},
) {
  return {
    ...tinySpec,
    ...(overrides.name ? { name: overrides.name } : {}),
    compute: { ...tinySpec.compute, ...overrides.compute },
    tags: { ...tinySpec.tags, ...overrides.tags },
  };
}

/**
 * The simulation's `Simulation Status Changed` events, in version order: two
 * poller invocations may publish consecutive transitions in either order (as on
 * AWS); `version` is what orders them.
 */
function statusEvents(platform: RunningPlatform, id: string) {
  return readFileSync(path.join(platform.dataDir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((e) => e['detail-type'] === 'Simulation Status Changed' && e.detail.simulationId === id)
    .sort((a, b) => a.detail.version - b.detail.version)
    .map((e) => `${e.detail.from}->${e.detail.to}`);
}

/** Jobs the platform runs at once: the RUNNABLE cancel fills them all. */
const SLOTS = 5;

describe('simulations on the local backend, end to end', () => {
  let platform: RunningPlatform;
  let token: string;
  /** Submitted first: its one-minute limit runs out while the other tests run. */
  let timingOut: string;
  /** Its owner: another user, so it does not count against the 20 of the first test (the per-owner active limit is 20). */
  let timingOutToken: string;

  beforeAll(async () => {
    platform = await startPlatformProcess({
      // The finder every 2 s: each hand-off it makes (PENDING to Batch, a due poll) comes sooner.
      env: {
        GCR_SCHEDULE_RATE_SECONDS: '2',
        GCR_LOCAL_BATCH_SLOTS: String(SLOTS),
        ...START_FUNCTIONS_ON_FIRST_USE,
      },
    });
    token = await platform.token('lifecycle');
    // The max-runtime limit is a minute at least: waited out alongside the
    // other tests instead of after them. It holds one slot until then.
    timingOutToken = await platform.token('lifecycle-timeout');
    timingOut = await submit(
      spec({ compute: { maxRuntimeMinutes: 1 }, tags: { 'demo-wall-seconds': '300' } }),
      timingOutToken,
    );
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  // As `gcr submit` sends it: an Idempotency-Key, and 429/503 repeated when
  // Retry-After says. Twenty at once can find createSimulation's instances busy
  // on a loaded machine, and the platform then sheds with Retry-After instead of
  // keeping the request waiting.
  const submit = async (body: unknown, as: string = token) => {
    const client = new ApiClient({ baseUrl: platform.url, token: as, timeoutMs: 60_000 });
    const res = await client.submitSimulation(JSON.stringify(body), randomUUID(), {
      attempts: 5,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    expect(res.status).toBe(201);
    return res.body.id;
  };

  it('runs 20 simulations submitted at once to SUCCEEDED with no lost or duplicated transition', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => submit(spec({ name: `batch ${i}` }))));
    for (const id of ids) {
      const done = await waitFor(platform, token, id, TERMINAL, 240);
      expect(done.status).toBe('SUCCEEDED');
      const path = done.history.map((h: { to: string }) => h.to);
      expect(path[0]).toBe('PENDING');
      expect(path.at(-1)).toBe('SUCCEEDED');
      expect(new Set(path).size).toBe(path.length);
      // The event follows its write by a moment: wait until it is on the bus.
      const deadline = Date.now() + 10_000;
      while (statusEvents(platform, id).length < done.history.length - 1 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const published = statusEvents(platform, id);
      expect(published).toEqual(
        done.history.slice(1).map((h: { from: string; to: string }) => `${h.from}->${h.to}`),
      );
    }
    await expectNetcdfOutputs(ids[0]!);
  }, 300_000);

  /** The outputs in the local bucket are NetCDF-4 files an independent reader (ncdump) opens. */
  async function expectNetcdfOutputs(id: string): Promise<void> {
    const s3 = s3rverClient(platform.endpoints.s3);
    const bucket = platform.buckets[0]!;
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `simulations/${id}/outputs/` }),
    );
    const keys = (listed.Contents ?? []).map((o) => o.Key!);
    const key = keys.find((k) => /GEOSChem\.SpeciesConc\.20190101_0000z\.nc4$/.test(k));
    expect(key).toBeDefined();
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = Buffer.from(await object.Body!.transformToByteArray());
    // The HDF5 signature at byte 0: the upload is the file itself, not a chunk-framed copy.
    expect([...body.subarray(0, 8)]).toEqual([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
    const file = path.join(os.tmpdir(), `gcr-${id}.nc4`);
    writeFileSync(file, body);
    let header: string;
    try {
      header = execFileSync('ncdump', ['-h', file], { encoding: 'utf8' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        console.warn(
          'ncdump is not installed (apt-get install netcdf-bin): the independent-reader check is SKIPPED',
        );
        return;
      }
      throw err;
    }
    expect(header).toMatch(/lat = 46 ;/);
    expect(header).toMatch(/lon = 72 ;/);
    expect(header).toMatch(/lev = 47 ;/);
    expect(header).toMatch(/float SpeciesConcVV_Rn222\(time, lev, lat, lon\)/);
  }

  it('ends a job that exits non-zero FAILED with its exit code', async () => {
    const id = await submit(spec({ tags: { 'demo-fail-at-percent': '50' } }));
    const done = await waitFor(platform, token, id, TERMINAL);
    expect(done.status).toBe('FAILED');
    expect(done.job.exitCode).toBe(3);
    expect(done.history.at(-1).reason).toMatch(/model failure: the model exited with code 3/);
  }, 150_000);

  it('cancels a RUNNING simulation: CANCELLED, and its process is gone', async () => {
    const id = await submit(spec({ tags: { 'demo-wall-seconds': '120' } }));
    const running = await waitFor(platform, token, id, ['RUNNING']);
    const runDir = path.join(platform.dataDir, 'batch', 'runs', running.job.jobId);
    expect(processesIn(runDir).length).toBeGreaterThan(0);
    expect((await api(platform, 'POST', `/simulations/${id}/cancel`, { token })).status).toBe(202);
    const done = await waitFor(platform, token, id, TERMINAL, 60);
    expect(done.status).toBe('CANCELLED');
    expect(processesIn(runDir)).toEqual([]);
  }, 150_000);

  it('cancels a RUNNABLE simulation before it starts', async () => {
    // As many blockers as slots, each in the Batch queue (RUNNABLE or RUNNING)
    // before the last is submitted: the queue is FIFO, so it waits RUNNABLE
    // behind them whether or not the timing-out job still holds a slot.
    const blockers = await Promise.all(
      Array.from({ length: SLOTS }, () => submit(spec({ tags: { 'demo-wall-seconds': '120' } }))),
    );
    for (const id of blockers) await waitFor(platform, token, id, ['RUNNABLE', 'RUNNING']);
    const waiting = await submit(spec());
    await waitFor(platform, token, waiting, ['RUNNABLE']);
    await api(platform, 'POST', `/simulations/${waiting}/cancel`, { token });
    const done = await waitFor(platform, token, waiting, TERMINAL, 60);
    expect(done.status).toBe('CANCELLED');
    expect(done.history.map((h: { to: string }) => h.to)).not.toContain('RUNNING');
    for (const id of blockers) await api(platform, 'POST', `/simulations/${id}/cancel`, { token });
    for (const id of blockers)
      expect((await waitFor(platform, token, id, TERMINAL, 60)).status).toBe('CANCELLED');
  }, 200_000);

  it('ends a simulation that runs past its max runtime TIMED_OUT', async () => {
    const done = await waitFor(platform, timingOutToken, timingOut, TERMINAL, 150);
    expect(done.status).toBe('TIMED_OUT');
    expect(done.history.at(-1).reason).toMatch(/1 min/);
  }, 200_000);
});

describe('a platform killed with jobs running', () => {
  const startOwnPlatform = platformStartsKilledAfterAll();
  it('brings every simulation to a terminal state after it starts again, along allowed transitions (no terminal-status check after a wait that only returns terminal statuses)', async () => {
    const dataDir = tempDataDir();
    const env = {
      GCR_SCHEDULE_RATE_SECONDS: '2',
      GCR_LOCAL_BATCH_SLOTS: '2',
      ...START_FUNCTIONS_ON_FIRST_USE,
    };
    const first = await startOwnPlatform({ dataDir, env });
    const token = await first.token('crash');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api(first, 'POST', '/simulations', {
        token,
        body: spec({ tags: { 'demo-wall-seconds': '6' } }),
      });
      ids.push(res.body.id);
    }
    // Its 6 s run can end between two polls on a loaded machine (GET answers slowly there): RUNNING or
    // later is the moment to kill, the others (two slots, three runs) still running or queued.
    await waitFor(first, token, ids[0]!, ['RUNNING', ...TERMINAL]);
    await first.kill();

    const second = await startOwnPlatform({ dataDir, env });
    try {
      for (const id of ids) {
        const done = await waitFor(second, token, id, TERMINAL, 180);
        // waitFor returns only a terminal status: what can fail is the way there.
        const history = done.history as { from: SimulationStatus | null; to: SimulationStatus }[];
        expect(history[0]).toMatchObject({ from: null, to: 'PENDING' });
        for (let i = 1; i < history.length; i++) {
          expect(history[i]!.from).toBe(history[i - 1]!.to);
          expect(canTransition(history[i]!.from!, history[i]!.to)).toBe(true);
        }
        expect(history.at(-1)!.to).toBe(done.status);
      }
    } finally {
      await second.stop();
    }
  }, 300_000);
});
