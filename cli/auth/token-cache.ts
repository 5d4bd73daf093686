/**
 * A profile's login: `<config dir>/tokens/<profile>.json`, mode 0600 in a 0700
 * directory (the tokens are bearer credentials). Written by `gcr login` and by
 * each refresh, deleted by `gcr logout`.
 */
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Env } from '../io.js';
import { configDir } from './profiles.js';

export interface CachedLogin {
  profile: string;
  /** The token endpoint that issued the tokens: a login for another issuer (a restarted local platform) is stale. */
  tokenUrl: string;
  revocationUrl?: string;
  clientId: string;
  accessToken: string;
  idToken?: string;
  refreshToken?: string;
  /** When the access token expires (ISO 8601). */
  expiresAt: string;
  /** Who signed in, for messages. */
  username?: string;
}

export function tokenCachePath(env: Env, profile: string): string {
  return path.join(configDir(env), 'tokens', `${encodeURIComponent(profile)}.json`);
}

export async function readCachedLogin(env: Env, profile: string): Promise<CachedLogin | undefined> {
  try {
    const cached = JSON.parse(await readFile(tokenCachePath(env, profile), 'utf8')) as CachedLogin;
    return typeof cached.accessToken === 'string' && typeof cached.tokenUrl === 'string' ? cached : undefined;
  } catch (error) {
    // A missing or unreadable cache is no login: `gcr login` writes a new one.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

export async function writeCachedLogin(env: Env, login: CachedLogin): Promise<string> {
  const file = tokenCachePath(env, login.profile);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await chmod(path.dirname(file), 0o700);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  // The mode argument is masked by the umask: set it explicitly before the file takes its name.
  await chmod(tmp, 0o600);
  await rename(tmp, file);
  return file;
}

/** Deletes a profile's login; whether there was one. */
export async function deleteCachedLogin(env: Env, profile: string): Promise<boolean> {
  const file = tokenCachePath(env, profile);
  try {
    await rm(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
