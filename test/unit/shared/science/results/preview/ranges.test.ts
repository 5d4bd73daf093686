/** Colour ranges, colour-bar ticks and the colormaps' basic properties. */
import { describe, expect, it } from '@jest/globals';
import { colorFor, colormapEntry } from '#shared/science/results/preview/colormaps.js';
import { glyphPixel, GLYPH_WIDTH } from '#shared/science/results/preview/font-5x7.js';
import {
  colorRange,
  niceTicks,
  percentile,
  sortedValid,
  tickLabels,
} from '#shared/science/results/preview/ranges.js';

describe('colorRange', () => {
  const values = Float64Array.from({ length: 101 }, (_, i) => i); // 0..100

  it('defaults to the 2nd..98th percentile of the valid values and says both ends are clipped', () => {
    expect(colorRange([...values, NaN, Infinity])).toEqual({
      range: [2, 98],
      clippedLow: true,
      clippedHigh: true,
      source: 'percentile',
    });
  });

  it('uses a given range and reports only the side that is exceeded', () => {
    expect(colorRange(values, [0, 50])).toMatchObject({
      range: [0, 50],
      clippedLow: false,
      clippedHigh: true,
    });
  });

  it('is symmetric about zero for differences: +-98th percentile of |value|', () => {
    // |-80..20| sorted: 0, 1, 1, ..., 20, 20, 21, ..., 80; the 98th percentile (index 98 of 101) is 78.
    const differences = Float64Array.from({ length: 101 }, (_, i) => i - 80);
    expect(colorRange(differences, undefined, true).range).toEqual([-78, 78]);
  });

  it('widens a constant field and copes with no valid value', () => {
    expect(colorRange([5, 5, 5]).range).toEqual([4.95, 5.05]);
    expect(colorRange([NaN, NaN])).toMatchObject({ range: [0, 1], clippedLow: false, clippedHigh: false });
  });

  it('interpolates percentiles linearly', () => {
    expect(percentile(sortedValid([4, 1, 3, 2]), 50)).toBe(2.5);
  });
});

describe('colour-bar ticks', () => {
  it('chooses 1-2-2.5-5 steps inside the range', () => {
    expect(niceTicks(0, 10, 6)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(1.8e-6, 1.97e-6, 5)).toHaveLength(4);
  });

  it('takes a common power of ten out of very small values', () => {
    expect(tickLabels([1e-9, 2e-9, 3e-9], [5e-10, 3.4e-9])).toEqual({
      labels: ['1', '2', '3'],
      exponent: -9,
    });
    expect(tickLabels([1.8e-6, 1.85e-6, 1.9e-6], [1.78e-6, 1.97e-6])).toEqual({
      labels: ['1.80', '1.85', '1.90'],
      exponent: -6,
    });
    expect(tickLabels([-1, 0, 1], [-1.5, 1.5])).toEqual({ labels: ['-1', '0', '1'], exponent: 0 });
  });
});

describe('colormaps', () => {
  it('viridis runs from dark purple to yellow', () => {
    expect(colormapEntry('viridis', 0)).toEqual([68, 1, 84]);
    expect(colormapEntry('viridis', 255)).toEqual([253, 231, 37]);
    expect(colorFor('viridis', 10, [0, 10])).toEqual([253, 231, 37]);
  });

  it('the difference map is white at zero, blue below, red above, and darkens evenly to both ends', () => {
    const zero = colorFor('difference', 0, [-1, 1]);
    expect(Math.min(...zero)).toBeGreaterThan(240);
    const [r0, , b0] = colormapEntry('difference', 0);
    const [r1, , b1] = colormapEntry('difference', 255);
    expect(b0).toBeGreaterThan(r0);
    expect(r1).toBeGreaterThan(b1);
    const luminance = ([r, g, b]: readonly number[]): number => 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    expect(
      Math.abs(luminance(colormapEntry('difference', 0)) - luminance(colormapEntry('difference', 255))),
    ).toBeLessThan(25);
  });
});

describe('5x7 font', () => {
  it('has a glyph for every printable ASCII character and draws unknown ones as "?"', () => {
    for (let code = 33; code <= 126; code++) {
      const char = String.fromCharCode(code);
      let ink = 0;
      for (let y = 0; y < 8; y++) for (let x = 0; x < GLYPH_WIDTH; x++) if (glyphPixel(char, x, y)) ink++;
      expect(ink).toBeGreaterThan(0);
    }
    expect(glyphPixel('\u00e9', 1, 0)).toBe(glyphPixel('?', 1, 0));
  });
});

describe('colorRange on sparse fields', () => {
  it('falls back to the full range when the percentiles coincide (zero almost everywhere)', () => {
    const sparse = new Float64Array(1000);
    sparse[10] = 2e-10;
    sparse[20] = 5e-11;
    expect(colorRange(sparse)).toEqual({
      range: [0, 2e-10],
      clippedLow: false,
      clippedHigh: false,
      source: 'full',
    });
  });
});
