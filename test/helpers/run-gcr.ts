import { runCli } from '#cli/main.js';
import { repoRoot } from './local-dynamodb.js';

export interface GcrRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `gcr <argv>` in-process with this environment, capturing what it writes. */
export async function runGcr(argv: string[], env: Record<string, string>, cwd = repoRoot): Promise<GcrRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    cwd,
  });
  return { code, stdout, stderr };
}

/** `gcr` acting as `user` against the local platform of this data directory (found through platform.json). */
export function gcrAs(
  platform: { dataDir: string },
  user: string,
  options: { env?: Record<string, string>; cwd?: string } = {},
): (...argv: string[]) => Promise<GcrRun> {
  return (...argv) =>
    runGcr(argv, { GCR_DATA_DIR: platform.dataDir, GCR_USER: user, ...options.env }, options.cwd);
}
