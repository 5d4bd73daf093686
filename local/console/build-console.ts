/**
 * Builds the web console (`npm run web:build`: Vite, web/vite.config.ts) into
 * web/dist when it is not there. `npm start` calls it before the platform
 * starts, and the end-to-end tests once per file
 * (test/helpers/web/console-browser.ts); startPlatform never builds (tests
 * that do not need the console should not pay for a build).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
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

/** Runs Vite's build of the console when web/dist has none; the build's output goes to `log` on failure. */
export async function ensureConsoleBuilt(root: string, log: (message: string) => void): Promise<void> {
  if (consoleIsBuilt(root)) return;
  log('building the web console (web/dist is missing)...');
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
