/**
 * Builds the web console (`npm run web:build`: Vite, web/vite.config.ts) into
 * web/dist when it is not there, or older than its sources. `npm start` calls it before the platform
 * starts, and the end-to-end tests once per file
 * (test/helpers/web/console-browser.ts); startPlatform never builds (tests
 * that do not need the console should not pay for a build).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export class ConsoleBuildError extends Error {
  override name = 'ConsoleBuildError';
}

export function consoleDistDir(root: string): string {
  return path.join(root, 'web', 'dist');
}

/** True when web/dist holds a build (its index.html). */
export function consoleIsBuilt(root: string): boolean {
  return existsSync(path.join(consoleDistDir(root), 'index.html'));
}

/** What the console is built from (web/vite.config.ts's root, the science and the contracts it imports). */
const CONSOLE_SOURCES = [
  'web/src',
  'web/index.html',
  'web/vite.config.ts',
  'web/vite-plugins',
  'shared/science',
  'schemas',
];

function newestChange(file: string): number {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(file, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** True when a source changed after web/dist was built (a pull, an edit): the build is stale. */
export function consoleIsStale(root: string): boolean {
  const builtAt = statSync(path.join(consoleDistDir(root), 'index.html')).mtimeMs;
  return CONSOLE_SOURCES.some((source) => newestChange(path.join(root, source)) > builtAt);
}

/** Runs Vite's build of the console when web/dist has none; the build's output goes to `log` on failure. */
export async function ensureConsoleBuilt(root: string, log: (message: string) => void): Promise<void> {
  const built = consoleIsBuilt(root);
  if (built && !consoleIsStale(root)) return;
  log(
    built
      ? 'building the web console (its sources changed since web/dist was built)...'
      : 'building the web console (web/dist is missing)...',
  );
  // vite's exports name no bin: find it next to its package.json.
  const vitePackage = createRequire(path.join(root, 'package.json')).resolve('vite/package.json');
  const vite = path.join(path.dirname(vitePackage), 'bin', 'vite.js');
  const output: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode ?? 1));
  });
  if (code !== 0 || !consoleIsBuilt(root)) {
    throw new ConsoleBuildError(`the console's build failed (exit ${code}):\n${output.join('')}`);
  }
}
