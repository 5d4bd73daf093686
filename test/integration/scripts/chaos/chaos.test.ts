/**
 * The chaos suite in a reduced size (`npm run chaos` runs 50 rounds): three
 * rounds of the real local platform killed with SIGKILL, by its fault points
 * or at a random moment, then restarted; every invariant of
 * scripts/chaos/invariants.ts must hold at the end.
 */
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_POINTS, runChaos } from '#scripts/chaos/harness.js';
import { START_FUNCTIONS_ON_FIRST_USE } from '#test/helpers/platform-process.js';

describe('chaos (reduced): the local platform killed and restarted', () => {
  it('three rounds of kills leave every simulation settled, each transition applied and announced once, no job untracked, results counted once', async () => {
    const lines: string[] = [];
    const report = await runChaos({
      rounds: 3,
      simulationsPerRound: 2,
      seed: 12,
      // The points of npm run chaos: after SubmitJob, DynamoDB updates, publishes and results writes.
      points: DEFAULT_POINTS,
      maxRoundSeconds: 8,
      settleSeconds: 600,
      // A results run killed mid-way is taken up again 30 s later rather than
      // npm run chaos's 90 s: the demo's results take seconds to produce.
      resultsLeaseSeconds: 30,
      // Four starts or more: each with only the functions it uses, not 50-odd warmed first.
      platformEnv: START_FUNCTIONS_ON_FIRST_USE,
      log: (line) => lines.push(line),
    });
    // The log rides along so that a failure shows how the rounds went.
    const { violations, apiErrors, startFailures } = report;
    expect({ violations, apiErrors, startFailures, log: lines }).toEqual({
      violations: [],
      apiErrors: [],
      startFailures: [],
      log: lines,
    });
    expect(report.rounds).toHaveLength(3);
    expect(report.figures.simulations).toBeGreaterThan(0);
    // One event per transition, plus the copies at-least-once allows (same eventId, de-duplicated by consumers).
    expect(report.figures.statusEvents).toBe(report.figures.transitions + report.figures.redeliveries);
  }, 1_200_000);
});
