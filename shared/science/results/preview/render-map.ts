/**
 * PNG previews of horizontal fields: a title, the map, and a colour bar with
 * tick labels and units.
 *
 * - Lat-lon grids: equirectangular, north up, longitudes -180..180 for global
 *   grids (a regional grid shows its own extent); each pixel takes the
 *   nearest cell; Natural Earth 110m coastlines drawn over it in 1-px lines.
 * - Cubed-sphere grids: the six faces as an unfolded cube (./cubed-sphere.ts),
 *   each face labelled with its number.
 * - Colours: viridis for fields, a CIELAB blue-white-red map centred on zero
 *   for differences (./colormaps.ts); missing cells grey. The range is the
 *   2nd..98th percentile of the valid values unless given; triangles at the
 *   colour bar's ends mark values beyond it.
 */
import { landRings } from '../coastlines/land-rings.js';
import type { SurfaceGrid } from '../surface-field.js';
import { BLACK, Canvas, fitText, textHeight, textWidth } from './canvas.js';
import { colorFor, colormapEntry, COLORMAP_SIZE, type ColormapName, type Rgb } from './colormaps.js';
import { FACE_PLACEMENTS, MOSAIC_COLUMNS, MOSAIC_ROWS, cubedSphereIndex } from './cubed-sphere.js';
import { CubeProjection } from './cube-projection.js';
import { colorRange, niceTicks, tickLabels, type ColorRange } from './ranges.js';

export interface RenderMapOptions {
  /** First line, e.g. "SpeciesConcVV_O3 - surface, mean of 24 steps". */
  title: string;
  /** Optional second line, e.g. the long_name. */
  subtitle?: string;
  units: string | null;
  colormap?: ColormapName;
  /** Colour range; default the 2nd..98th percentile of the valid values. */
  range?: readonly [number, number];
  /** Make the range symmetric about zero (differences). */
  symmetric?: boolean;
  /** Image width in pixels (default 800, at least 240). */
  width?: number;
}

export const MISSING_COLOR: Rgb = [150, 150, 150];
export const COASTLINE_COLOR: Rgb = [0, 0, 0];
const FACE_LABEL_BACKGROUND: Rgb = [255, 255, 255];
const DEFAULT_WIDTH = 800;
const MIN_WIDTH = 240;
const MARGIN = 10;
const TITLE_SCALE = 2;
const BAR_HEIGHT = 14;
/** Room at each end of the colour bar for the out-of-range triangles. */
const BAR_END = 12;

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface MapLayout {
  width: number;
  height: number;
  /** Where the map (or the cube mosaic) is drawn. */
  map: Rect;
  /** The colour bar's coloured strip (triangles, ticks and labels lie outside it). */
  bar: Rect;
  /** Lat-lon only: the longitude and latitude extent of the map rectangle. */
  lonRange?: [number, number];
  latRange?: [number, number];
  /** Cubed-sphere only: pixels per face edge. */
  faceSize?: number;
}

/** Where everything goes, for a grid and options (also used by tests to find cells). */
export function mapLayout(
  grid: SurfaceGrid,
  options: Pick<RenderMapOptions, 'width' | 'subtitle'> = {},
): MapLayout {
  const width = Math.max(MIN_WIDTH, Math.round(options.width ?? DEFAULT_WIDTH));
  const top = MARGIN + textHeight(TITLE_SCALE) + 6 + (options.subtitle ? textHeight() + 6 : 0);
  const available = width - 2 * MARGIN;
  let map: Rect;
  let extent: Pick<MapLayout, 'lonRange' | 'latRange' | 'faceSize'>;
  if (grid.kind === 'lat-lon') {
    const { lonRange, latRange } = latLonExtent(grid.lat, grid.lon);
    const aspect = (latRange[1] - latRange[0]) / (lonRange[1] - lonRange[0]);
    // Tall regions: limit the height to the width, narrowing the map.
    const w = aspect > 1 ? Math.max(1, Math.round(available / aspect)) : available;
    const h = Math.max(1, Math.round(w * aspect));
    map = { x: MARGIN + Math.floor((available - w) / 2), y: top, w, h };
    extent = { lonRange, latRange };
  } else {
    const faceSize = Math.max(1, Math.floor(available / MOSAIC_COLUMNS));
    const w = faceSize * MOSAIC_COLUMNS;
    map = { x: MARGIN + Math.floor((available - w) / 2), y: top, w, h: faceSize * MOSAIC_ROWS };
    extent = { faceSize };
  }
  const bar: Rect = {
    x: MARGIN + BAR_END,
    y: map.y + map.h + 12,
    w: available - 2 * BAR_END,
    h: BAR_HEIGHT,
  };
  // Below the bar: tick marks (4), gap, labels, gap, units line, margin.
  const height = bar.y + bar.h + 4 + 3 + textHeight() + 6 + textHeight() + MARGIN;
  return { width, height, map, bar, ...extent };
}

