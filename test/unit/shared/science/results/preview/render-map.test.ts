/**
 * The PNG previews, decoded with pngjs: pixels over cells carry the
 * colormap's colour for the cell's value, missing cells are grey, coastlines
 * fall where the coasts are (north up), the colour bar's ends carry the
 * colormap's ends, and cubed-sphere fields show six face blocks.
 */
import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { colorFor, colormapEntry, type Rgb } from '#shared/science/results/preview/colormaps.js';
import { FACE_PLACEMENTS } from '#shared/science/results/preview/cubed-sphere.js';
import {
  COASTLINE_COLOR,
  MISSING_COLOR,
  mapLayout,
  renderDifferenceMap,
  renderMap,
  type MapLayout,
} from '#shared/science/results/preview/render-map.js';
import { renderVariablePreview } from '#shared/science/results/preview/render-variable.js';
import type { SurfaceGrid } from '#shared/science/results/surface-field.js';

const WHITE: Rgb = [255, 255, 255];

interface Image {
  width: number;
  height: number;
  pixel(x: number, y: number): Rgb;
}

function decode(buffer: Buffer): Image {
  const png = PNG.sync.read(buffer);
  return {
    width: png.width,
    height: png.height,
    pixel: (x, y) => {
      const i = (png.width * Math.round(y) + Math.round(x)) * 4;
      return [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    },
  };
}

/** A global grid like GEOS-Chem 4x5 without half-polar boxes: lat -88..88, lon -180..175. */
function globalGrid(): Extract<SurfaceGrid, { kind: 'lat-lon' }> {
  return {
    kind: 'lat-lon',
    lat: Float64Array.from({ length: 45 }, (_, i) => -88 + 4 * i),
    lon: Float64Array.from({ length: 72 }, (_, i) => -180 + 5 * i),
  };
}

/** The pixel at a longitude and latitude of a lat-lon map. */
function pixelAt(layout: MapLayout, lon: number, lat: number): [number, number] {
  const [west, east] = layout.lonRange!;
  const [south, north] = layout.latRange!;
  return [
    Math.floor(layout.map.x + ((lon - west) / (east - west)) * layout.map.w),
    Math.floor(layout.map.y + ((north - lat) / (north - south)) * layout.map.h),
  ];
}

/** Pixels of `color` in the lon/lat box. */
function countInBox(
  image: Image,
  layout: MapLayout,
  box: [number, number, number, number],
  color: Rgb,
): number {
  const [x0, y0] = pixelAt(layout, box[0], box[3]);
  const [x1, y1] = pixelAt(layout, box[2], box[1]);
  let n = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) if (image.pixel(x, y).every((c, k) => c === color[k])) n++;
  }
  return n;
}

