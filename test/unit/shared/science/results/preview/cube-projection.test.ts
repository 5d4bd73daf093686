/**
 * CubeProjection, learnt from a real GCHP C24 grid's lats/lons: every cell
 * centre is located back in its own face and cell, and coastlines are drawn on
 * the faces the land is on.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { CubeProjection } from '#shared/science/results/preview/cube-projection.js';
import { FACE_PLACEMENTS } from '#shared/science/results/preview/cubed-sphere.js';
import { COASTLINE_COLOR, mapLayout, renderMap } from '#shared/science/results/preview/render-map.js';
import { readSurfaceField, type SurfaceGrid } from '#shared/science/results/surface-field.js';

const GCHP = fileURLToPath(
  new URL('../../../../../fixtures/geoschem_nc/GCHP.SpeciesConc.20180101_1200z.nc4', import.meta.url),
);

let grid: Extract<SurfaceGrid, { kind: 'cubed-sphere' }>;
beforeAll(async () => {
  const field = await readSurfaceField(GCHP, 'SpeciesConc_O3');
  if (field.grid.kind !== 'cubed-sphere') throw new Error('expected a cubed-sphere grid');
  grid = field.grid;
});

describe('CubeProjection', () => {
  it('puts every cell centre of the C24 grid back in its own face and cell', () => {
    const n = grid.n;
    const projection = CubeProjection.fromCellCentres(grid.lats!, grid.lons!, n);
    let misplaced = 0;
    for (let face = 0; face < 6; face++) {
      for (let y = 0; y < n; y++) {
        for (let x = 0; x < n; x++) {
          const i = (face * n + y) * n + x;
          const found = projection.locate(grid.lons![i]!, grid.lats![i]!);
          if (found.face !== face || Math.floor(found.y * n) !== y || Math.floor(found.x * n) !== x)
            misplaced++;
        }
      }
    }
    expect(misplaced).toBe(0);
  });

  it('finds Africa on face 1 and the Americas on face 5, and Antarctica on face 6', () => {
    const projection = CubeProjection.fromCellCentres(grid.lats!, grid.lons!, grid.n);
    expect(projection.locate(-17.4, 14.7).face).toBe(0); // Dakar
    expect(projection.locate(-90, 15).face).toBe(4); // Central America
    expect(projection.locate(0, -80).face).toBe(5);
    expect(projection.locate(0, 80).face).toBe(2);
  });
});

describe('coastlines on the cube mosaic', () => {
  it('draws coastlines on every face (each has land at 1:110m), and none without lats/lons', () => {
    const field = new Float32Array(6 * grid.n * grid.n).fill(1);
    const layout = mapLayout(grid);
    const size = layout.faceSize!;
    /** Coastline-coloured pixels of a face block, leaving out the face label's corner. */
    const coastPixels = (png: PNG, face: number): number => {
      const placement = FACE_PLACEMENTS.find((p) => p.face === face)!;
      let count = 0;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          if (x < 16 && y < 16) continue;
          const px = layout.map.x + placement.column * size + x;
          const py = layout.map.y + placement.row * size + y;
          const i = (py * png.width + px) * 4;
          if (COASTLINE_COLOR.every((c, k) => png.data[i + k] === c)) count++;
        }
      }
      return count;
    };
    const png = PNG.sync.read(renderMap(field, grid, { title: 'C24', units: null, range: [0, 2] }));
    for (let face = 0; face < 6; face++) expect(coastPixels(png, face)).toBeGreaterThan(50);
    const bare = PNG.sync.read(
      renderMap(
        field,
        { kind: 'cubed-sphere', faces: 6, n: grid.n },
        { title: 'C24', units: null, range: [0, 2] },
      ),
    );
    for (let face = 0; face < 6; face++) expect(coastPixels(bare, face)).toBe(0);
  });
});
