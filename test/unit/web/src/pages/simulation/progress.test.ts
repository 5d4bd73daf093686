import { describe, expect, it } from 'vitest';
import {
  etaSeconds,
  projectedCost,
  simulatedProgress,
} from '../../../../../../web/src/pages/simulation/progress.js';
import { costFixture, simulationFixture } from '../../../../../helpers/web/simulation-page-api.js';

describe('simulation progress', () => {
  it('measures progress in model time reached of the period', () => {
    expect(simulatedProgress(simulationFixture()).fraction).toBe(0.5);
    expect(simulatedProgress(simulationFixture({ status: 'SUCCEEDED' })).fraction).toBe(1);
  });

  it('projects the time left at the pace of the running attempt', () => {
    // Attempt 2 started 06:07; half the period simulated by 06:17: ten minutes more.
    expect(etaSeconds(simulationFixture(), new Date('2026-12-07T06:17:00.000Z'))).toBe(600);
    expect(etaSeconds(simulationFixture({ status: 'SUCCEEDED' }), new Date())).toBeUndefined();
  });

  it('projects the cost as accrued + price x share x nodes x time left, and the final figure once final', () => {
    const projection = projectedCost(costFixture(), 3600);
    expect(projection.rateUsdPerHour).toBeCloseTo(0.2);
    expect(projection.projectedUsd).toBeCloseTo(0.0235 + 0.2);
    expect(projectedCost(costFixture({ kind: 'final', totalUsd: 0.05 }), 3600)).toEqual({
      accruedUsd: 0.05,
      projectedUsd: 0.05,
      final: true,
    });
  });
});
