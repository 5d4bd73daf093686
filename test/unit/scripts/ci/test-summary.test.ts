/** Finding ".ci/run doesn't report skipped tests" (issue 12): its last lines now count them. */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { combineReports, testSummary } from '#scripts/ci/test-summary.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

const report = {
  numPassedTests: 40,
  numFailedTests: 1,
  numPendingTests: 3,
  numTodoTests: 2,
  numRuntimeErrorTestSuites: 1,
};

describe(".ci/run doesn't report skipped tests", () => {
  it('counts skipped and todo tests on the line before the final "N passed, N failed"', () => {
    expect(testSummary(report, 1)).toEqual({
      lines: ['steps failed: 1', 'tests skipped: 5 (3 skipped, 2 todo)', '40 passed, 3 failed'],
      passed: false,
    });
    expect(testSummary({ numPassedTests: 7, numPendingTests: 1 }, 0)).toEqual({
      lines: ['steps failed: 0', 'tests skipped: 1 (1 skipped, 0 todo)', '7 passed, 0 failed'],
      passed: true,
    });
  });

  it('reads no report as no tests run, so a failed test step still fails', () => {
    expect(testSummary(undefined, 2)).toEqual({
      lines: ['steps failed: 2', 'tests skipped: 0 (0 skipped, 0 todo)', '0 passed, 2 failed'],
      passed: false,
    });
  });

  it('is what .ci/run prints last: the script on a jest report, exit status 1 on failures', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gcr-ci-summary-'));
    const file = path.join(dir, 'jest.json');
    writeFileSync(file, JSON.stringify(report));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/ci/test-summary.ts', file, '0'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.stdout.trimEnd().split('\n').slice(-2)).toEqual([
      'tests skipped: 5 (3 skipped, 2 todo)',
      '40 passed, 2 failed',
    ]);
    expect(run.status).toBe(1);
    expect(readFileSync(path.join(root, '.ci/run'), 'utf8')).toContain(
      'node --import tsx scripts/ci/test-summary.ts "$results_dir/jest.json" "$failed_steps"',
    );
  });

  it("adds the web console's Vitest report to jest's, and a missing one adds nothing", () => {
    const vitest = { numPassedTests: 12, numFailedTests: 1, numPendingTests: 0, numTodoTests: 0 };
    expect(testSummary(combineReports([report, vitest, undefined]), 0).lines.at(-1)).toBe(
      '52 passed, 3 failed',
    );
    expect(combineReports([undefined, undefined])).toBeUndefined();
  });
});
