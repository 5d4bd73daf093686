/**
 * `gcr watch`, `gcr logs`, `gcr results` and `gcr compare` against the real
 * local platform: two tiny demo runs submitted, run by the local Batch
 * emulator, their results processed; the commands read them over HTTP (the
 * unit tests drive the same commands against canned answers).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import { gcrAs } from '#test/helpers/run-gcr.js';
import {
  api,
  startPlatformProcess,
  waitForResultsReady,
  type RunningPlatform,
} from '#test/helpers/platform-process.js';

const USER = 'cli-results-user';
const tinySpec = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/specs/tiny-demo.json'), 'utf8'));

let platform: RunningPlatform;
let token: string;
let ref: string;
let dev: string;

const gcr = (...argv: string[]) => gcrAs(platform, USER, { env: { NO_COLOR: '1' } })(...argv);

/** Waits for the results of one of this file's runs. */
const resultsReady = (id: string, seconds = 120) => waitForResultsReady(platform, token, id, seconds);

beforeAll(async () => {
  platform = await startPlatformProcess({
    env: { GCR_SCHEDULE_RATE_SECONDS: '2', GCR_LOCAL_BATCH_SLOTS: '2' },
  });
  token = await platform.token(USER);
  const submit = async (name: string) => {
    const res = await api(platform, 'POST', '/simulations', { token, body: { ...tinySpec, name } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  [ref, dev] = [await submit('cli ref run'), await submit('cli dev run')];
}, 120_000);

afterAll(async () => {
  await platform?.stop();
}, 60_000);

describe('gcr against a run on the local platform', () => {
  it('gcr watch follows a run to SUCCEEDED, printing its status changes, and exits 0', async () => {
    const watched = await gcr('watch', ref, '--interval', '1', '--timeout', '120');
    expect(watched.stderr).toBe('');
    expect(watched.code).toBe(0);
    expect(watched.stdout).toContain(`${ref} SUCCEEDED`);
    expect(watched.stdout).toMatch(/→ RUNNING/);
    const json = await gcr('--json', 'watch', dev, '--interval', '1', '--timeout', '120');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout.trim().split('\n').at(-1)!)).toMatchObject({
      id: dev,
      status: 'SUCCEEDED',
    });
  }, 150_000);

  it("gcr logs prints the job's log, the lines the API pages hold", async () => {
    const page = await api(platform, 'GET', `/simulations/${ref}/logs?startFromHead=true&limit=10000`, {
      token,
    });
    expect(page.status).toBe(200);
    const lines = page.body.events.map((e: { message: string }) => e.message);
    expect(lines.length).toBeGreaterThan(0);
    const logs = await gcr('logs', ref, '--head');
    expect(logs.stderr).toBe('');
    expect(logs.code).toBe(0);
    expect(logs.stdout.trimEnd().split('\n')).toEqual(lines);
  }, 60_000);

  it('gcr results shows the processed results: READY, files and metrics', async () => {
    await resultsReady(ref);
    const shown = await gcr('results', ref);
    expect(shown.stderr).toBe('');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('READY');
    expect(shown.stdout).toContain('SpeciesConc');
    const json = await gcr('--json', 'results', ref, '--collection', 'SpeciesConc');
    const results = JSON.parse(json.stdout);
    expect(results).toMatchObject({ simulationId: ref, status: 'READY', simulationStatus: 'SUCCEEDED' });
    expect(results.manifest.fileCount).toBeGreaterThan(0);
    expect(results.metrics.files.length).toBeGreaterThan(0);
  }, 150_000);

  it('gcr compare compares the two runs, variable by variable', async () => {
    await resultsReady(ref);
    await resultsReady(dev);
    const compared = await gcr('compare', ref, dev);
    expect(compared.stderr).toBe('');
    expect(compared.code).toBe(0);
    expect(compared.stdout).toContain(`${ref} (cli ref run)`);
    expect(compared.stdout).toContain(`${dev} (cli dev run)`);
    expect(compared.stdout).toMatch(/VARIABLE\s+UNITS\s+REF\s+DEV\s+DEV-REF\s+%/);
    const json = JSON.parse((await gcr('--json', 'compare', ref, dev)).stdout);
    expect(json).toMatchObject({
      ref: { simulationId: ref },
      dev: { simulationId: dev },
      grid: '4x5',
      cached: true,
    });
    expect(json.species.length).toBeGreaterThan(0);
    // Another user cannot compare them: the CLI says not found and exits non-zero.
    const stranger = await gcrAs(platform, 'someone-else')('compare', ref, dev);
    expect(stranger.code).not.toBe(0);
    expect(stranger.stderr).toMatch(/not found/i);
  }, 150_000);
});
