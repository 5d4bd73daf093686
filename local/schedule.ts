/**
 * EventBridge schedule expressions (the values of a serverless `schedule:`
 * event) and a timer that fires on them.
 *
 * rate(value unit): value a positive integer; unit minute | minutes | hour |
 *   hours | day | days, singular exactly when value is 1 (EventBridge rejects
 *   `rate(1 minutes)` and `rate(5 minute)`). A rate counts from an anchor: for
 *   `startSchedule` the moment it starts (EventBridge counts from the rule's
 *   creation), for `parseScheduleExpression` `opts.rateAnchor` (default the
 *   Unix epoch, so rate(1 hour) falls on the hour).
 *
 * cron(minutes hours day-of-month month day-of-week year), always in UTC:
 *   minutes 0-59          , - * /
 *   hours 0-23            , - * /
 *   day-of-month 1-31     , - * ? / L W   (L last day, LW last weekday, 15W weekday nearest the 15th)
 *   month 1-12 or JAN-DEC , - * /
 *   day-of-week 1-7 or SUN-SAT (1 = Sunday), , - * ? L #   (L = Saturday, 6L last Friday, 3#2 second Tuesday)
 *   year 1970-2199        , - * /
 * Exactly one of day-of-month and day-of-week must be `?`. `a/n` and `*\/n`
 * step from a (or the field's first value); a range may wrap (FRI-MON, 22-2).
 * Evaluated by this module (not cron-parser, which lacks W, the year field and
 * AWS's 1-based day-of-week numbering).
 */

export type ScheduleUnit = 'minute' | 'hour' | 'day';

export interface RateSchedule {
  readonly kind: 'rate';
  readonly expression: string;
  readonly value: number;
  readonly unit: ScheduleUnit;
  readonly periodSeconds: number;
  /** First occurrence strictly after `after`: anchor + k × period. */
  next(after: Date): Date;
}

export interface CronSchedule {
  readonly kind: 'cron';
  readonly expression: string;
  /** First matching minute strictly after `after`; throws ScheduleError if there is none before 2200. */
  next(after: Date): Date;
}

export type Schedule = RateSchedule | CronSchedule;

export class ScheduleError extends Error {
  constructor(
    readonly expression: string,
    message: string,
  ) {
    super(message);
    this.name = 'ScheduleError';
  }
}

const UNIT_SECONDS: Record<ScheduleUnit, number> = { minute: 60, hour: 3600, day: 86_400 };

export interface ParseScheduleOptions {
  /** Anchor of a rate schedule; default the Unix epoch. */
  rateAnchor?: Date;
  /** Replaces the period of a rate schedule (seconds, may be fractional); cron is unaffected. */
  rateOverrideSeconds?: number;
}

export function parseScheduleExpression(expr: string, opts: ParseScheduleOptions = {}): Schedule {
  if (typeof expr !== 'string') {
    throw new ScheduleError(String(expr), `schedule expression must be a string, got ${typeof expr}`);
  }
  const text = expr.trim();
  const m = /^(rate|cron)\s*\((.*)\)$/s.exec(text);
  if (!m) {
    throw new ScheduleError(
      expr,
      `invalid schedule expression ${JSON.stringify(expr)}: expected rate(value unit) or cron(minutes hours day-of-month month day-of-week year)`,
    );
  }
  return m[1] === 'rate' ? parseRate(expr, m[2] as string, opts) : parseCron(expr, m[2] as string);
}

// ---- rate ------------------------------------------------------------------

