/**
 * Finding "Submissions collapse under load" (issue 12): the API benchmark
 * crashed on its own report when a scenario had no answers to time. Its
 * figures now come from pure functions that report "-" instead.
 */
import { describe, expect, it } from '@jest/globals';
import { formatTable, non2xx, percentile, summarize, targets } from '#scripts/bench/load-report.js';

describe('the API benchmark crashes on its own report', () => {
  it('reports a scenario where every request failed to connect, with "-" for its latencies', () => {
    const row = summarize('POST /simulations', 100, [
      { status: 0, ms: 5 },
      { status: 0, ms: 7 },
    ]);
    expect(row).toEqual({
      name: 'POST /simulations',
      rate: 100,
      requests: 2,
      statuses: {},
      connectionErrors: 2,
    });
    const [, line] = formatTable([row]);
    expect(line).toMatch(/^POST \/simulations\s+100\s+2\s+0\s+-\s+2\s+-\s+-\s+-\s+-$/);
    expect(targets([row])).toEqual([
      { description: 'GET p95 <= 50 ms at 100 req/s', met: undefined },
      { description: 'POST p95 <= 300 ms at 10 req/s', met: undefined },
      { description: 'no connection errors at any rate', met: false },
    ]);
  });

  it('counts answers by status and times every answer, the 2xx apart', () => {
    const samples = [
      ...Array.from({ length: 18 }, (_, i) => ({ status: 201, ms: 100 + i })),
      { status: 429, ms: 2 },
      { status: 503, ms: 3000 },
    ];
    const row = summarize('POST /simulations', 10, samples);
    expect(row.statuses).toEqual({ 201: 18, 429: 1, 503: 1 });
    expect(non2xx(row)).toBe('429:1 503:1');
    expect(row.p50).toBe(108);
    expect(row.p95).toBe(117);
    expect(row.p99).toBe(3000);
    expect(row.p95ok).toBe(117);
    expect(targets([row])[1]).toEqual({ description: 'POST p95 <= 300 ms at 10 req/s', met: true });
  });

  it('takes percentiles of an empty list as undefined and of one value as that value', () => {
    expect(percentile([], 95)).toBeUndefined();
    expect(percentile([4], 50)).toBe(4);
    expect(percentile([1, 2, 3, 4], 100)).toBe(4);
  });
});
