/**
 * Perceptually uniform colormaps as 256-entry sRGB tables.
 *
 * - `viridis`: matplotlib's sequential map, for fields.
 * - `difference`: a diverging blue-white-red map for differences, built by
 *   interpolating linearly in CIELAB from a dark blue through white to a dark
 *   red, so that lightness (and colour difference) changes evenly on each side
 *   and zero is white.
 */
import { VIRIDIS_HEX } from './viridis-table.js';

export type ColormapName = 'viridis' | 'difference';
export type Rgb = readonly [number, number, number];

export const COLORMAP_SIZE = 256;

function parseHexTable(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Ends and middle of the diverging map, in CIELAB (D65). */
const DIVERGING_LAB = {
  low: [28, 18, -58],
  middle: [99, 0, 0],
  high: [30, 52, 36],
} as const;

function labToSrgb([l, a, b]: readonly number[]): Rgb {
  // CIELAB -> XYZ (D65 white) -> linear sRGB -> gamma-encoded sRGB.
  const fy = (l! + 16) / 116;
  const fx = fy + a! / 500;
  const fz = fy - b! / 200;
  const inverse = (t: number): number => (t > 6 / 29 ? t ** 3 : 3 * (6 / 29) ** 2 * (t - 4 / 29));
  const x = 0.95047 * inverse(fx);
  const y = 1.0 * inverse(fy);
  const z = 1.08883 * inverse(fz);
  const linear = [
    3.2404542 * x - 1.5371385 * y - 0.4985314 * z,
    -0.969266 * x + 1.8760108 * y + 0.041556 * z,
    0.0556434 * x - 0.2040259 * y + 1.0572252 * z,
  ];
  const encode = (c: number): number => {
    const v = Math.min(1, Math.max(0, c));
    const s = v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055;
    return Math.round(255 * s);
  };
  return [encode(linear[0]!), encode(linear[1]!), encode(linear[2]!)];
}

function divergingTable(): Uint8Array {
  const out = new Uint8Array(COLORMAP_SIZE * 3);
  const half = (COLORMAP_SIZE - 1) / 2;
  for (let i = 0; i < COLORMAP_SIZE; i++) {
    const t = (i - half) / half; // -1 .. 1
    const end = t < 0 ? DIVERGING_LAB.low : DIVERGING_LAB.high;
    const w = Math.abs(t);
    const lab = [0, 1, 2].map((k) => DIVERGING_LAB.middle[k]! * (1 - w) + end[k]! * w);
    out.set(labToSrgb(lab), i * 3);
  }
  return out;
}

const TABLES: Record<ColormapName, Uint8Array> = {
  viridis: parseHexTable(VIRIDIS_HEX),
  difference: divergingTable(),
};

/** Entry `index` (0..255) of a colormap. */
export function colormapEntry(name: ColormapName, index: number): Rgb {
  const table = TABLES[name];
  const i = Math.min(COLORMAP_SIZE - 1, Math.max(0, Math.round(index))) * 3;
  return [table[i]!, table[i + 1]!, table[i + 2]!];
}

/** Table index for `value` in `[min, max]` (values outside are clamped to the ends). */
export function colormapIndex(value: number, [min, max]: readonly [number, number]): number {
  if (!(max > min)) return Math.floor(COLORMAP_SIZE / 2);
  const t = (value - min) / (max - min);
  return Math.min(COLORMAP_SIZE - 1, Math.max(0, Math.floor(t * COLORMAP_SIZE)));
}

/** The colour of `value` for a range; NaN has no colour here (the renderer greys it). */
export function colorFor(name: ColormapName, value: number, range: readonly [number, number]): Rgb {
  return colormapEntry(name, colormapIndex(value, range));
}
