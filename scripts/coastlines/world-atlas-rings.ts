/**
 * Land rings from world-atlas's land-110m.json via topojson-client. Used only
 * to (re)generate and check ./land-110m.ts, not at run time.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

export type LonLatRing = [number, number][];

export function landRingsFromWorldAtlas(): LonLatRing[] {
  const require = createRequire(import.meta.url);
  const topology = JSON.parse(
    readFileSync(require.resolve('world-atlas/land-110m.json'), 'utf8'),
  ) as Topology<{
    land: GeometryCollection;
  }>;
  const land = feature(topology, topology.objects.land);
  const rings: LonLatRing[] = [];
  for (const f of land.features) {
    const geometry = f.geometry;
    const polygons =
      geometry.type === 'MultiPolygon'
        ? geometry.coordinates
        : geometry.type === 'Polygon'
          ? [geometry.coordinates]
          : [];
    for (const polygon of polygons)
      for (const ring of polygon) rings.push(ring.map(([lon, lat]) => [lon!, lat!]));
  }
  return rings;
}

/** Rings as "lon lat;lon lat;..." in hundredths of a degree. */
export function encodeLandRings(rings: LonLatRing[]): string[] {
  return rings.map((ring) =>
    ring.map(([lon, lat]) => `${Math.round(lon * 100)} ${Math.round(lat * 100)}`).join(';'),
  );
}
