/**
 * dev - ref maps from two runs' surface-means files, drawn by the shared
 * preview renderer (diverging colours, range symmetric about zero).
 */
import { renderDifferenceMap } from '#shared/science/results/preview/render-map.js';
import { readSurfaceMeans, type SurfaceMeans } from '#shared/science/results/surface-means.js';
import type { DifferenceMapRenderer } from '../../domain/api/compare.js';

function sameGrid(a: SurfaceMeans['grid'], b: SurfaceMeans['grid']): boolean {
  if (a.kind === 'lat-lon' && b.kind === 'lat-lon') {
    return a.lat.length === b.lat.length && a.lon.length === b.lon.length;
  }
  return a.kind === 'cubed-sphere' && b.kind === 'cubed-sphere' && a.n === b.n;
}

/** Reads each surface file once per comparison (they are small: one 2-D field per variable). */
export function createDifferenceMapRenderer(): DifferenceMapRenderer {
  const files = new Map<string, Promise<SurfaceMeans>>();
  const read = (path: string): Promise<SurfaceMeans> => {
    let means = files.get(path);
    if (!means) {
      means = readSurfaceMeans(path);
      files.set(path, means);
    }
    return means;
  };
  return {
    async render({ refPath, devPath, variable, title }) {
      const [ref, dev] = await Promise.all([read(refPath), read(devPath)]);
      const a = ref.variables.get(variable);
      const b = dev.variables.get(variable);
      if (!a || !b || !sameGrid(ref.grid, dev.grid) || a.data.length !== b.data.length) return undefined;
      return renderDifferenceMap(a.data, b.data, ref.grid, {
        title,
        subtitle: a.longName ?? undefined,
        units: a.units,
      });
    },
  };
}
