/**
 * The API fuzzer (scripts/fuzz/api-fuzz.ts) in the test suite's size: every
 * route of every service, random path parameters, queries, headers, callers
 * and bodies, against the real local platform. `npm run fuzz` runs 10,000
 * cases from a new seed each time; here 1,500 from a fixed one.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { apiRoutes } from '#scripts/fuzz/api-routes.js';
import { fuzzApi, type FuzzTargets } from '#scripts/fuzz/api-fuzz.js';
import { prepareFuzzTargets } from '#test/helpers/fuzz-targets.js';
import { startPlatformProcess, type RunningPlatform } from '#test/helpers/platform-process.js';

const RUNS = 1500;
const SEED = 20_261_122;

let platform: RunningPlatform;
let targets: FuzzTargets;

beforeAll(async () => {
  platform = await startPlatformProcess({ env: { GCR_LOCAL_BATCH_SLOTS: '0' } });
  targets = await prepareFuzzTargets(platform);
}, 180_000);

afterAll(async () => {
  await platform?.stop();
}, 60_000);

describe('fuzzing every route of the API', () => {
  it(`answers ${RUNS} random requests over every route with no 5xx, every 4xx an ErrorResponse or the gateway's own`, async () => {
    const report = await fuzzApi(targets, { runs: RUNS, seed: SEED });
    const fiveXX = Object.entries(report.byStatus).filter(
      ([status]) => Number(status) >= 500 || status === '0',
    );
    expect({ fiveXX, failures: report.failures.length }).toEqual({ fiveXX: [], failures: 0 });
    expect(report.failures.map((f) => `${f.problem}: ${JSON.stringify(f.fuzzCase)}`)).toEqual([]);
    // Every route was reached, and past the authorizer: each answered at least one non-401.
    for (const route of apiRoutes()) {
      const statuses = Object.keys(report.byRoute[route.key] ?? {});
      expect({ route: route.key, reached: statuses.some((s) => s !== '401') }).toEqual({
        route: route.key,
        reached: true,
      });
    }
    expect(report.cases).toBe(RUNS);
  }, 300_000);
});