function parseRate(expr: string, inner: string, opts: ParseScheduleOptions): RateSchedule {
  const parts = inner.trim().split(/\s+/);
  const bad = (why: string): ScheduleError =>
    new ScheduleError(expr, `invalid rate expression ${JSON.stringify(expr)}: ${why}`);
  if (parts.length !== 2 || parts[0] === '') {
    throw bad('expected rate(value unit), e.g. rate(5 minutes)');
  }
  const [valueText, unitText] = parts as [string, string];
  if (!/^\d+$/.test(valueText)) throw bad(`value ${JSON.stringify(valueText)} is not a whole number`);
  const value = Number(valueText);
  if (value < 1 || !Number.isSafeInteger(value)) throw bad('value must be a positive integer');
  const unitLower = unitText.toLowerCase();
  const singular = unitLower.replace(/s$/, '') as ScheduleUnit;
  if (!(singular in UNIT_SECONDS)) {
    throw bad(`unit ${JSON.stringify(unitText)} is not one of minute(s), hour(s), day(s)`);
  }
  const plural = unitLower.endsWith('s');
  if (value === 1 && plural) throw bad(`the unit must be singular when the value is 1: rate(1 ${singular})`);
  if (value !== 1 && !plural) {
    throw bad(`the unit must be plural when the value is not 1: rate(${value} ${singular}s)`);
  }
  let periodSeconds = value * UNIT_SECONDS[singular];
  if (opts.rateOverrideSeconds !== undefined) {
    if (!Number.isFinite(opts.rateOverrideSeconds) || opts.rateOverrideSeconds <= 0) {
      throw new ScheduleError(
        expr,
        `rateOverrideSeconds must be a positive number, got ${opts.rateOverrideSeconds}`,
      );
    }
    periodSeconds = opts.rateOverrideSeconds;
  }
  const periodMs = periodSeconds * 1000;
  const anchor = opts.rateAnchor?.getTime() ?? 0;
  return {
    kind: 'rate',
    expression: expr,
    value,
    unit: singular,
    periodSeconds,
    next(after: Date): Date {
      const k = Math.floor((after.getTime() - anchor) / periodMs) + 1;
      return new Date(anchor + k * periodMs);
    },
  };
}

// ---- cron ------------------------------------------------------------------

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MIN_YEAR = 1970;
const MAX_YEAR = 2199;

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Ranges may wrap around (e.g. FRI-MON). */
  cyclic: boolean;
  /** `/` is allowed. */
  step: boolean;
}

const FIELDS = {
  minutes: { name: 'minutes', min: 0, max: 59, cyclic: true, step: true },
  hours: { name: 'hours', min: 0, max: 23, cyclic: true, step: true },
  dayOfMonth: { name: 'day-of-month', min: 1, max: 31, cyclic: true, step: true },
  month: { name: 'month', min: 1, max: 12, names: MONTHS, cyclic: true, step: true },
  dayOfWeek: { name: 'day-of-week', min: 1, max: 7, names: DAYS, cyclic: true, step: false },
  year: { name: 'year', min: MIN_YEAR, max: MAX_YEAR, cyclic: false, step: true },
} satisfies Record<string, FieldSpec>;

interface DayOfMonthRule {
  values: Set<number>;
  last: boolean;
  lastWeekday: boolean;
  nearestWeekday: number[];
}

interface DayOfWeekRule {
  /** AWS numbering, 1 = Sunday. */
  values: Set<number>;
  /** Last such weekday of the month (`6L`). */
  lastOf: number[];
  /** [weekday, n]: nth such weekday of the month (`3#2`). */
  nth: Array<[number, number]>;
}

class CronFieldError extends Error {}

function parseValue(spec: FieldSpec, text: string): number {
  const upper = text.toUpperCase();
  if (spec.names) {
    const i = spec.names.indexOf(upper);
    if (i >= 0) return i + spec.min;
  }
  if (!/^\d+$/.test(text)) {
    throw new CronFieldError(
      `${JSON.stringify(text)} is not a number${spec.names ? ` or a name (${spec.names[0]}-${spec.names[spec.names.length - 1]})` : ''}`,
    );
  }
  const v = Number(text);
  if (v < spec.min || v > spec.max) {
    throw new CronFieldError(`${v} is out of range ${spec.min}-${spec.max}`);
  }
  return v;
}

