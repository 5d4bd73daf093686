/** Colour ranges and colour-bar ticks for previews. */

export const DEFAULT_PERCENTILES: readonly [number, number] = [2, 98];

/** The valid (finite) values, sorted ascending. */
export function sortedValid(values: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) out.push(values[i]!);
  return Float64Array.from(out).sort();
}

/** Linear-interpolated percentile `p` (0..100) of sorted values; NaN when empty. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export interface ColorRange {
  range: [number, number];
  /** Whether some valid values lie below / above the range (the colour bar shows triangles). */
  clippedLow: boolean;
  clippedHigh: boolean;
  /** How the range was chosen, for the colour bar's legend. */
  source: 'given' | 'percentile' | 'full';
}

/**
 * The colour range: `given` when set; else the 2nd..98th percentile of the
 * valid values (symmetric: +-98th percentile of |value|). A range of zero
 * width is widened so that the colour bar still has two ends.
 */
export function colorRange(
  values: ArrayLike<number>,
  given?: readonly [number, number],
  symmetric = false,
): ColorRange {
  const sorted = sortedValid(values);
  let range: [number, number];
  let source: ColorRange['source'] = 'given';
  if (given) range = [given[0], given[1]];
  else if (sorted.length === 0) {
    range = symmetric ? [-1, 1] : [0, 1];
    source = 'full';
  } else if (symmetric) {
    const magnitudes = sortedValid(Array.from(sorted, Math.abs));
    const m = percentile(magnitudes, DEFAULT_PERCENTILES[1]);
    range = [-m, m];
    source = 'percentile';
  } else {
    range = [percentile(sorted, DEFAULT_PERCENTILES[0]), percentile(sorted, DEFAULT_PERCENTILES[1])];
    source = 'percentile';
  }
  if (source === 'percentile' && !(range[1] > range[0])) {
    // Mostly one value (e.g. sparse emissions, zero nearly everywhere): use the full range instead.
    const low = sorted[0]!;
    const high = sorted[sorted.length - 1]!;
    const m = Math.max(Math.abs(low), Math.abs(high));
    range = symmetric ? [-m, m] : [low, high];
    source = 'full';
  }
  if (symmetric && given) {
    const m = Math.max(Math.abs(range[0]), Math.abs(range[1]));
    range = [-m, m];
  }
  if (!(range[1] > range[0])) {
    const pad = range[0] === 0 ? 1 : Math.abs(range[0]) * 0.01;
    range = [range[0] - pad, range[1] + pad];
  }
  const clippedLow = sorted.length > 0 && sorted[0]! < range[0];
  const clippedHigh = sorted.length > 0 && sorted[sorted.length - 1]! > range[1];
  if (source === 'percentile' && !clippedLow && !clippedHigh) source = 'full';
  return { range, clippedLow, clippedHigh, source };
}

/** "Nice" tick values (1, 2, 2.5 or 5 x 10^k steps) inside [min, max], at most `maxTicks`. */
export function niceTicks(min: number, max: number, maxTicks = 6): number[] {
  const span = max - min;
  if (!(span > 0)) return [min];
  const rough = span / Math.max(1, maxTicks - 1);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) ticks.push(k * step);
  return ticks.map((t) => (Math.abs(t) < step * 1e-9 ? 0 : t));
}

/**
 * Tick labels with a common power of ten taken out when the values are very
 * small or large: returns the labels and the exponent (0 when none).
 */
export function tickLabels(
  ticks: number[],
  range: readonly [number, number],
): { labels: string[]; exponent: number } {
  const magnitude = Math.max(Math.abs(range[0]), Math.abs(range[1]));
  const exponent =
    magnitude > 0 && (magnitude < 1e-2 || magnitude >= 1e5) ? Math.floor(Math.log10(magnitude)) : 0;
  const scaled = ticks.map((t) => t / 10 ** exponent);
  const step = scaled.length > 1 ? Math.abs(scaled[1]! - scaled[0]!) : Math.abs(scaled[0] ?? 1);
  const decimals = Math.min(
    6,
    Math.max(0, -Math.floor(Math.log10(step || 1) + 1e-9) + (isQuarter(step) ? 1 : 0)),
  );
  return { labels: scaled.map((v) => v.toFixed(decimals).replace(/^-0(\.0*)?$/, '0$1')), exponent };
}

function isQuarter(step: number): boolean {
  const mantissa = step / 10 ** Math.floor(Math.log10(step));
  return Math.abs(mantissa - 2.5) < 1e-6;
}
