/**
 * The last lines of `.ci/run`: failed steps, skipped tests, and the final
 * `N passed, N failed` (tests passed; tests failed plus failed steps), from
 * jest's `--json` report. Skipped tests (`it.skip`, `it.todo`, a suite's
 * tests skipped by a filter) pass silently otherwise, so they are counted.
 *
 *   node --import tsx scripts/ci/test-summary.ts <jest.json> <failed steps> [<vitest.json> ...]
 *
 * Further reports (Vitest's json reporter, the web console's component tests,
 * writes the same fields) are added to jest's.
 *
 * Exits 0 when no step and no test failed, 1 otherwise. A missing or
 * unreadable report counts as no tests run.
 */
import { readFileSync } from 'node:fs';
import { isEntryPoint } from '#shared/kernel/entry-point.js';

/** The fields of jest's aggregated result this summary reads. */
export interface JestReport {
  numPassedTests?: number;
  numFailedTests?: number;
  numPendingTests?: number;
  numTodoTests?: number;
  numRuntimeErrorTestSuites?: number;
}

export function testSummary(
  report: JestReport | undefined,
  failedSteps: number,
): { lines: string[]; passed: boolean } {
  const passed = report?.numPassedTests ?? 0;
  const failed = (report?.numFailedTests ?? 0) + (report?.numRuntimeErrorTestSuites ?? 0);
  const pending = report?.numPendingTests ?? 0;
  const todo = report?.numTodoTests ?? 0;
  return {
    lines: [
      `steps failed: ${failedSteps}`,
      `tests skipped: ${pending + todo} (${pending} skipped, ${todo} todo)`,
      `${passed} passed, ${failed + failedSteps} failed`,
    ],
    passed: failed + failedSteps === 0,
  };
}

/** The reports' counts added up (an unreadable report adds nothing). */
export function combineReports(reports: (JestReport | undefined)[]): JestReport | undefined {
  const present = reports.filter((report): report is JestReport => report !== undefined);
  if (present.length === 0) return undefined;
  const sum = (field: keyof JestReport) => present.reduce((total, report) => total + (report[field] ?? 0), 0);
  return {
    numPassedTests: sum('numPassedTests'),
    numFailedTests: sum('numFailedTests'),
    numPendingTests: sum('numPendingTests'),
    numTodoTests: sum('numTodoTests'),
    numRuntimeErrorTestSuites: sum('numRuntimeErrorTestSuites'),
  };
}

function readReport(file: string | undefined): JestReport | undefined {
  if (!file) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as JestReport;
  } catch {
    return undefined;
  }
}

if (isEntryPoint(import.meta.url)) {
  const [file, steps, ...moreFiles] = process.argv.slice(2);
  const report = combineReports([readReport(file), ...moreFiles.map((more) => readReport(more))]);
  const summary = testSummary(report, Number(steps ?? 0) || 0);
  process.stdout.write(`${summary.lines.join('\n')}\n`);
  process.exitCode = summary.passed ? 0 : 1;
}
