import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlatformInfo } from '#schemas/generated/types.js';
import { signLocalToken } from './auth/jwt.js';

export type { PlatformInfo };

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface RunningPlatform extends PlatformInfo {
  process: ChildProcess;
  output: () => string;
  token(user: string, options?: { admin?: boolean }): Promise<string>;
  /** Graceful stop (SIGTERM), as Ctrl-C would. */
  stop(): Promise<void>;
  /** A crash: SIGKILL, no cleanup. */
  kill(): Promise<void>;
}

export function tempDataDir(prefix = 'gcr-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * Starts the real local platform (`npm start`'s entry point) as a child process on
 * a free port, and waits until it has written platform.json.
 */
export async function startPlatformProcess(
  options: { dataDir?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RunningPlatform> {
  const dataDir = options.dataDir ?? tempDataDir();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'local/main.ts')], {
    cwd: repoRoot,
    // No console unless a test asks for one (test/helpers/web/console-browser.ts): no build, no port 3001.
    env: {
      ...process.env,
      GCR_DATA_DIR: dataDir,
      GCR_PORT: '0',
      GCR_CONSOLE_PORT: 'off',
      NODE_OPTIONS: '',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const infoFile = path.join(dataDir, 'platform.json');
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    // A signal (SIGKILL while starting) leaves exitCode null: look at both.
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`platform exited with ${child.exitCode ?? child.signalCode}:\n${output}`);
    }
    if (existsSync(infoFile)) {
      try {
        const info = JSON.parse(readFileSync(infoFile, 'utf8')) as PlatformInfo;
        if (info.pid === child.pid) {
          return {
            ...info,
            process: child,
            output: () => output,
            token: (user, opts = {}) =>
              signLocalToken(dataDir, { user, groups: opts.admin ? ['admin'] : [] }),
            stop: async () => {
              child.kill('SIGTERM');
              // A platform that does not stop within 20 s is killed (and the caller told).
              const timer = setTimeout(() => {
                process.stderr.write(`platform ${child.pid} did not stop in 20 s: killing it\n`);
                child.kill('SIGKILL');
              }, 20_000);
              await exited(child);
              clearTimeout(timer);
            },
            kill: async () => {
              child.kill('SIGKILL');
              await exited(child);
            },
          };
        }
      } catch {
        // being written: try again
      }
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`platform did not start in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
