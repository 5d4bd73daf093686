/**
 * The unfolded-cube mosaic of a GCHP cubed-sphere field.
 *
 * Assumptions (checked against the lats/lons of a real GCHP C24 file):
 * GCHP's standard gnomonic grid with face `nf` index 0..5 = faces 1..6, face
 * centres at about 350E, 80E, the north pole, 170E, 260E and the south pole;
 * data in each face indexed (Ydim, Xdim). On faces 1 and 2 Xdim runs east and
 * Ydim north; on faces 4 and 5 Xdim runs south and Ydim east; face 3's
 * Ydim = 0 edge borders face 2's northern edge (Xdim running east along it);
 * face 6's last Xdim column borders face 2's southern edge.
 *
 * Layout, in blocks of one face each (4 columns x 3 rows):
 *
 *           [3]
 *      [1]  [2]  [4]  [5]
 *           [6]
 *
 * Equatorial faces are drawn north up and east to the right, so the middle
 * row reads west to east from about 305E to 305E; faces 3 and 6 are turned so
 * that their edges meet face 2's.
 */

export interface FacePlacement {
  /** Face index along nf (0..5); the label is index + 1. */
  face: number;
  /** Block column and row in the 4 x 3 layout. */
  column: number;
  row: number;
  /** The (Ydim, Xdim) cell shown at block row `r` (top = 0) and column `c` (left = 0). */
  cell(r: number, c: number, n: number): [number, number];
  /** The same map on continuous positions in 0..1: face (y, x) to block (row, column). */
  place(y: number, x: number): [number, number];
}

export const MOSAIC_COLUMNS = 4;
export const MOSAIC_ROWS = 3;

export const FACE_PLACEMENTS: readonly FacePlacement[] = [
  { face: 0, column: 0, row: 1, cell: (r, c, n) => [n - 1 - r, c], place: (y, x) => [1 - y, x] },
  { face: 1, column: 1, row: 1, cell: (r, c, n) => [n - 1 - r, c], place: (y, x) => [1 - y, x] },
  { face: 2, column: 1, row: 0, cell: (r, c, n) => [n - 1 - r, c], place: (y, x) => [1 - y, x] },
  { face: 3, column: 2, row: 1, cell: (r, c) => [c, r], place: (y, x) => [x, y] },
  { face: 4, column: 3, row: 1, cell: (r, c) => [c, r], place: (y, x) => [x, y] },
  { face: 5, column: 1, row: 2, cell: (r, c, n) => [n - 1 - c, n - 1 - r], place: (y, x) => [1 - x, 1 - y] },
];

/** Index into a (nf, Ydim, Xdim) C-order array. */
export function cubedSphereIndex(face: number, y: number, x: number, n: number): number {
  return (face * n + y) * n + x;
}