/** Renders `field` (C order on `grid`, NaN = missing) as a PNG. */
export function renderMap(field: ArrayLike<number>, grid: SurfaceGrid, options: RenderMapOptions): Buffer {
  const expected = gridSize(grid);
  if (field.length !== expected) {
    throw new RangeError(`field has ${field.length} values but the grid has ${expected} cells`);
  }
  const colormap = options.colormap ?? 'viridis';
  const layout = mapLayout(grid, options);
  const color = colorRange(field, options.range, options.symmetric ?? false);
  const canvas = new Canvas(layout.width, layout.height);

  drawTitle(canvas, layout, options);
  const paint = (value: number): Rgb =>
    Number.isFinite(value) ? colorFor(colormap, value, color.range) : MISSING_COLOR;
  if (grid.kind === 'lat-lon') {
    drawLatLon(canvas, layout, grid, field, paint);
    drawCoastlines(canvas, layout);
  } else {
    drawMosaic(canvas, layout, grid.n, field, paint);
    if (grid.lats && grid.lons)
      drawCubeCoastlines(canvas, layout, CubeProjection.fromCellCentres(grid.lats, grid.lons, grid.n));
    drawFaceLabels(canvas, layout);
  }
  drawColorBar(canvas, layout, colormap, color, options.units);
  return canvas.toPng();
}

/** `b - a` with the diverging map and a range symmetric about zero. */
export function renderDifferenceMap(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  grid: SurfaceGrid,
  options: Omit<RenderMapOptions, 'colormap' | 'symmetric'>,
): Buffer {
  if (a.length !== b.length) throw new RangeError(`fields differ in size: ${a.length} and ${b.length}`);
  const difference = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) difference[i] = b[i]! - a[i]!;
  return renderMap(difference, grid, { ...options, colormap: 'difference', symmetric: true });
}

export function gridSize(grid: SurfaceGrid): number {
  return grid.kind === 'lat-lon' ? grid.lat.length * grid.lon.length : 6 * grid.n * grid.n;
}

function drawTitle(canvas: Canvas, layout: MapLayout, options: RenderMapOptions): void {
  const room = layout.width - 2 * MARGIN;
  const scale = textWidth(options.title, TITLE_SCALE) <= room ? TITLE_SCALE : 1;
  const title = fitText(options.title, room, scale);
  const y = MARGIN + (scale === TITLE_SCALE ? 0 : textHeight());
  canvas.text(MARGIN, y, title, BLACK, scale);
  if (options.subtitle) {
    canvas.text(MARGIN, MARGIN + textHeight(TITLE_SCALE) + 6, fitText(options.subtitle, room), BLACK);
  }
}

/**
 * The extent of a lat-lon grid: -180..180 x -90..90 for a global grid, else
 * the cells' own extent (half a cell beyond the outer centres).
 */
export function latLonExtent(
  lat: ArrayLike<number>,
  lon: ArrayLike<number>,
): { lonRange: [number, number]; latRange: [number, number] } {
  const lats = Array.from(lat).sort((p, q) => p - q);
  const lons = Array.from(lon);
  const dlat = lats.length > 1 ? Math.abs(lats[1]! - lats[0]!) : 1;
  const dlon = lons.length > 1 ? Math.abs(lons[1]! - lons[0]!) : 1;
  const globalLon = lons.length * dlon >= 359;
  let lonRange: [number, number];
  if (globalLon) lonRange = [-180, 180];
  else {
    // The file's own convention, kept monotonic across the antimeridian.
    const first = lons[0]!;
    const last = first + unwrap(lons[lons.length - 1]! - first);
    lonRange = [Math.min(first, last) - dlon / 2, Math.max(first, last) + dlon / 2];
  }
  const south = lats[0]! - dlat / 2;
  const north = lats[lats.length - 1]! + dlat / 2;
  const latRange: [number, number] =
    south <= -88 && north >= 88 ? [-90, 90] : [Math.max(-90, south), Math.min(90, north)];
  return { lonRange, latRange };
}

/** A longitude step taken eastwards: a grid listed across the antimeridian (e.g. 170 .. -170) goes on past 180. */
function unwrap(delta: number): number {
  return delta < 0 ? delta + 360 : delta;
}