/** Expands `*`, `a`, `a-b`, `* /n`, `a/n`, `a-b/n` into `into`. */
function addItem(spec: FieldSpec, item: string, into: Set<number>): void {
  let base = item;
  let step = 1;
  const slash = item.indexOf('/');
  if (slash >= 0) {
    if (!spec.step) throw new CronFieldError(`"/" is not allowed in ${spec.name}`);
    base = item.slice(0, slash);
    const stepText = item.slice(slash + 1);
    if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
      throw new CronFieldError(
        `step ${JSON.stringify(stepText)} in ${JSON.stringify(item)} must be a positive integer`,
      );
    }
    step = Number(stepText);
    if (base === '') throw new CronFieldError(`${JSON.stringify(item)} needs a start before "/"`);
  }
  let start: number;
  let end: number;
  if (base === '*') {
    start = spec.min;
    end = spec.max;
  } else if (base.includes('-')) {
    const [a, b, ...rest] = base.split('-');
    if (rest.length > 0 || !a || !b) throw new CronFieldError(`${JSON.stringify(base)} is not a range a-b`);
    start = parseValue(spec, a);
    end = parseValue(spec, b);
    if (start > end && !spec.cyclic) throw new CronFieldError(`range ${base} goes backwards`);
  } else {
    start = parseValue(spec, base);
    // `a/n` runs from a to the end of the field; a plain value is just itself.
    end = slash >= 0 ? spec.max : start;
  }
  const span = spec.max - spec.min + 1;
  const count = start <= end ? end - start + 1 : end + span - start + 1;
  for (let k = 0; k < count; k += step) {
    into.add(((start - spec.min + k) % span) + spec.min);
  }
}

function parseSimpleField(spec: FieldSpec, text: string): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') throw new CronFieldError('empty list item');
    if (item === '?') throw new CronFieldError(`"?" is only allowed in day-of-month or day-of-week`);
    addItem(spec, item, values);
  }
  return values;
}

