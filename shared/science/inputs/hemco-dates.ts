/**
 * Which files a HEMCO path template resolves to over a run's days, from its
 * date tokens ($YYYY, $MM, $DD, $HH, $MN) and its time attribute
 * ("1980-2019/1-12/1-31/*" with an optional "/+1day" offset) and flag:
 * years outside the attribute's range are clamped for cycling/interpolated
 * data (C, I, A), skipped for range data (R: HEMCO then uses no data) and
 * missing for exact data (E: HEMCO stops with an error).
 */

const DAY_MS = 86_400_000;

export interface TimeAttribute {
  years?: [number, number];
  months?: [number, number];
  days?: [number, number];
  hours?: [number, number];
  /** Whole days added before choosing the file ("+1day" in the met fields' *_NEXTDAY entries). */
  offsetDays: number;
}

function parseRange(text: string | undefined): [number, number] | undefined {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text ?? '');
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2] ?? match[1])];
}

export function parseTimeAttribute(time: string): TimeAttribute {
  const [years, months, days, hours, offset] = time.split('/');
  const offsetMatch = /^\+(\d+)day$/.exec(offset ?? '');
  return {
    years: parseRange(years),
    months: parseRange(months),
    days: parseRange(days),
    hours: parseRange(hours),
    offsetDays: offsetMatch ? Number(offsetMatch[1]) : 0,
  };
}

/** "2019-07-08 00:00" (UTC); an invalid date as it is. */
export function instantText(date: Date): string {
  if (Number.isNaN(date.getTime())) return String(date);
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** Every UTC calendar day [start, end) touches, as midnight instants. */
export function daysOf(start: Date, end: Date): Date[] {
  const first = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
  const out: Date[] = [];
  for (let t = first; t < end.getTime(); t += DAY_MS) out.push(new Date(t));
  return out;
}

export interface ResolvedPaths {
  paths: string[];
  /** Years of the run the data has no file for, with an exact (E) flag: HEMCO would stop. */
  missingYears: number[];
  /** The attribute's year range, when it has one. */
  yearRange?: [number, number];
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

function fill(path: string, year: number, month: number, day: number): string {
  return path
    .replace(/\$YYYY/g, pad(year, 4))
    .replace(/\$MM/g, pad(month))
    .replace(/\$DD/g, pad(day))
    .replace(/\$HH/g, '00')
    .replace(/\$MN/g, '00');
}

const REPRESENTATIVES = new WeakMap<readonly Date[], { month: Date[]; year: Date[] }>();

function firstDayOf(days: readonly Date[], period: (day: Date) => number): Date[] {
  const out: Date[] = [];
  let last = Number.NaN;
  for (const day of days) {
    const id = period(day);
    if (id !== last) out.push(day);
    last = id;
  }
  return out;
}

/**
 * One day per distinct file the path can name: every day when it has $DD
 * (or an offset), else the first day of each month ($MM) or year. Keeps
 * long runs fast: 10 years are 3,650 days but 120 months.
 */
function representativeDays(path: string, offsetDays: number, days: readonly Date[]): readonly Date[] {
  if (offsetDays !== 0 || /\$(DD|HH|MN)/.test(path)) return days;
  let cached = REPRESENTATIVES.get(days);
  if (!cached) {
    cached = {
      month: firstDayOf(days, (day) => day.getUTCFullYear() * 12 + day.getUTCMonth()),
      year: firstDayOf(days, (day) => day.getUTCFullYear()),
    };
    REPRESENTATIVES.set(days, cached);
  }
  return path.includes('$MM') ? cached.month : cached.year;
}

/** The distinct files `path` resolves to over `allDays`, in date order. */
export function resolveDatedPaths(
  path: string,
  time: string,
  flag: string,
  allDays: readonly Date[],
): ResolvedPaths {
  const attribute = parseTimeAttribute(time);
  const days = representativeDays(path, attribute.offsetDays, allDays);
  const yearRange = attribute.years;
  const hasDateToken = /\$(YYYY|MM|DD|HH|MN)/.test(path);
  const paths = new Set<string>();
  const missing = new Set<number>();
  const kind = flag.charAt(0).toUpperCase();
  for (const day of days) {
    const when = new Date(day.getTime() + attribute.offsetDays * DAY_MS);
    let year = when.getUTCFullYear();
    if (yearRange && (year < yearRange[0] || year > yearRange[1])) {
      if (kind === 'E') {
        missing.add(year);
        continue;
      }
      if (kind === 'R') continue;
      year = Math.min(Math.max(year, yearRange[0]), yearRange[1]);
    }
    if (!hasDateToken) {
      paths.add(path);
      continue;
    }
    const month =
      attribute.months && attribute.months[0] === attribute.months[1]
        ? attribute.months[0]
        : when.getUTCMonth() + 1;
    const dayOfMonth =
      attribute.days && attribute.days[0] === attribute.days[1] ? attribute.days[0] : when.getUTCDate();
    paths.add(fill(path, year, month, dayOfMonth));
  }
  return {
    paths: [...paths].sort(),
    missingYears: [...missing].sort((a, b) => a - b),
    ...(yearRange ? { yearRange } : {}),
  };
}
