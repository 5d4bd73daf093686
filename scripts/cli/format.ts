/**
 * Output for people: colours (only on a TTY, never with NO_COLOR), aligned
 * tables, key/value blocks and compact UTC times.
 */
import type { CliStream } from './context.js';

type Paint = (text: string) => string;

export interface Colors {
  enabled: boolean;
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  blue: Paint;
  cyan: Paint;
}

const sgr =
  (open: number, close: number): Paint =>
  (text) =>
    `\u001b[${open}m${text}\u001b[${close}m`;
const plain: Paint = (text) => text;

export function makeColors(enabled: boolean): Colors {
  if (!enabled) {
    return {
      enabled,
      bold: plain,
      dim: plain,
      red: plain,
      green: plain,
      yellow: plain,
      blue: plain,
      cyan: plain,
    };
  }
  return {
    enabled,
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    blue: sgr(34, 39),
    cyan: sgr(36, 39),
  };
}

/** Colour only when writing to a terminal and NO_COLOR is not set (https://no-color.org). */
export function colorEnabled(stream: CliStream, env: Record<string, string | undefined>): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Neutralise control characters in text that came from the API or a file (no terminal escapes). */
export function clean(value: unknown): string {
  if (value === undefined || value === null) return '';
  // eslint-disable-next-line no-control-regex
  return String(value).replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

const STATUS_PAINT: Record<string, keyof Omit<Colors, 'enabled'>> = {
  SUCCEEDED: 'green',
  FAILED: 'red',
  TIMED_OUT: 'red',
  CANCELLED: 'yellow',
  CANCELLING: 'yellow',
  RETRYING: 'yellow',
  RUNNING: 'cyan',
  STARTING: 'blue',
  RUNNABLE: 'blue',
  SUBMITTED: 'blue',
  PENDING: 'dim',
};

export function paintStatus(status: string, colors: Colors): string {
  const paint = STATUS_PAINT[status];
  return paint ? colors[paint](clean(status)) : clean(status);
}

/** An aligned table with a header row; cells may already contain colour codes. */
export function table(headers: string[], rows: string[][], colors: Colors): string {
  const widths = headers.map((h, c) =>
    Math.max(stripAnsi(h).length, ...rows.map((r) => stripAnsi(r[c] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, c) =>
        c === cells.length - 1 ? cell : cell + ' '.repeat((widths[c] ?? 0) - stripAnsi(cell).length),
      )
      .join('  ')
      .trimEnd();
  return [line(headers.map((h) => colors.bold(h))), ...rows.map(line)].join('\n') + '\n';
}

/** `key: value` lines with aligned values; pairs whose value is undefined or empty are left out. */
export function keyValues(pairs: [string, string | undefined][], colors: Colors): string {
  const shown = pairs.filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '');
  const width = Math.max(0, ...shown.map(([k]) => k.length + 1));
  return shown.map(([k, v]) => `${colors.bold(`${k}:`.padEnd(width))}  ${v}`).join('\n') + '\n';
}

/** `2024-05-01 12:34Z` (or with seconds); unparseable input is shown as given. */
export function formatTime(iso: unknown, withSeconds = false): string {
  if (typeof iso !== 'string' || iso === '') return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return clean(iso);
  const s = new Date(ms).toISOString(); // 2024-05-01T12:34:56.789Z
  return `${s.slice(0, 10)} ${s.slice(11, withSeconds ? 19 : 16)}Z`;
}

/** `3 min ago`, `2 h ago`, `in 5 min`. */
export function relativeTime(iso: unknown, now: Date): string {
  if (typeof iso !== 'string') return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const diff = Math.round((now.getTime() - ms) / 1000);
  const abs = Math.abs(diff);
  let text: string;
  if (abs < 45) text = `${abs} s`;
  else if (abs < 45 * 60) text = `${Math.round(abs / 60)} min`;
  else if (abs < 36 * 3600) text = `${Math.round(abs / 3600)} h`;
  else text = `${Math.round(abs / 86400)} d`;
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

/** Time plus age: `2024-05-01 12:34:56Z (3 min ago)`. */
export function timeWithAge(iso: unknown, now: Date): string | undefined {
  const t = formatTime(iso, true);
  if (!t) return undefined;
  const age = relativeTime(iso, now);
  return age ? `${t} (${age})` : t;
}

export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
