import { describe, expect, it } from '@jest/globals';
import { makeColors } from '#cli/format.js';
import { simulationBlock } from '#cli/views.js';
import { aSimulation } from '#test/helpers/simulations.js';

describe('gcr status: the simulation block', () => {
  it("shows the run's cost in one line: final, or accrued so far against its maxCostUsd, and where to see it itemised", () => {
    const now = new Date('2026-12-07T12:00:00Z');
    const cost = { simulationVersion: 5, updatedAt: now.toISOString() };
    const final = aSimulation({
      id: 'sim_costline00000000000000001',
      status: 'SUCCEEDED',
      cost: { ...cost, kind: 'final', totalUsd: 1.2345 },
    });
    expect(simulationBlock(final, makeColors(false), now)).toMatch(
      /^cost: +\$1\.23 \(gcr cost sim_costline00000000000000001\)$/m,
    );
    const running = aSimulation({
      id: 'sim_costline00000000000000002',
      status: 'RUNNING',
      cost: { ...cost, kind: 'accrued', totalUsd: 0.456, maxCostUsd: 2 },
    });
    expect(simulationBlock(running, makeColors(false), now)).toMatch(/^cost: +\$0\.46 so far \(max \$2\) /m);
    // before the tracker priced it, no line
    expect(simulationBlock(aSimulation({}), makeColors(false), now)).not.toMatch(/^cost:/m);
  });
});
