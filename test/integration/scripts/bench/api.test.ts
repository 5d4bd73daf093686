/**
 * `npm run bench:api` in a reduced size (issue 12, finding "Load"): the whole
 * benchmark against a real local platform, a few requests a second and a
 * burst of 20, must answer every request (no connection error), get every
 * burst submission accepted through gcr submit's retries, and print its
 * report. The figures themselves are the full run's (docs/ARCHITECTURE.md).
 */
import { describe, expect, it } from '@jest/globals';
import { reportLines, runLoadBench, type LoadBenchOptions } from '#scripts/bench/api.js';
import { useLocalPlatform } from '#test/helpers/platform-process.js';

const platform = useLocalPlatform();

describe('npm run bench:api, reduced', () => {
  it('answers every request, accepts the whole burst and reports it', async () => {
    const options: LoadBenchOptions = { seconds: 1, rates: [2, 5], burst: 20, warmupSeconds: 1 };
    const result = await runLoadBench(platform(), options);
    expect(result.rows.map((r) => `${r.name} ${r.rate}`)).toEqual([
      'GET /simulations/{id} 2',
      'GET /simulations/{id} 5',
      'POST /simulations 2',
      'POST /simulations 5',
    ]);
    for (const row of result.rows) {
      expect(row.connectionErrors).toBe(0);
      // Shed load is 429/503 with Retry-After, never a 5xx of another kind.
      expect(Object.keys(row.statuses).filter((s) => Number(s) >= 500 && Number(s) !== 503)).toEqual([]);
    }
    expect(result.burst).toMatchObject({ submissions: 20, accepted: 20, failed: {} });
    const report = reportLines(result, options).join('\n');
    expect(report).toContain('accepted (PENDING): 20 of 20');
    expect(report).toContain('target no connection errors at any rate: met');
  }, 300_000);
});