describe('renderMap on a lat-lon grid', () => {
  const grid = globalGrid();
  const ramp = Float32Array.from({ length: 45 * 72 }, (_, i) => i);
  const options = { title: 'Ramp - surface, mean of 1 time step', units: 'kg', range: [0, 45 * 72] as const };

  it('is a PNG of the laid-out size, 800 wide by default and 2:1 for a global map', () => {
    const image = decode(renderMap(ramp, grid, options));
    const layout = mapLayout(grid);
    expect(image.width).toBe(800);
    expect(image.height).toBe(layout.height);
    expect(layout.map.w).toBe(2 * layout.map.h);
    expect(layout.lonRange).toEqual([-180, 180]);
    expect(layout.latRange).toEqual([-90, 90]);
    expect(decode(renderMap(ramp, grid, { ...options, width: 400 })).width).toBe(400);
  });

  it('colours the pixel over a cell with the viridis colour of its value', () => {
    const image = decode(renderMap(ramp, grid, options));
    const layout = mapLayout(grid);
    // Mid-Pacific cells (no coastline): lat index 22 (lat 0), lon index 6 (-150); lat 10 (-48), lon 14 (-110).
    for (const [i, j] of [
      [22, 6],
      [10, 14],
    ] as const) {
      const [x, y] = pixelAt(layout, grid.lon[j]!, grid.lat[i]!);
      expect(image.pixel(x, y)).toEqual(colorFor('viridis', ramp[i * 72 + j]!, options.range));
    }
  });

  it('draws missing (NaN) cells grey', () => {
    const field = Float32Array.from(ramp);
    field[22 * 72 + 6] = NaN;
    const image = decode(renderMap(field, grid, options));
    const [x, y] = pixelAt(mapLayout(grid), -150, 0);
    expect(image.pixel(x, y)).toEqual(MISSING_COLOR);
  });

  it('draws coastlines along the west coast of Africa, north up, and none over the open ocean', () => {
    const uniform = new Float32Array(45 * 72).fill(1);
    const image = decode(renderMap(uniform, grid, { title: 'Uniform', units: null, range: [0, 2] }));
    const layout = mapLayout(grid);
    // Senegal's coast near Dakar (17.4W, 14.7N).
    expect(countInBox(image, layout, [-20, 10, -14, 20], COASTLINE_COLOR)).toBeGreaterThan(3);
    // The same box mirrored south of the equator is open Atlantic: a flipped map would put the coast here.
    expect(countInBox(image, layout, [-20, -20, -14, -10], COASTLINE_COLOR)).toBe(0);
    // Mid-Pacific.
    expect(countInBox(image, layout, [-160, -10, -140, 10], COASTLINE_COLOR)).toBe(0);
  });

  it('puts the colormap ends at the colour bar ends, with triangles only where values lie beyond', () => {
    const layout = mapLayout(grid);
    const { bar } = layout;
    const mid = bar.y + Math.floor(bar.h / 2);
    const inside = decode(renderMap(ramp, grid, options));
    expect(inside.pixel(bar.x, mid)).toEqual(colormapEntry('viridis', 0));
    expect(inside.pixel(bar.x + bar.w - 1, mid)).toEqual(colormapEntry('viridis', 255));
    expect(inside.pixel(bar.x - 4, mid)).toEqual(WHITE);
    expect(inside.pixel(bar.x + bar.w + 4, mid)).toEqual(WHITE);

    // Default range: 2nd..98th percentile, so both tails are clipped and marked.
    const clipped = decode(renderMap(ramp, grid, { title: 'Ramp', units: 'kg' }));
    expect(clipped.pixel(bar.x - 4, mid)).toEqual(colormapEntry('viridis', 0));
    expect(clipped.pixel(bar.x + bar.w + 4, mid)).toEqual(colormapEntry('viridis', 255));
  });

  it('writes the title and the colour bar labels in black', () => {
    const image = decode(renderMap(ramp, grid, options));
    const layout = mapLayout(grid);
    let titleInk = 0;
    for (let y = 0; y < layout.map.y; y++)
      for (let x = 0; x < 200; x++) if (image.pixel(x, y)[0] === 0) titleInk++;
    expect(titleInk).toBeGreaterThan(50);
    let labelInk = 0;
    for (let y = layout.bar.y + layout.bar.h + 2; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) if (image.pixel(x, y)[0] === 0) labelInk++;
    }
    expect(labelInk).toBeGreaterThan(50);
  });

  it('shows a regional grid across the antimeridian with its coastlines (New Zealand)', () => {
    const regional: SurfaceGrid = {
      kind: 'lat-lon',
      lat: Float64Array.from({ length: 21 }, (_, i) => -50 + i),
      lon: Float64Array.from({ length: 41 }, (_, i) => ((160 + i + 180) % 360) - 180), // 160 .. 179, -180 .. -160
    };
    const layout = mapLayout(regional);
    expect(layout.lonRange).toEqual([159.5, 200.5]);
    const image = decode(
      renderMap(new Float32Array(21 * 41).fill(1), regional, { title: 'NZ', units: null }),
    );
    // South Island's west coast near 43S, 170E.
    expect(countInBox(image, layout, [166, -46, 172, -40], COASTLINE_COLOR)).toBeGreaterThan(3);
    expect(countInBox(image, layout, [185, -46, 195, -36], COASTLINE_COLOR)).toBe(0);
  });

  it('draws a global grid stored in 0..360 longitudes over -180..180', () => {
    const shifted: SurfaceGrid = {
      kind: 'lat-lon',
      lat: grid.lat,
      lon: Float64Array.from({ length: 72 }, (_, i) => 5 * i),
    };
    const image = decode(renderMap(ramp, shifted, options));
    const layout = mapLayout(shifted);
    expect(layout.lonRange).toEqual([-180, 180]);
    // -150 is 210E: lon index 42 of the 0..355 grid, at lat index 22.
    const [x, y] = pixelAt(layout, -150, 0);
    expect(image.pixel(x, y)).toEqual(colorFor('viridis', ramp[22 * 72 + 42]!, options.range));
  });

  it('refuses a field whose size does not match the grid', () => {
    expect(() => renderMap(new Float32Array(3), grid, options)).toThrow(
      /3 values but the grid has 3240 cells/,
    );
  });
});

