import type { afterAll, beforeAll } from '@jest/globals';
import { readdirSync, readlinkSync } from 'node:fs';
import { startPlatformProcess, type RunningPlatform } from '#local/spawn-platform.js';

export {
  startPlatformProcess,
  tempDataDir,
  type PlatformInfo,
  type RunningPlatform,
} from '#local/spawn-platform.js';

/**
 * For a platform a test starts (and restarts) for a few of its functions:
 * each function's first instance starts at its first use instead of one of
 * each of the 50-odd being warmed before the platform announces itself,
 * which took 25-30 s of every start on CI's loaded 2 cores (a start without
 * it: about 4 s). A cold start's wait does not count against a function's
 * queueing limit (local/lambda/function-pool.ts), so nothing a test sees changes.
 */
export const START_FUNCTIONS_ON_FIRST_USE = { GCR_LOCAL_PREWARM: 'false' } as const;

/**
 * Polls GET /simulations/{id} (every 250 ms, up to `seconds`) until its status
 * is one of `statuses`; returns the simulation. Says where it is stuck if not.
 */
export async function waitForStatus(
  platform: { url: string },
  token: string,
  id: string,
  statuses: string[],
  seconds = 120,
): Promise<any> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const res = await api(platform, 'GET', `/simulations/${id}`, { token });
    if (statuses.includes(res.body.status)) return res.body;
    if (Date.now() > deadline)
      throw new Error(
        `${id} is ${res.body.status} (${res.body.history?.at(-1)?.reason}), expected ${statuses.join('/')}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Polls GET /simulations/{id}/results until READY (FAILED fails with its reason, as does `seconds` running out). */
export async function waitForResultsReady(
  platform: { url: string },
  token: string,
  id: string,
  seconds = 120,
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const res = await api(platform, 'GET', `/simulations/${id}/results`, { token });
    if (res.body.status === 'READY') return;
    if (res.body.status === 'FAILED') throw new Error(`results of ${id} FAILED: ${res.body.reason}`);
    if (Date.now() > deadline) throw new Error(`results of ${id} are still ${res.body.status}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** fetch against the platform with an optional bearer token; returns status, headers and parsed JSON. */
export async function api(
  platform: { url: string },
  method: string,
  urlPath: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${platform.url}${urlPath}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Tokens of two users, alice and bob, and of an admin (root): the callers most API tests need. */
export async function aliceBobAndAdmin(
  platform: Pick<RunningPlatform, 'token'>,
): Promise<{ alice: string; bob: string; admin: string }> {
  const [alice, bob, admin] = await Promise.all([
    platform.token('alice'),
    platform.token('bob'),
    platform.token('root', { admin: true }),
  ]);
  return { alice, bob, admin };
}

/**
 * A local platform for the test file: started before its tests (with `env`),
 * stopped after them. Returns a getter, for use inside the tests.
 */
export function useLocalPlatform(env: Record<string, string> = {}): () => RunningPlatform {
  // jest's own hooks, found where jest puts them: a value import of @jest/globals
  // would make this module fail to load outside jest, and `npm run fuzz` loads it
  // (through test/helpers/fuzz-targets.ts).
  const { beforeAll: before, afterAll: after } = globalThis as unknown as {
    beforeAll: typeof beforeAll;
    afterAll: typeof afterAll;
  };
  let platform: RunningPlatform | undefined;
  before(async () => {
    platform = await startPlatformProcess({ env: { GCR_LOCAL_BATCH_SLOTS: '0', ...env } });
  }, 120_000);
  after(async () => {
    await platform?.stop();
  }, 60_000);
  return () => {
    if (!platform) throw new Error('the local platform did not start');
    return platform;
  };
}

/**
 * startPlatformProcess for a file whose tests start (and stop) their own
 * platforms: every platform it started is killed after the file's tests, so
 * that one a failing test left running does not load the machine for the
 * files after it.
 */
export function platformStartsKilledAfterAll(): typeof startPlatformProcess {
  const { afterAll: after } = globalThis as unknown as { afterAll: typeof afterAll };
  const started: RunningPlatform[] = [];
  after(async () => {
    await Promise.all(started.map((platform) => platform.kill()));
  }, 60_000);
  return async (options) => {
    const platform = await startPlatformProcess(options);
    started.push(platform);
    return platform;
  };
}

/** Processes whose working directory is `dir` (a local job's run directory): the job, if it still runs. */
export function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === dir) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}
