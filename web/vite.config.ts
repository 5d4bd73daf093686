/**
 * The web console's build (Vite) and its component tests (Vitest). The console
 * imports the spec rules from shared/science and the contracts from schemas/
 * (package.json "imports" aliases), so the wizard refuses what the API refuses
 * with the same code.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { ajvPrecompiled } from './vite-plugins/ajv-precompiled.js';

const webRoot = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(webRoot, '..');

export default defineConfig({
  root: webRoot,
  plugins: [react(), ajvPrecompiled()],
  build: {
    outDir: path.join(webRoot, 'dist'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
  server: { fs: { allow: [repoRoot] } },
  test: {
    root: repoRoot,
    include: ['test/unit/web/**/*.test.tsx', 'test/unit/web/**/*.test.ts'],
    environment: 'happy-dom',
    setupFiles: [path.join(repoRoot, 'test/helpers/web/setup-dom.ts')],
    css: false,
  },
});
