import { describe, expect, it } from '@jest/globals';
import { integratePrice, periodsOver } from '#shared/science/pricing/cost-formulas.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 3, 10);

describe('spot price periods summed over an attempt', () => {
  it('splits an attempt at a mid-attempt price change: each part at its own price', () => {
    // In force from before the start at $0.20, $0.50 from T0+1h, the attempt T0..T0+3h.
    const periods = [
      { fromMs: T0 - 5 * H, usdPerHour: 0.2 },
      { fromMs: T0 + H, usdPerHour: 0.5 },
    ];
    expect(integratePrice(periods, T0, T0 + 3 * H)).toBeCloseTo(1 * 0.2 + 2 * 0.5, 10);
  });

  it('ignores periods after the attempt and before the one in force at its start', () => {
    const periods = [
      { fromMs: T0 - 9 * H, usdPerHour: 9 },
      { fromMs: T0 - H, usdPerHour: 0.3 },
      { fromMs: T0 + 30 * 60_000, usdPerHour: 0.4 },
      { fromMs: T0 + 5 * H, usdPerHour: 7 },
    ];
    const over = periodsOver(periods, T0, T0 + H);
    expect(over.map((p) => p.usdPerHour)).toEqual([0.3, 0.4]);
    expect(integratePrice(over, T0, T0 + H)).toBeCloseTo(0.5 * 0.3 + 0.5 * 0.4, 10);
  });
});
