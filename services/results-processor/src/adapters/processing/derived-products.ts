import { renderVariablePreview } from '#shared/science/results/preview/index.js';
import { writeSurfaceMeans } from '#shared/science/results/surface-means.js';
import type { DerivedProducts, PreviewImage } from '../../domain/processing/ports.js';

/**
 * Surface time means of a collection (shared/science/results/surface-means.ts) and
 * preview maps drawn from them (shared/science/results/preview/).
 */
export const derivedProducts: DerivedProducts = {
  async writeSurfaceMeans(sourcePaths, outPath, options = {}) {
    await writeSurfaceMeans(sourcePaths, outPath, options);
  },
  async renderPreviews(surfacePath, variables, options = {}) {
    const images: PreviewImage[] = [];
    for (const variable of variables) {
      options.budget?.check();
      const png = await renderVariablePreview(surfacePath, variable, {
        title: `${variable} - surface, time mean`,
      });
      images.push({ variable, png });
    }
    return images;
  },
};
