/**
 * The local data directory holds everything of the platform: the tables, the
 * bucket, the queues, the JWT signing key (`auth/jwt-key.json`) and
 * `platform.json` (with the token route's secret). Only its owner may read it:
 * the directory is 0700 and the secrets 0600. A directory made before this
 * rule, or by a tool with a looser umask, is tightened at start, with a
 * warning naming what changed.
 */
import { chmodSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const DATA_DIR_MODE = 0o700;
export const SECRET_FILE_MODE = 0o600;

/** The secrets under the data directory, relative to it, with the mode each must have. */
const SECRETS: readonly [string, number][] = [
  ['auth', DATA_DIR_MODE],
  [path.join('auth', 'jwt-key.json'), SECRET_FILE_MODE],
  ['platform.json', SECRET_FILE_MODE],
];

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

/** Sets `file` to `mode` if it exists with another; returns the warning to give, if any. */
function tighten(file: string, mode: number): string | undefined {
  let current: number;
  try {
    current = statSync(file).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (current === mode) return undefined;
  chmodSync(file, mode);
  return `${file} was mode ${octal(current)}${current & 0o077 ? ' (other users could read it)' : ''}: set to ${octal(mode)}`;
}

/**
 * Creates the data directory (0700) or tightens an existing one and the
 * secrets in it; `warn` hears of every mode it changed.
 */
export function secureDataDir(dataDir: string, warn: (message: string) => void): void {
  mkdirSync(dataDir, { recursive: true, mode: DATA_DIR_MODE });
  for (const [file, mode] of [['', DATA_DIR_MODE] as [string, number], ...SECRETS]) {
    const warning = tighten(path.join(dataDir, file), mode);
    if (warning) warn(warning);
  }
}

/** Writes a secret file whole and 0600 from its first byte (a temporary file renamed over it). */
export function writeSecretFile(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: SECRET_FILE_MODE });
  chmodSync(temporary, SECRET_FILE_MODE);
  renameSync(temporary, file);
}