describe('renderMap on a cubed-sphere grid', () => {
  const n = 24;
  const grid: SurfaceGrid = { kind: 'cubed-sphere', faces: 6, n };
  // Each face holds its own index, so a block's colour says which face it shows.
  const byFace = Float32Array.from({ length: 6 * n * n }, (_, i) => Math.floor(i / (n * n)));

  it('lays the six faces out as an unfolded cube, each block in its face colour, the rest white', () => {
    const image = decode(renderMap(byFace, grid, { title: 'Faces', units: '1', range: [0, 5] }));
    const layout = mapLayout(grid);
    const size = layout.faceSize!;
    expect(layout.map.w).toBe(4 * size);
    expect(layout.map.h).toBe(3 * size);
    for (const placement of FACE_PLACEMENTS) {
      const x = layout.map.x + placement.column * size + size / 2;
      const y = layout.map.y + placement.row * size + size / 2;
      expect(image.pixel(x, y)).toEqual(colorFor('viridis', placement.face, [0, 5]));
    }
    const occupied = new Set(FACE_PLACEMENTS.map((p) => `${p.column},${p.row}`));
    for (let column = 0; column < 4; column++) {
      for (let row = 0; row < 3; row++) {
        if (occupied.has(`${column},${row}`)) continue;
        const x = layout.map.x + column * size + size / 2;
        expect(image.pixel(x, layout.map.y + row * size + size / 2)).toEqual(WHITE);
      }
    }
  });

  it('renders a real GCHP C24 file, surface mean, with six coloured face blocks', async () => {
    const file = fileURLToPath(
      new URL('../../../../../fixtures/geoschem_nc/GCHP.SpeciesConc.20180101_1200z.nc4', import.meta.url),
    );
    const image = decode(await renderVariablePreview(file, 'SpeciesConc_O3'));
    const layout = mapLayout(grid, { subtitle: 'x' });
    const size = layout.faceSize!;
    for (const placement of FACE_PLACEMENTS) {
      const pixel = image.pixel(
        layout.map.x + placement.column * size + size / 2,
        layout.map.y + placement.row * size + size / 2,
      );
      expect(pixel).not.toEqual(WHITE);
      expect(pixel).not.toEqual(MISSING_COLOR);
    }
  });
});

describe('renderDifferenceMap', () => {
  it('maps b - a with a diverging map centred on white at zero', () => {
    const grid = globalGrid();
    const a = new Float32Array(45 * 72).fill(10);
    const b = Float32Array.from(a);
    b[22 * 72 + 6] = 12; // +2 at (0, -150)
    b[10 * 72 + 14] = 8; // -2 at (-48, -110)
    const image = decode(renderDifferenceMap(a, b, grid, { title: 'b - a', units: 'ppb' }));
    const layout = mapLayout(grid);
    const [xz, yz] = pixelAt(layout, -130, 20);
    expect(image.pixel(xz, yz)).toEqual(colorFor('difference', 0, [-2, 2]));
    const white = colorFor('difference', 0, [-2, 2]);
    expect(Math.min(...white)).toBeGreaterThan(240);
    const [xp, yp] = pixelAt(layout, -150, 0);
    const [red, , blueOfRed] = image.pixel(xp, yp);
    expect(red).toBeGreaterThan(blueOfRed + 50);
    const [xn, yn] = pixelAt(layout, -110, -48);
    const [redOfBlue, , blue] = image.pixel(xn, yn);
    expect(blue).toBeGreaterThan(redOfBlue + 50);
    // Symmetric: the colour bar's middle is the zero colour.
    const { bar } = layout;
    const middle = image.pixel(bar.x + Math.floor(bar.w / 2), bar.y + 2);
    middle.forEach((c, k) => expect(Math.abs(c - white[k]!)).toBeLessThanOrEqual(3));
  });
});