/** Index of the value nearest `x` in `values` (periodic: longitudes, compared modulo 360). */
function nearestIndex(values: ArrayLike<number>, x: number, periodic: boolean): number {
  let best = 0;
  let bestDistance = Infinity;
  for (let i = 0; i < values.length; i++) {
    let d = Math.abs(values[i]! - x);
    if (periodic) d = Math.min(d % 360, 360 - (d % 360));
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  }
  return best;
}

function drawLatLon(
  canvas: Canvas,
  layout: MapLayout,
  grid: Extract<SurfaceGrid, { kind: 'lat-lon' }>,
  field: ArrayLike<number>,
  paint: (value: number) => Rgb,
): void {
  const { map } = layout;
  const [west, east] = layout.lonRange!;
  const [south, north] = layout.latRange!;
  const columns = Int32Array.from({ length: map.w }, (_, px) =>
    nearestIndex(grid.lon, west + ((px + 0.5) / map.w) * (east - west), true),
  );
  const rows = Int32Array.from({ length: map.h }, (_, py) =>
    nearestIndex(grid.lat, north - ((py + 0.5) / map.h) * (north - south), false),
  );
  const nlon = grid.lon.length;
  for (let py = 0; py < map.h; py++) {
    for (let px = 0; px < map.w; px++) {
      canvas.setPixel(map.x + px, map.y + py, paint(field[rows[py]! * nlon + columns[px]!]!));
    }
  }
}

/** Coastlines as 1-px lines, clipped to the map; segments across the antimeridian or along the poles skipped. */
function drawCoastlines(canvas: Canvas, layout: MapLayout): void {
  const { map } = layout;
  const [west, east] = layout.lonRange!;
  const [south, north] = layout.latRange!;
  const toX = (lon: number): number => map.x + ((lon - west) / (east - west)) * map.w - 0.5;
  const toY = (lat: number): number => map.y + ((north - lat) / (north - south)) * map.h - 0.5;
  const inside = (x: number, y: number): boolean =>
    x >= map.x && x < map.x + map.w && y >= map.y && y < map.y + map.h;
  // A regional map in 0..360 (or beyond) sees the rings shifted by 360.
  const shifts = [-360, 0, 360].filter((s) => west < 180 + s && east > -180 + s);
  for (const ring of landRings()) {
    for (let i = 0; i + 3 < ring.length; i += 2) {
      const lon0 = ring[i]!;
      const lat0 = ring[i + 1]!;
      const lon1 = ring[i + 2]!;
      const lat1 = ring[i + 3]!;
      if (Math.abs(lon1 - lon0) > 180) continue; // wraps around the antimeridian
      if (Math.abs(lon0) === 180 && lon0 === lon1) continue; // polygon cut along the antimeridian
      if (Math.abs(lat0) >= 89.9 && Math.abs(lat1) >= 89.9) continue; // Antarctica's closure along the pole
      for (const shift of shifts) {
        const a = lon0 + shift;
        const b = lon1 + shift;
        if (Math.max(a, b) < west || Math.min(a, b) > east) continue;
        if (Math.max(lat0, lat1) < south || Math.min(lat0, lat1) > north) continue;
        canvas.line(toX(a), toY(lat0), toX(b), toY(lat1), COASTLINE_COLOR, inside);
      }
    }
  }
}

function drawMosaic(
  canvas: Canvas,
  layout: MapLayout,
  n: number,
  field: ArrayLike<number>,
  paint: (value: number) => Rgb,
): void {
  const { map } = layout;
  const size = layout.faceSize!;
  for (const placement of FACE_PLACEMENTS) {
    const left = map.x + placement.column * size;
    const top = map.y + placement.row * size;
    for (let py = 0; py < size; py++) {
      const r = Math.min(n - 1, Math.floor(((py + 0.5) * n) / size));
      for (let px = 0; px < size; px++) {
        const c = Math.min(n - 1, Math.floor(((px + 0.5) * n) / size));
        const [y, x] = placement.cell(r, c, n);
        canvas.setPixel(left + px, top + py, paint(field[cubedSphereIndex(placement.face, y, x, n)]!));
      }
    }
  }
}

function drawFaceLabels(canvas: Canvas, layout: MapLayout): void {
  const size = layout.faceSize!;
  for (const placement of FACE_PLACEMENTS) {
    const left = layout.map.x + placement.column * size;
    const top = layout.map.y + placement.row * size;
    const label = String(placement.face + 1);
    canvas.fillRect(left + 2, top + 2, textWidth(label) + 4, textHeight() + 3, FACE_LABEL_BACKGROUND);
    canvas.text(left + 4, top + 4, label, BLACK);
  }
}

