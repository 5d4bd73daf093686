/**
 * npm run bench:cost (scripts/bench/cost.ts) in the test suite's size: the
 * hourly accrual over 100 running simulations and a budget storm of 100
 * updates, each delivered twice, shuffled. No timing is asserted (that is the
 * benchmark's job); what must hold at any size is.
 */
import { describe, expect, it } from '@jest/globals';
import { runCostBench } from '#scripts/bench/cost.js';

describe('npm run bench:cost, reduced', () => {
  it('accrues every running simulation with a bounded number of writes each, and a budget storm gives one event per threshold', async () => {
    const report = await runCostBench({ simulations: 100, stormUpdates: 100 });
    for (const run of report.accrual) {
      expect(run).toMatchObject({ written: 100, events: 100 });
      // the cost, its line on the simulation, its owner's month, and the contribution of the month's
      // previous update (none for a month's first); contended, a retry may add one
      expect(run.writesPerSimulation).toBeGreaterThanOrEqual(3);
      expect(run.writesPerSimulation).toBeLessThan(4.5);
    }
    expect(report.storm.thresholdEvents).toEqual([50, 80, 100]);
    expect(report.storm.spentUsd).toBe(report.storm.expectedUsd);
  }, 300_000);
});
