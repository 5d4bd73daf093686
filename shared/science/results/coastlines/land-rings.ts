/**
 * Natural Earth 110m land rings as lon/lat pairs (degrees), decoded once from
 * ./land-110m.ts.
 */
import { LAND_110M_RINGS } from './land-110m.js';

let decoded: Float32Array[] | undefined;

/** Each ring as [lon0, lat0, lon1, lat1, ...] in degrees. */
export function landRings(): readonly Float32Array[] {
  decoded ??= LAND_110M_RINGS.map((ring) => {
    const pairs = ring.split(';');
    const out = new Float32Array(pairs.length * 2);
    pairs.forEach((pair, i) => {
      const [lon, lat] = pair.split(' ');
      out[2 * i] = Number(lon) / 100;
      out[2 * i + 1] = Number(lat) / 100;
    });
    return out;
  });
  return decoded;
}
