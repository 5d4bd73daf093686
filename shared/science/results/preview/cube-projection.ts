/**
 * Where a longitude/latitude falls on a GCHP cubed-sphere grid, learnt from
 * the grid's own cell centres (`lats`/`lons`), for drawing coastlines on the
 * face mosaic.
 *
 * Each face is treated as a gnomonic projection onto the plane tangent at the
 * face centre: a point belongs to the face whose centre it is closest to (true
 * for a cube), and its tangent-plane coordinates are turned into fractional
 * Xdim/Ydim indices by interpolating those of the cell centres along each
 * axis (gnomonic cubed-sphere grids are, to well within a cell, a tensor
 * product in these coordinates). Works for any gnomonic spacing and rotation.
 */
type Vec3 = [number, number, number];

interface FaceFrame {
  centre: Vec3;
  /** Unit vectors in the tangent plane along increasing Xdim and Ydim. */
  ex: Vec3;
  ey: Vec3;
  /** Tangent-plane coordinate of each Xdim column and Ydim row (increasing). */
  xs: Float64Array;
  ys: Float64Array;
}

const RAD = Math.PI / 180;

function unit(lon: number, lat: number): Vec3 {
  const c = Math.cos(lat * RAD);
  return [c * Math.cos(lon * RAD), c * Math.sin(lon * RAD), Math.sin(lat * RAD)];
}
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const scale = (a: Vec3, k: number): Vec3 => [a[0] * k, a[1] * k, a[2] * k];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const normalize = (a: Vec3): Vec3 => scale(a, 1 / Math.hypot(...a));

export class CubeProjection {
  private constructor(
    private readonly n: number,
    private readonly frames: FaceFrame[],
  ) {}

  /** From cell-centre latitudes and longitudes (nf, Ydim, Xdim) of a C`n` grid. */
  static fromCellCentres(lats: ArrayLike<number>, lons: ArrayLike<number>, n: number): CubeProjection {
    const frames: FaceFrame[] = [];
    for (let face = 0; face < 6; face++) {
      const at = (y: number, x: number): Vec3 => {
        const i = (face * n + y) * n + x;
        return unit(lons[i]!, lats[i]!);
      };
      let sum: Vec3 = [0, 0, 0];
      for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) sum = sub(sum, scale(at(y, x), -1));
      const centre = normalize(sum);
      const inPlane = (v: Vec3): Vec3 => normalize(sub(v, scale(centre, dot(v, centre))));
      const mid = Math.floor(n / 2);
      const ex = inPlane(sub(at(mid, n - 1), at(mid, 0)));
      const ey = inPlane(
        sub(sub(at(n - 1, mid), at(0, mid)), scale(ex, dot(sub(at(n - 1, mid), at(0, mid)), ex))),
      );
      const frame: FaceFrame = { centre, ex, ey, xs: new Float64Array(n), ys: new Float64Array(n) };
      for (let y = 0; y < n; y++) {
        for (let x = 0; x < n; x++) {
          const [a, b] = tangent(frame, at(y, x));
          frame.xs[x]! += a / n;
          frame.ys[y]! += b / n;
        }
      }
      frames.push(frame);
    }
    return new CubeProjection(n, frames);
  }

  /**
   * The face (0..5) a point is on and its position there as fractions 0..1
   * of the face along Ydim and Xdim (cell `i` spans i/n .. (i+1)/n).
   */
  locate(lon: number, lat: number): { face: number; y: number; x: number } {
    const p = unit(lon, lat);
    let face = 0;
    for (let f = 1; f < 6; f++)
      if (dot(p, this.frames[f]!.centre) > dot(p, this.frames[face]!.centre)) face = f;
    const frame = this.frames[face]!;
    const [a, b] = tangent(frame, p);
    return { face, y: (indexOf(frame.ys, b) + 0.5) / this.n, x: (indexOf(frame.xs, a) + 0.5) / this.n };
  }
}

function tangent(frame: FaceFrame, p: Vec3): [number, number] {
  const q = scale(p, 1 / dot(p, frame.centre));
  return [dot(q, frame.ex), dot(q, frame.ey)];
}

/** Fractional index of `v` in increasing `values`, extrapolated linearly past the ends. */
function indexOf(values: Float64Array, v: number): number {
  const n = values.length;
  if (n === 1) return 0;
  let i = 0;
  while (i < n - 2 && v > values[i + 1]!) i++;
  return i + (v - values[i]!) / (values[i + 1]! - values[i]!);
}
