import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { CronExpressionParser } from 'cron-parser';
import { ScheduleError, parseScheduleExpression, startSchedule, type Schedule } from '#local/schedule.js';

const at = (iso: string): Date => new Date(iso);
const iso = (d: Date): string => d.toISOString().replace('.000Z', 'Z');

function occurrences(s: Schedule, fromIso: string, n: number): string[] {
  const out: string[] = [];
  let t = at(fromIso);
  for (let i = 0; i < n; i++) {
    t = s.next(t);
    out.push(iso(t));
  }
  return out;
}

describe('parseScheduleExpression: rate', () => {
  it.each([
    ['rate(1 minute)', 60],
    ['rate(5 minutes)', 300],
    ['rate(1 hour)', 3600],
    ['rate(2 days)', 172_800],
  ])('%s has a period of %i seconds', (expr, seconds) => {
    const s = parseScheduleExpression(expr);
    expect(s.kind).toBe('rate');
    expect(s.kind === 'rate' && s.periodSeconds).toBe(seconds);
  });

  it('counts from the epoch by default, so rates fall on round times', () => {
    expect(occurrences(parseScheduleExpression('rate(5 minutes)'), '2025-01-01T12:03:30Z', 3)).toEqual([
      '2025-01-01T12:05:00Z',
      '2025-01-01T12:10:00Z',
      '2025-01-01T12:15:00Z',
    ]);
    expect(iso(parseScheduleExpression('rate(1 hour)').next(at('2025-01-01T12:00:00Z')))).toBe(
      '2025-01-01T13:00:00Z',
    );
  });

  it('counts from the given anchor', () => {
    const s = parseScheduleExpression('rate(2 days)', { rateAnchor: at('2025-01-01T08:30:00Z') });
    expect(occurrences(s, '2025-01-01T08:30:00Z', 2)).toEqual([
      '2025-01-03T08:30:00Z',
      '2025-01-05T08:30:00Z',
    ]);
  });

  it.each([
    ['rate(1 minutes)', /must be singular when the value is 1: rate\(1 minute\)/],
    ['rate(5 minute)', /must be plural when the value is not 1: rate\(5 minutes\)/],
    ['rate(2 hour)', /must be plural/],
    ['rate(0 minutes)', /positive integer/],
    ['rate(-1 minutes)', /not a whole number/],
    ['rate(1.5 hours)', /not a whole number/],
    ['rate(1 week)', /unit "week" is not one of minute\(s\), hour\(s\), day\(s\)/],
    ['rate(5)', /expected rate\(value unit\)/],
    ['rate()', /expected rate\(value unit\)/],
    ['every 5 minutes', /expected rate\(value unit\) or cron\(/],
    ['at(2025-01-01T00:00:00)', /expected rate\(value unit\) or cron\(/],
  ])('refuses %s', (expr, message) => {
    expect(() => parseScheduleExpression(expr)).toThrow(ScheduleError);
    expect(() => parseScheduleExpression(expr)).toThrow(message);
  });
});

describe('parseScheduleExpression: cron (UTC, AWS fields)', () => {
  it('cron(0/5 * * * ? *) fires every five minutes, strictly after the given time', () => {
    const s = parseScheduleExpression('cron(0/5 * * * ? *)');
    expect(occurrences(s, '2025-01-01T12:03:30Z', 2)).toEqual([
      '2025-01-01T12:05:00Z',
      '2025-01-01T12:10:00Z',
    ]);
    expect(iso(s.next(at('2025-01-01T12:05:00Z')))).toBe('2025-01-01T12:10:00Z');
    expect(iso(s.next(at('2025-01-01T23:57:00Z')))).toBe('2025-01-02T00:00:00Z');
  });

  it('cron(15 10 * * ? *) with "?" day-of-week fires daily', () => {
    const s = parseScheduleExpression('cron(15 10 * * ? *)');
    expect(occurrences(s, '2025-01-01T10:15:00Z', 2)).toEqual([
      '2025-01-02T10:15:00Z',
      '2025-01-03T10:15:00Z',
    ]);
  });

  it('cron(0 12 ? * MON-FRI *) skips the weekend (1 January 2025 is a Wednesday)', () => {
    const s = parseScheduleExpression('cron(0 12 ? * MON-FRI *)');
    expect(occurrences(s, '2025-01-02T13:00:00Z', 3)).toEqual([
      '2025-01-03T12:00:00Z', // Friday
      '2025-01-06T12:00:00Z', // Monday
      '2025-01-07T12:00:00Z',
    ]);
    // Day-of-week numbers start at 1 = Sunday, so MON-FRI is 2-6; names are case-insensitive.
    for (const same of ['cron(0 12 ? * 2-6 *)', 'cron(0 12 ? * mon-fri *)']) {
      expect(occurrences(parseScheduleExpression(same), '2025-01-01T00:00:00Z', 40)).toEqual(
        occurrences(s, '2025-01-01T00:00:00Z', 40),
      );
    }
  });

  it('supports L, LW and W in day-of-month', () => {
    expect(occurrences(parseScheduleExpression('cron(0 0 L * ? *)'), '2024-02-01T00:00:00Z', 2)).toEqual([
      '2024-02-29T00:00:00Z',
      '2024-03-31T00:00:00Z',
    ]);
    // 31 May 2025 is a Saturday: the last weekday is Friday the 30th.
    expect(iso(parseScheduleExpression('cron(0 9 LW * ? *)').next(at('2025-05-01T00:00:00Z')))).toBe(
      '2025-05-30T09:00:00Z',
    );
    const w15 = parseScheduleExpression('cron(0 9 15W * ? *)');
    expect(iso(w15.next(at('2025-02-01T00:00:00Z')))).toBe('2025-02-14T09:00:00Z'); // Sat 15 → Fri 14
    expect(iso(w15.next(at('2025-06-01T00:00:00Z')))).toBe('2025-06-16T09:00:00Z'); // Sun 15 → Mon 16
    // 1 November 2025 is a Saturday: W does not cross into October, so Monday the 3rd.
    expect(iso(parseScheduleExpression('cron(0 9 1W * ? *)').next(at('2025-10-15T00:00:00Z')))).toBe(
      '2025-11-03T09:00:00Z',
    );
  });

  it('supports L and # in day-of-week', () => {
    expect(occurrences(parseScheduleExpression('cron(0 9 ? * 6L *)'), '2025-01-01T00:00:00Z', 2)).toEqual([
      '2025-01-31T09:00:00Z', // last Friday of January
      '2025-02-28T09:00:00Z',
    ]);
    expect(occurrences(parseScheduleExpression('cron(0 9 ? * 3#2 *)'), '2025-01-01T00:00:00Z', 2)).toEqual([
      '2025-01-14T09:00:00Z', // second Tuesday
      '2025-02-11T09:00:00Z',
    ]);
    expect(iso(parseScheduleExpression('cron(0 9 ? * L *)').next(at('2025-01-01T00:00:00Z')))).toBe(
      '2025-01-04T09:00:00Z', // L alone is Saturday
    );
  });

  it('supports the year field, lists, steps and wrapping ranges', () => {
    expect(iso(parseScheduleExpression('cron(0 0 1 1 ? 2030)').next(at('2025-06-01T00:00:00Z')))).toBe(
      '2030-01-01T00:00:00Z',
    );
    expect(occurrences(parseScheduleExpression('cron(0 22-1 * * ? *)'), '2025-01-01T02:30:00Z', 4)).toEqual([
      '2025-01-01T22:00:00Z',
      '2025-01-01T23:00:00Z',
      '2025-01-02T00:00:00Z',
      '2025-01-02T01:00:00Z',
    ]);
    expect(
      occurrences(parseScheduleExpression('cron(0 0 ? * FRI-MON *)'), '2025-01-01T00:00:00Z', 5),
    ).toEqual([
      '2025-01-03T00:00:00Z',
      '2025-01-04T00:00:00Z',
      '2025-01-05T00:00:00Z',
      '2025-01-06T00:00:00Z',
      '2025-01-10T00:00:00Z',
    ]);
    expect(
      occurrences(parseScheduleExpression('cron(10,40 6 1,15 JAN,JUL ? *)'), '2025-01-01T00:00:00Z', 5),
    ).toEqual([
      '2025-01-01T06:10:00Z',
      '2025-01-01T06:40:00Z',
      '2025-01-15T06:10:00Z',
      '2025-01-15T06:40:00Z',
      '2025-07-01T06:10:00Z',
    ]);
  });

  it('throws when a cron schedule has no further occurrence', () => {
    const s = parseScheduleExpression('cron(0 0 1 1 ? 2030)');
    expect(() => s.next(at('2030-01-01T00:00:00Z'))).toThrow(/has no occurrence after 2030-01-01/);
  });

  it.each([
    ['cron(*/7 3-5,20 * * ? *)', '*/7 3-5,20 * * *'],
    ['cron(0 12 ? * MON-FRI *)', '0 12 * * MON-FRI'],
    ['cron(30 1 1,15 */2 ? *)', '30 1 1,15 */2 *'],
    ['cron(5-50/15 */6 * * ? *)', '5-50/15 */6 * * *'],
  ])('%s agrees with cron-parser on 300 occurrences', (aws, unix) => {
    const ours = occurrences(parseScheduleExpression(aws), '2024-12-30T17:41:12Z', 300);
    const it = CronExpressionParser.parse(unix, { currentDate: new Date('2024-12-30T17:41:12Z'), tz: 'UTC' });
    const theirs = it.take(300).map((d) => iso(d.toDate()));
    expect(ours).toEqual(theirs);
  });

  it.each([
    ['cron(0 12 * * *)', /expected 6 fields \(minutes hours day-of-month month day-of-week year\), got 5/],
    ['cron(0 12 * * * *)', /one of day-of-month and day-of-week must be "\?"/],
    ['cron(0 12 ? * ? *)', /cannot both be "\?"/],
    ['cron(60 * * * ? *)', /minutes field "60": 60 is out of range 0-59/],
    ['cron(0 24 * * ? *)', /hours field "24": 24 is out of range 0-23/],
    ['cron(0 12 ? * 8 *)', /day-of-week field "8": 8 is out of range 1-7/],
    ['cron(0 12 ? * FOO *)', /"FOO" is not a number or a name \(SUN-SAT\)/],
    ['cron(0 12 ? * MON/2 *)', /"\/" is not allowed in day-of-week/],
    ['cron(0 12 ? * 2W *)', /W is only allowed in day-of-month/],
    ['cron(0 12 ? * 2#6 *)', /use day#n with n from 1 to 5/],
    ['cron(0 12 5L * ? *)', /use L \(last day\), LW \(last weekday\) or nW/],
    ['cron(0/0 * * * ? *)', /step "0" in "0\/0" must be a positive integer/],
    ['cron(0 0 30 2 ? *)', /never matches a date/],
    ['cron(0 0 1 1 ? 1969)', /year field "1969": 1969 is out of range 1970-2199/],
    ['cron(0 0 1 1 ? 2030-2020)', /range 2030-2020 goes backwards/],
    ['cron(0 ? * * * *)', /"\?" is only allowed in day-of-month or day-of-week/],
  ])('refuses %s and says why', (expr, message) => {
    expect(() => parseScheduleExpression(expr)).toThrow(ScheduleError);
    expect(() => parseScheduleExpression(expr)).toThrow(message);
  });
});

describe('startSchedule', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('fires a rate schedule every period, counted from its start, with the scheduled time', async () => {
    jest.useFakeTimers({ now: new Date('2025-01-01T12:00:20Z') });
    const fired: string[] = [];
    const h = startSchedule('rate(1 minute)', (t) => void fired.push(iso(t)));
    expect(iso(h.nextFireAt!)).toBe('2025-01-01T12:01:20Z');
    await jest.advanceTimersByTimeAsync(3 * 60_000);
    expect(fired).toEqual(['2025-01-01T12:01:20Z', '2025-01-01T12:02:20Z', '2025-01-01T12:03:20Z']);
    h.stop();
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(fired).toHaveLength(3);
    expect(h.nextFireAt).toBeUndefined();
  });

  it('fires a cron schedule on its UTC times', async () => {
    jest.useFakeTimers({ now: new Date('2025-01-03T11:59:00Z') }); // a Friday
    const fired: string[] = [];
    const h = startSchedule('cron(0 12 ? * MON-FRI *)', (t) => void fired.push(iso(t)));
    await jest.advanceTimersByTimeAsync(4 * 86_400_000);
    h.stop();
    expect(fired).toEqual(['2025-01-03T12:00:00Z', '2025-01-06T12:00:00Z']);
  });

  it('keeps firing when the function throws or rejects, reporting each error', async () => {
    jest.useFakeTimers({ now: new Date('2025-01-01T00:00:00Z') });
    const errors: unknown[] = [];
    let calls = 0;
    const h = startSchedule(
      'rate(1 minute)',
      async () => {
        calls++;
        if (calls % 2 === 1) throw new Error(`async failure ${calls}`);
      },
      { onError: (e) => errors.push(e) },
    );
    const h2 = startSchedule(
      'rate(1 minute)',
      () => {
        throw new Error('sync failure');
      },
      { onError: (e) => errors.push(e) },
    );
    await jest.advanceTimersByTimeAsync(4 * 60_000);
    h.stop();
    h2.stop();
    expect(calls).toBe(4);
    expect(errors.map((e) => (e as Error).message).sort()).toEqual([
      'async failure 1',
      'async failure 3',
      'sync failure',
      'sync failure',
      'sync failure',
      'sync failure',
    ]);
  });

  it('rateOverrideSeconds replaces the period of a rate expression', async () => {
    jest.useFakeTimers({ now: new Date('2025-01-01T00:00:00Z') });
    let calls = 0;
    const h = startSchedule('rate(1 hour)', () => void calls++, { rateOverrideSeconds: 2 });
    await jest.advanceTimersByTimeAsync(10_000);
    h.stop();
    expect(calls).toBe(5);
  });

  it('does not replay occurrences missed while the clock jumped; it fires once and moves on', async () => {
    let now = Date.parse('2025-01-01T00:00:00Z');
    jest.useFakeTimers({ now });
    const fired: string[] = [];
    const h = startSchedule('cron(* * * * ? *)', (t) => void fired.push(iso(t)), { now: () => now });
    now += 10 * 60_000; // the machine slept for ten minutes
    await jest.advanceTimersByTimeAsync(60_000);
    expect(fired).toEqual(['2025-01-01T00:01:00Z']);
    expect(iso(h.nextFireAt!)).toBe('2025-01-01T00:11:00Z');
    h.stop();
  });

  it('refuses an invalid expression at start', () => {
    expect(() => startSchedule('rate(1 minutes)', () => {})).toThrow(ScheduleError);
  });
});
