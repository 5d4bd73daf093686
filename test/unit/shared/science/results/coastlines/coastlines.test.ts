/**
 * The committed coastline data (shared/science/results/coastlines/land-110m.ts) is
 * world-atlas's Natural Earth 110m land, as topojson-client projects it.
 */
import { describe, expect, it } from '@jest/globals';
import { LAND_110M_RINGS } from '#shared/science/results/coastlines/land-110m.js';
import { landRings } from '#shared/science/results/coastlines/land-rings.js';
import { encodeLandRings, landRingsFromWorldAtlas } from '#scripts/coastlines/world-atlas-rings.js';

describe('Natural Earth 110m land rings', () => {
  it('match world-atlas land-110m.json (regenerate with build-land-110m.ts when they do not)', () => {
    expect(LAND_110M_RINGS).toEqual(encodeLandRings(landRingsFromWorldAtlas()));
  });

  it('decode to closed lon/lat rings within -180..180 and -90..90', () => {
    const rings = landRings();
    expect(rings.length).toBeGreaterThan(100);
    for (const ring of rings) {
      expect(ring.length % 2).toBe(0);
      expect(ring[0]).toBe(ring[ring.length - 2]);
      expect(ring[1]).toBe(ring[ring.length - 1]);
      for (let i = 0; i < ring.length; i += 2) {
        expect(Math.abs(ring[i]!)).toBeLessThanOrEqual(180);
        expect(Math.abs(ring[i + 1]!)).toBeLessThanOrEqual(90);
      }
    }
  });
});
