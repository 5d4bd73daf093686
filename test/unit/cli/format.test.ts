/** Pieces of the CLI's output for people: JSON error positions, tables, times, event summaries. */
import { describe, expect, it } from '@jest/globals';
import { locateJsonError } from '#cli/json-locate.js';
import {
  fitParts,
  formatDuration,
  formatTime,
  keyValues,
  makeColors,
  relativeTime,
  stripAnsi,
  table,
} from '#cli/format.js';
import { eventSummary, progressBar, specFacts, watchSummary } from '#cli/views.js';
import { errorFromResponse } from '#cli/api-client.js';
import type { Simulation } from '#schemas/generated/types.js';

const plain = makeColors(false);

describe('locateJsonError', () => {
  it.each([
    ['{"a": 1}', undefined],
    ['[1, 2.5e-3, "x\\u00e9", true, false, null, {}]', undefined],
  ])('finds nothing wrong in valid JSON %s', (text, expected) => {
    expect(locateJsonError(text)).toBe(expected);
  });

  it.each([
    ['', 1, 1, 'empty'],
    ['   \n', 2, 1, 'empty'],
    ['{"a": }', 1, 7, 'expected a value'],
    ['{\n  "a": 1,\n}', 3, 1, 'trailing comma'],
    ['[1, 2,]', 1, 7, 'trailing comma'],
    ["{'a': 1}", 1, 2, 'double quotes'],
    ['{"a": 1 "b": 2}', 1, 9, 'comma may be missing'],
    ['{"a": 1', 1, 8, 'unexpected end'],
    ['{"a": "x', 1, 9, 'unterminated string'],
    ['{"a": tru}', 1, 7, 'not a JSON value'],
    ['{"a": 01}', 1, 8, 'expected "," or "}"'],
    ['{"a": 1}\n{"b": 2}', 2, 1, 'after the end'],
    ['{"a": "\\q"}', 1, 8, 'bad escape'],
  ])('locates the error in %j at line %i, column %i', (text, line, column, words) => {
    const problem = locateJsonError(text);
    expect(problem).toBeDefined();
    expect(problem!.line).toBe(line);
    expect(problem!.column).toBe(column);
    expect(problem!.message).toContain(words);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('puts a caret under the column and windows very long lines', () => {
    const problem = locateJsonError(`{"a": [${'1,'.repeat(500)}]}`)!;
    expect(problem.message).toContain('trailing comma');
    const [src, caret] = problem.excerpt;
    expect(src!.length).toBeLessThan(160);
    expect(src![caret!.indexOf('^')]).toBe(']');
  });
});

describe('table and keyValues', () => {
  it('aligns columns, with no trailing spaces', () => {
    const text = table(
      ['ID', 'NAME'],
      [
        ['a', 'first'],
        ['longer-id', 'x'],
      ],
      plain,
    );
    expect(text).toBe('ID         NAME\na          first\nlonger-id  x\n');
  });

  it('aligns by visible width when cells are coloured', () => {
    const c = makeColors(true);
    const text = table(
      ['S', 'N'],
      [
        [c.red('FAILED'), '1'],
        ['OK', '2'],
      ],
      plain,
    );
    const lines = text.split('\n').map(stripAnsi);
    expect(lines[1]).toBe('FAILED  1');
    expect(lines[2]).toBe('OK      2');
  });

  it('leaves out empty values', () => {
    expect(
      keyValues(
        [
          ['id', 'x'],
          ['progress', undefined],
          ['status', 'RUNNING'],
        ],
        plain,
      ),
    ).toBe('id:      x\nstatus:  RUNNING\n');
  });
});

describe('times', () => {
  it('formats ISO times compactly in UTC', () => {
    expect(formatTime('2024-06-01T14:03:09.123+02:00')).toBe('2024-06-01 12:03Z');
    expect(formatTime('2024-06-01T12:03:09Z', true)).toBe('2024-06-01 12:03:09Z');
    expect(formatTime('yesterday')).toBe('yesterday');
    expect(formatTime(undefined)).toBe('');
  });

  it('says how long ago', () => {
    const now = new Date('2024-06-01T12:00:00Z');
    expect(relativeTime('2024-06-01T11:59:50Z', now)).toBe('10 s ago');
    expect(relativeTime('2024-06-01T11:00:00Z', now)).toBe('1 h ago');
    expect(relativeTime('2024-05-29T12:00:00Z', now)).toBe('3 d ago');
  });
});

describe('eventSummary', () => {
  it('shows a status change as from → to (reason)', () => {
    expect(
      eventSummary({
        'detail-type': 'Simulation Status Changed',
        detail: { from: 'PENDING', to: 'SUBMITTED', reason: 'job queued' },
      }),
    ).toBe('PENDING → SUBMITTED (job queued)');
  });

  it('summarises cost and results, and falls back to the scalar fields of unknown events', () => {
    expect(
      eventSummary({ 'detail-type': 'Simulation Cost Updated', detail: { kind: 'final', amountUsd: 1.5 } }),
    ).toBe('final $1.50');
    expect(
      eventSummary({
        'detail-type': 'Simulation Results Ready',
        detail: { fileCount: 12, totalBytes: 3 * 1024 * 1024 },
      }),
    ).toBe('12 files, 3.0 MB');
    expect(
      eventSummary({
        'detail-type': 'Something New',
        detail: { schemaVersion: '1', simulationId: 's', step: 3, nested: { x: 1 } },
      }),
    ).toBe('step=3');
  });

  it('neutralises terminal control characters from event data', () => {
    const text = eventSummary({
      'detail-type': 'Simulation Status Changed',
      detail: { from: 'RUNNING', to: 'FAILED', reason: 'boom\u001b[2J' },
    });
    expect(text).not.toContain('\u001b');
  });
});

describe('specFacts', () => {
  it('reads type, grid, backend and period from a spec', () => {
    expect(
      specFacts({
        simulation: { type: 'fullchem' },
        grid: { resolution: '4x5' },
        compute: { backend: 'aws-batch' },
        period: { start: '2019-07-01', end: '2019-08-01' },
      }),
    ).toEqual({ type: 'fullchem', grid: '4x5', backend: 'aws-batch', period: '2019-07-01 → 2019-08-01' });
    expect(specFacts(undefined)).toEqual({});
  });
});

describe('errorFromResponse', () => {
  it('maps 401 and 403 to exit 4, other 4xx and 5xx to exit 1', () => {
    expect(errorFromResponse('GET', 'u', 401, { message: 'Unauthorized' }).exitCode).toBe(4);
    expect(errorFromResponse('GET', 'u', 403, { error: { code: 'Forbidden', message: 'no' } }).exitCode).toBe(
      4,
    );
    const limit = errorFromResponse('POST', 'u', 429, {
      error: { code: 'LimitExceeded', message: 'you have 10 active simulations' },
    });
    expect(limit.exitCode).toBe(1);
    expect(limit.message).toBe('you have 10 active simulations (HTTP 429 LimitExceeded)');
    expect(errorFromResponse('GET', 'http://x/y', 500, undefined, 'oops').message).toContain(
      'from GET http://x/y',
    );
  });
});

describe('watch output pieces', () => {
  it.each([
    [0, '0s'],
    [-5_000, '0s'],
    [42_999, '42s'],
    [72_000, '1m12s'],
    [3_600_000 + 3 * 60_000, '1h03m'],
    [3 * 86_400_000 + 4 * 3_600_000, '3d04h'],
  ])('formatDuration(%d) is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([
    [42, '[########------------]  42.0%'],
    [0, '[--------------------]  0.0%'],
    [99.9, '[###################-]  99.9%'],
    [100, '[####################]  100.0%'],
    [130, '[####################]  100.0%'],
  ])('progressBar(%d) is %s', (percent, text) => {
    expect(progressBar(percent)).toBe(text);
  });

  it('fitParts drops the least important parts first, never the first, and cuts what still does not fit', () => {
    const parts = [
      'RUNNING',
      { text: 'bar', keep: 3 },
      { text: 'simulated x', keep: 0 },
      { text: 'elapsed 5s', keep: 2 },
    ];
    expect(fitParts(parts, 80)).toBe('RUNNING  bar  simulated x  elapsed 5s');
    expect(fitParts(parts, 30)).toBe('RUNNING  bar  elapsed 5s');
    expect(fitParts(parts, 15)).toBe('RUNNING  bar');
    expect(fitParts(parts, 5)).toBe('RUNN…');
    const colors = makeColors(true);
    expect(stripAnsi(fitParts([colors.cyan('RUNNING'), colors.dim('elapsed 5s')], 12))).toBe('RUNNING');
  });

  it('watchSummary names the outcome, how long it took, the reason and the exit code, from a partial answer', () => {
    // Fewer fields than a Simulation has: the views tolerate what an API leaves out.
    const watchSummaryOf = (sim: object) => watchSummary(sim as Simulation, plain);
    const base = {
      id: 'sim_1',
      createdAt: '2024-06-01T12:00:00Z',
      history: [{ at: '2024-06-01T12:00:00Z', from: null, to: 'PENDING' }],
    };
    expect(
      watchSummaryOf({
        ...base,
        status: 'FAILED',
        updatedAt: '2024-06-01T14:05:00Z',
        job: { statusReason: 'OutOfMemoryError: Container killed', exitCode: 137, startedAt: 'x' },
      }),
    ).toBe(
      'sim_1 FAILED after 2h05m: OutOfMemoryError: Container killed (exit code 137)\n  see its log: gcr logs sim_1\n',
    );
    expect(watchSummaryOf({ ...base, status: 'CANCELLED' })).toBe('sim_1 CANCELLED: no reason recorded\n');
  });
});
