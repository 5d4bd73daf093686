// Bundles the job runner into one ES module with its dependencies (AWS SDK
// included), for the images' runtime stage: node /opt/gcr/runner.mjs.
//   node containers/runner/build.mjs <outfile>   (outside the repository, or ignored by it)
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
if (!process.argv[2]) {
  process.stderr.write('usage: node containers/runner/build.mjs <outfile>\n');
  process.exit(2);
}
const outfile = path.resolve(process.argv[2]);

await build({
  entryPoints: [path.join(here, 'src/main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: false,
  sourcemap: 'inline',
  legalComments: 'none',
  // Some SDK dependencies still call require(): give the ES module one.
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
process.stdout.write(`bundled the job runner into ${outfile}\n`);
