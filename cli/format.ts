/**
 * Output for people: colours (only on a TTY, never with NO_COLOR), aligned
 * tables, key/value blocks and compact UTC times.
 */
import type { CliStream } from './io.js';

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
  PAUSING: 'yellow',
  RETRYING: 'yellow',
  RUNNING: 'cyan',
  STARTING: 'blue',
  RUNNABLE: 'blue',
  SUBMITTED: 'blue',
  PENDING: 'dim',
  WAITING: 'dim',
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

/** A compact duration: `42s`, `1m12s`, `2h03m`, `3d04h` (negative or unknown counts as 0). */
export function formatDuration(ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  const two = (n: number): string => String(n).padStart(2, '0');
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m${two(total % 60)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h${two(minutes % 60)}m`;
  return `${Math.floor(hours / 24)}d${two(hours % 24)}h`;
}

/** Visible width of text that may hold colour codes. */
export function visibleLength(text: string): number {
  return [...stripAnsi(text)].length;
}

/** A piece of a one-line display; when the line is too wide, pieces of lower `keep` go first. */
export interface LinePart {
  text: string;
  keep?: number;
}

/**
 * Parts joined by two spaces, dropping parts (never the first; lowest `keep`
 * first, the later one on a tie) until the line fits in `width` columns; a first
 * part that alone is too wide is cut (losing its colours). For a line redrawn in
 * place, which must not wrap.
 */
export function fitParts(parts: (string | LinePart)[], width: number): string {
  const kept = parts
    .map((p, index) => ({ ...(typeof p === 'string' ? { text: p } : p), index }))
    .filter((p) => p.text !== '');
  const render = (): string => kept.map((p) => p.text).join('  ');
  while (kept.length > 1 && visibleLength(render()) > width) {
    let drop = 1;
    for (let i = 2; i < kept.length; i++) {
      if ((kept[i]!.keep ?? 0) <= (kept[drop]!.keep ?? 0)) drop = i;
    }
    kept.splice(drop, 1);
  }
  const line = render();
  if (visibleLength(line) <= width) return line;
  const chars = [...stripAnsi(line)];
  return width > 1 ? `${chars.slice(0, width - 1).join('')}…` : chars.slice(0, Math.max(0, width)).join('');
}

export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
