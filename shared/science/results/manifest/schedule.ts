/**
 * HISTORY.rc time spans ("YYYYMMDD hhmmss" or 'End') and calendar arithmetic
 * on them: the months part follows the calendar, the rest is fixed time.
 */

export type Span = { months: number; ms: number } | 'end';

const HOUR_MS = 3_600_000;

/** Parses a HISTORY.rc frequency or duration ("00000000 010000", "00000100 000000", 'End'). */
export function parseSpan(text: string): Span | undefined {
  const value = text
    .trim()
    .replace(/^'(.*)'$/, '$1')
    .trim();
  if (/^end$/i.test(value)) return 'end';
  const match = /^(\d{4})(\d{2})(\d{2})\s+(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (!match) return undefined;
  const [years, months, days, hours, minutes, seconds] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const span = {
    months: years * 12 + months,
    ms: ((days * 24 + hours) * 60 + minutes) * 60_000 + seconds * 1000,
  };
  return span.months === 0 && span.ms === 0 ? undefined : span;
}

export function hours(n: number): Span {
  return { months: 0, ms: n * HOUR_MS };
}

/** `at` plus `count` spans (months by the calendar, in UTC). */
export function addSpan(at: number, span: { months: number; ms: number }, count = 1): number {
  const date = new Date(at);
  const withMonths =
    span.months === 0
      ? at
      : Date.UTC(
          date.getUTCFullYear(),
          date.getUTCMonth() + span.months * count,
          date.getUTCDate(),
          date.getUTCHours(),
          date.getUTCMinutes(),
          date.getUTCSeconds(),
        );
  return withMonths + span.ms * count;
}
