/**
 * esbuild plugins of the submission bundles (custom.esbuild.plugins; loaded
 * with require(), which takes an ES module from Node 20.19 on).
 *
 * The run-directory generator (shared/science/rundir/) reads GEOS-Chem's templates at
 * run time from `new URL('../geoschem/templates/', import.meta.url)`. In a
 * bundle, import.meta.url is the bundle's own file (src/handlers/<name>.mjs), so
 * the templates are copied to src/geoschem/templates/ next to it, from where
 * the function's zip picks them up.
 */
import { cpSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TEMPLATES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../shared/science/geoschem/templates',
);

/** What the plugins copy: the local platform rebuilds its bundles when these change (local/lambda/function-bundles.ts). */
export const copiedFrom = [TEMPLATES];

/** Every function's bundle lands in the same directory: copy once (cpSync replaces files by unlinking them). */
const copied = new Set();

const geoschemTemplates = {
  name: 'geoschem-templates',
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length > 0 || !build.initialOptions.outdir) return;
      const target = path.resolve(build.initialOptions.outdir, '..', 'geoschem', 'templates');
      if (copied.has(target)) return;
      copied.add(target);
      cpSync(TEMPLATES, target, { recursive: true });
    });
  },
};

export default [geoschemTemplates];