/** Coastlines on the face mosaic; a segment whose ends lie on different faces is left out. */
function drawCubeCoastlines(canvas: Canvas, layout: MapLayout, projection: CubeProjection): void {
  const size = layout.faceSize!;
  const blocks = new Map(FACE_PLACEMENTS.map((p) => [p.face, p]));
  for (const ring of landRings()) {
    let previous: { face: number; px: number; py: number } | undefined;
    for (let i = 0; i + 1 < ring.length; i += 2) {
      const lat = ring[i + 1]!;
      if (Math.abs(lat) >= 89.9) {
        previous = undefined;
        continue;
      }
      const { face, y, x } = projection.locate(ring[i]!, lat);
      const placement = blocks.get(face)!;
      const [row, column] = placement.place(y, x);
      const point = {
        face,
        px: layout.map.x + (placement.column + column) * size - 0.5,
        py: layout.map.y + (placement.row + row) * size - 0.5,
      };
      if (previous && previous.face === face) {
        const left = layout.map.x + placement.column * size;
        const top = layout.map.y + placement.row * size;
        const inside = (px: number, py: number): boolean =>
          px >= left && px < left + size && py >= top && py < top + size;
        canvas.line(previous.px, previous.py, point.px, point.py, COASTLINE_COLOR, inside);
      }
      previous = point;
    }
  }
}

function drawColorBar(
  canvas: Canvas,
  layout: MapLayout,
  colormap: ColormapName,
  color: ColorRange,
  units: string | null,
): void {
  const { bar } = layout;
  const [min, max] = color.range;
  for (let px = 0; px < bar.w; px++) {
    const entry = colormapEntry(
      colormap,
      Math.min(COLORMAP_SIZE - 1, Math.floor(((px + 0.5) / bar.w) * COLORMAP_SIZE)),
    );
    canvas.fillRect(bar.x + px, bar.y, 1, bar.h, entry);
  }
  canvas.strokeRect(bar.x - 1, bar.y - 1, bar.w + 2, bar.h + 2, BLACK);
  // Triangles pointing outwards mark values beyond the range.
  const middle = (bar.h - 1) / 2;
  for (let k = 0; k < bar.h; k++) {
    const length = Math.round((BAR_END - 2) * (1 - Math.abs(k - middle) / (bar.h / 2)));
    if (color.clippedLow)
      canvas.fillRect(bar.x - 1 - length, bar.y + k, length, 1, colormapEntry(colormap, 0));
    if (color.clippedHigh) {
      canvas.fillRect(bar.x + bar.w + 1, bar.y + k, length, 1, colormapEntry(colormap, COLORMAP_SIZE - 1));
    }
  }

  // Ticks and labels, fewer when the labels would touch.
  const labelY = bar.y + bar.h + 4 + 3;
  for (let maxTicks = 7; maxTicks >= 2; maxTicks--) {
    const ticks = niceTicks(min, max, maxTicks);
    const { labels, exponent } = tickLabels(ticks, color.range);
    const positions = ticks.map((t) => bar.x + Math.round(((t - min) / (max - min)) * (bar.w - 1)));
    const boxes = labels.map((label, i) => {
      const w = textWidth(label);
      const x = Math.min(layout.width - MARGIN - w, Math.max(MARGIN, positions[i]! - Math.floor(w / 2)));
      return [x, x + w] as const;
    });
    if (maxTicks > 2 && boxes.some((box, i) => i > 0 && box[0] < boxes[i - 1]![1] + 6)) continue;
    positions.forEach((x, i) => {
      canvas.fillRect(x, bar.y + bar.h + 1, 1, 4, BLACK);
      canvas.text(boxes[i]![0], labelY, labels[i]!, BLACK);
    });
    drawLegend(canvas, layout, labelY + textHeight() + 6, units, exponent, color);
    return;
  }
}

function drawLegend(
  canvas: Canvas,
  layout: MapLayout,
  y: number,
  units: string | null,
  exponent: number,
  color: ColorRange,
): void {
  const scaleText = exponent === 0 ? '' : `x 1e${exponent} `;
  const unitText = `${scaleText}${units ?? '(no units)'}`;
  const rangeText =
    color.source === 'percentile'
      ? '   colours: 2nd-98th percentile; triangles mark values beyond'
      : color.clippedLow || color.clippedHigh
        ? '   triangles mark values beyond the range'
        : '';
  const text = fitText(unitText + rangeText, layout.width - 2 * MARGIN);
  canvas.text(Math.max(MARGIN, Math.floor((layout.width - textWidth(text)) / 2)), y, text, BLACK);
}