function parseDayOfMonth(text: string): DayOfMonthRule {
  const spec = FIELDS.dayOfMonth;
  const rule: DayOfMonthRule = { values: new Set(), last: false, lastWeekday: false, nearestWeekday: [] };
  for (const item of text.split(',')) {
    const upper = item.toUpperCase();
    if (item === '') throw new CronFieldError('empty list item');
    if (upper === 'L') rule.last = true;
    else if (upper === 'LW') rule.lastWeekday = true;
    else if (/^\d+W$/.test(upper)) rule.nearestWeekday.push(parseValue(spec, upper.slice(0, -1)));
    else if (/[LW#]/.test(upper)) {
      throw new CronFieldError(
        `${JSON.stringify(item)}: use L (last day), LW (last weekday) or nW (weekday nearest day n) in day-of-month`,
      );
    } else addItem(spec, item, rule.values);
  }
  return rule;
}

function parseDayOfWeek(text: string): DayOfWeekRule {
  const spec = FIELDS.dayOfWeek;
  const rule: DayOfWeekRule = { values: new Set(), lastOf: [], nth: [] };
  for (const item of text.split(',')) {
    const upper = item.toUpperCase();
    if (item === '') throw new CronFieldError('empty list item');
    if (upper === 'L') rule.values.add(7);
    else if (upper.endsWith('L')) rule.lastOf.push(parseValue(spec, upper.slice(0, -1)));
    else if (upper.includes('#')) {
      const [d, n, ...rest] = upper.split('#');
      if (rest.length > 0 || !d || !n || !/^[1-5]$/.test(n)) {
        throw new CronFieldError(
          `${JSON.stringify(item)}: use day#n with n from 1 to 5, e.g. 3#2 (second Tuesday)`,
        );
      }
      rule.nth.push([parseValue(spec, d), Number(n)]);
    } else if (upper.includes('W')) {
      throw new CronFieldError(`${JSON.stringify(item)}: W is only allowed in day-of-month`);
    } else addItem(spec, item, rule.values);
  }
  return rule;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1 = Sunday … 7 = Saturday. */
function awsWeekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

function nearestWeekday(year: number, month: number, target: number): number | undefined {
  const dim = daysInMonth(year, month);
  if (target > dim) return undefined;
  const wd = awsWeekday(year, month, target);
  if (wd === 7) return target === 1 ? 3 : target - 1; // Saturday → Friday, or Monday the 3rd
  if (wd === 1) return target === dim ? target - 2 : target + 1; // Sunday → Monday, or Friday
  return target;
}

function lastWeekdayOfMonth(year: number, month: number): number {
  const dim = daysInMonth(year, month);
  const wd = awsWeekday(year, month, dim);
  return wd === 7 ? dim - 1 : wd === 1 ? dim - 2 : dim;
}

function parseCron(expr: string, inner: string): CronSchedule {
  const parts = inner.trim().split(/\s+/);
  const bad = (why: string): ScheduleError =>
    new ScheduleError(expr, `invalid cron expression ${JSON.stringify(expr)}: ${why}`);
  if (parts.length !== 6 || parts[0] === '') {
    throw bad(
      `expected 6 fields (minutes hours day-of-month month day-of-week year), got ${parts[0] === '' ? 0 : parts.length}`,
    );
  }
  const [minText, hourText, domText, monText, dowText, yearText] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const field = <T>(spec: FieldSpec, text: string, parse: () => T): T => {
    try {
      return parse();
    } catch (err) {
      if (err instanceof CronFieldError)
        throw bad(`${spec.name} field ${JSON.stringify(text)}: ${err.message}`);
      throw err;
    }
  };
  const minutes = field(FIELDS.minutes, minText, () => parseSimpleField(FIELDS.minutes, minText));
  const hours = field(FIELDS.hours, hourText, () => parseSimpleField(FIELDS.hours, hourText));
  const months = field(FIELDS.month, monText, () => parseSimpleField(FIELDS.month, monText));
  const years = field(FIELDS.year, yearText, () => parseSimpleField(FIELDS.year, yearText));
  const domAny = domText === '?';
  const dowAny = dowText === '?';
  if (domAny === dowAny) {
    throw bad(
      domAny
        ? 'day-of-month and day-of-week cannot both be "?": give one of them a value or *'
        : 'one of day-of-month and day-of-week must be "?" (e.g. cron(0 12 * * ? *) or cron(0 12 ? * MON-FRI *))',
    );
  }
  const dom = domAny ? undefined : field(FIELDS.dayOfMonth, domText, () => parseDayOfMonth(domText));
  const dow = dowAny ? undefined : field(FIELDS.dayOfWeek, dowText, () => parseDayOfWeek(dowText));

  const dayMatches = (y: number, m: number, d: number): boolean => {
    if (dom) {
      if (dom.values.has(d)) return true;
      const dim = daysInMonth(y, m);
      if (dom.last && d === dim) return true;
      if (dom.lastWeekday && d === lastWeekdayOfMonth(y, m)) return true;
      return dom.nearestWeekday.some((n) => nearestWeekday(y, m, n) === d);
    }
    const w = dow as DayOfWeekRule;
    const wd = awsWeekday(y, m, d);
    if (w.values.has(wd)) return true;
    if (w.lastOf.includes(wd) && d + 7 > daysInMonth(y, m)) return true;
    return w.nth.some(([day, n]) => day === wd && Math.ceil(d / 7) === n);
  };

  const sortedMinutes = [...minutes].sort((a, b) => a - b);
  const sortedHours = [...hours].sort((a, b) => a - b);

  const nextAfter = (after: number): number | undefined => {
    // Start at the first whole minute strictly after `after`.
    const start = new Date(Math.floor(after / 60_000) * 60_000 + 60_000);
    const sy = start.getUTCFullYear();
    const sm = start.getUTCMonth() + 1;
    const sd = start.getUTCDate();
    const sh = start.getUTCHours();
    const smin = start.getUTCMinutes();
    for (let y = Math.max(sy, MIN_YEAR); y <= MAX_YEAR; y++) {
      if (!years.has(y)) continue;
      const firstYear = y === sy;
      for (let m = firstYear ? sm : 1; m <= 12; m++) {
        if (!months.has(m)) continue;
        const firstMonth = firstYear && m === sm;
        const dim = daysInMonth(y, m);
        for (let d = firstMonth ? sd : 1; d <= dim; d++) {
          if (!dayMatches(y, m, d)) continue;
          const firstDay = firstMonth && d === sd;
          for (const h of sortedHours) {
            if (firstDay && h < sh) continue;
            const firstHour = firstDay && h === sh;
            for (const mi of sortedMinutes) {
              if (firstHour && mi < smin) continue;
              return Date.UTC(y, m - 1, d, h, mi);
            }
          }
        }
      }
    }
    return undefined;
  };

  if (nextAfter(Date.UTC(MIN_YEAR, 0, 1) - 60_000) === undefined) {
    throw bad('it never matches a date (check day-of-month against month, e.g. 30 February)');
  }

  return {
    kind: 'cron',
    expression: expr,
    next(after: Date): Date {
      const t = nextAfter(after.getTime());
      if (t === undefined) {
        throw new ScheduleError(
          expr,
          `cron expression ${JSON.stringify(expr)} has no occurrence after ${after.toISOString()}`,
        );
      }
      return new Date(t);
    },
  };
}

// ---- timer -----------------------------------------------------------------

export interface StartScheduleOptions {
  /** Clock in epoch ms; default Date.now. */
  now?: () => number;
  /** Called with errors thrown (or rejected) by `fire`; default logs to stderr. */
  onError?: (e: unknown) => void;
  /** Replaces the period of a rate expression (seconds); cron expressions keep their times. */
  rateOverrideSeconds?: number;
}

export interface ScheduleHandle {
  stop(): void;
  /** Time of the next firing, undefined once stopped or exhausted. */
  readonly nextFireAt: Date | undefined;
}

/** setTimeout's limit is 2^31-1 ms; longer waits are done in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `fire(scheduledTime)` at each occurrence of `expr`. Invocations may
 * overlap (as Lambda's may); an error thrown or rejected by `fire` goes to
 * `onError` and never stops the timer. Occurrences missed while the process
 * was busy or asleep are not replayed: the timer fires once late and moves on
 * to the next occurrence after now, as EventBridge does not catch up either.
 */
export function startSchedule(
  expr: string,
  fire: (time: Date) => Promise<void> | void,
  opts: StartScheduleOptions = {},
): ScheduleHandle {
  const now = opts.now ?? Date.now;
  const onError = (e: unknown): void => {
    try {
      (opts.onError ?? ((err: unknown) => console.error(`[schedule ${expr}]`, err)))(e);
    } catch {
      // a failing error reporter must not kill the timer
    }
  };
  const schedule = parseScheduleExpression(expr, {
    rateAnchor: new Date(now()),
    rateOverrideSeconds: opts.rateOverrideSeconds,
  });

  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let nextAt: number | undefined;

  const computeNext = (after: number): number | undefined => {
    try {
      return schedule.next(new Date(after)).getTime();
    } catch {
      return undefined; // a cron with a last year has run out
    }
  };

  const arm = (): void => {
    if (stopped || nextAt === undefined) return;
    const delay = Math.min(Math.max(0, nextAt - now()), MAX_TIMER_MS);
    timer = setTimeout(tick, delay);
  };

  const invoke = (at: number): void => {
    try {
      const result = fire(new Date(at));
      if (result && typeof (result as Promise<void>).then === 'function') {
        (result as Promise<void>).then(undefined, onError);
      }
    } catch (err) {
      onError(err);
    }
  };

  function tick(): void {
    timer = undefined;
    if (stopped || nextAt === undefined) return;
    const t = now();
    if (t < nextAt) {
      arm(); // woke early (long wait done in steps, or the clock moved back)
      return;
    }
    const firedAt = nextAt;
    nextAt = computeNext(Math.max(t, firedAt));
    invoke(firedAt);
    arm();
  }

  nextAt = computeNext(now());
  arm();

  return {
    stop(): void {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
    get nextFireAt(): Date | undefined {
      return stopped || nextAt === undefined ? undefined : new Date(nextAt);
    },
  };
}
