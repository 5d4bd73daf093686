/**
 * Where the CLI finds things: the data directory, the API (an explicit URL or
 * the local platform announced in `<dataDir>/platform.json`), and the token
 * (GCR_TOKEN, or one signed for the current user on the local platform).
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AuthError, ConnectionError, UsageError } from './errors.js';

export type Env = Record<string, string | undefined>;

export const DEFAULT_DATA_DIR = '.gcr';
export const PLATFORM_FILE = 'platform.json';

/** What the local platform writes to `<dataDir>/platform.json` while it runs. */
export interface PlatformInfo {
  url: string;
  pid: number;
  startedAt?: string;
  dataDir?: string;
}

export type PlatformLookup =
  | { state: 'running'; info: PlatformInfo; file: string }
  | { state: 'missing'; file: string }
  | { state: 'stopped'; info: PlatformInfo; file: string }
  | { state: 'invalid'; reason: string; file: string };

export interface ApiTarget {
  /** Base URL of the API, without a trailing slash. */
  url: string;
  /** Where the URL came from, for messages. */
  source: '--api' | 'GCR_API_URL' | 'platform.json';
  /** True when the URL is the local platform of `dataDir` (a token may then be signed locally). */
  local: boolean;
  dataDir: string;
}

export type SignLocalToken = (
  dataDir: string,
  opts: { user: string; groups?: string[]; ttlSeconds?: number },
) => Promise<string>;

/** `--data-dir`, else GCR_DATA_DIR, else `.gcr`, resolved against the working directory. */
export function resolveDataDir(option: string | undefined, env: Env, cwd: string): string {
  const chosen = option || env.GCR_DATA_DIR || DEFAULT_DATA_DIR;
  return path.resolve(cwd, chosen);
}

export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function readPlatform(dataDir: string): Promise<PlatformLookup> {
  const file = path.join(dataDir, PLATFORM_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing', file };
    return { state: 'invalid', reason: (error as Error).message, file };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { state: 'invalid', reason: `not JSON (${(error as Error).message})`, file };
  }
  const obj = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  if (typeof obj.url !== 'string' || !isHttpUrl(obj.url)) {
    return { state: 'invalid', reason: 'it has no valid "url"', file };
  }
  const pid = typeof obj.pid === 'number' ? obj.pid : Number(obj.pid);
  const info: PlatformInfo = {
    url: obj.url.replace(/\/+$/, ''),
    pid,
    startedAt: typeof obj.startedAt === 'string' ? obj.startedAt : undefined,
    dataDir: typeof obj.dataDir === 'string' ? obj.dataDir : undefined,
  };
  return isPidAlive(pid) ? { state: 'running', info, file } : { state: 'stopped', info, file };
}

export function noPlatformError(dataDir: string, lookup?: PlatformLookup): ConnectionError {
  const details: string[] = [];
  if (lookup?.state === 'stopped') {
    details.push(`${lookup.file} names pid ${lookup.info.pid}, which is not running (a stale file)`);
  } else if (lookup?.state === 'invalid') {
    details.push(`${lookup.file} is unreadable: ${lookup.reason}`);
  } else if (lookup?.state === 'missing') {
    details.push(`${lookup.file} does not exist`);
  }
  return new ConnectionError(
    `no local platform is running in ${dataDir}: start it with \`npm start\`, or pass --api URL`,
    lookup?.state === 'stopped' ? lookup.info.url : '',
    { code: 'NoLocalPlatform', details },
  );
}

export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function sameOrigin(a: string, b: string): boolean {
  try {
    const ua = new URL(a);
    const ub = new URL(b);
    const host = (h: string): string => (h === 'localhost' || h === '[::1]' ? '127.0.0.1' : h);
    return ua.protocol === ub.protocol && host(ua.hostname) === host(ub.hostname) && ua.port === ub.port;
  } catch {
    return false;
  }
}

/**
 * The API to talk to: `--api`, else GCR_API_URL, else the running local platform
 * of the data directory. Fails with the `npm start` hint when there is none.
 */
export async function resolveApiTarget(
  options: { api?: string; dataDir: string },
  env: Env,
): Promise<ApiTarget> {
  const { dataDir } = options;
  const explicit = options.api
    ? { url: options.api, source: '--api' as const }
    : env.GCR_API_URL
      ? { url: env.GCR_API_URL, source: 'GCR_API_URL' as const }
      : undefined;

  if (explicit) {
    if (!isHttpUrl(explicit.url)) {
      throw new UsageError(`${explicit.source} must be an http(s) URL, got ${JSON.stringify(explicit.url)}`);
    }
    const lookup = await readPlatform(dataDir);
    const local = lookup.state === 'running' && sameOrigin(explicit.url, lookup.info.url);
    return { url: explicit.url.replace(/\/+$/, ''), source: explicit.source, local, dataDir };
  }

  const lookup = await readPlatform(dataDir);
  if (lookup.state !== 'running') throw noPlatformError(dataDir, lookup);
  return { url: lookup.info.url, source: 'platform.json', local: true, dataDir };
}

/** GCR_USER, else the login name of the current OS user. */
export function localUser(env: Env): string {
  if (env.GCR_USER) return env.GCR_USER;
  try {
    return os.userInfo().username;
  } catch {
    return env.USER || env.USERNAME || 'user';
  }
}

/** The local platform's signer (local/auth/jwt.ts), loaded only when needed. */
export async function loadLocalSigner(): Promise<SignLocalToken> {
  let mod: { signLocalToken?: unknown };
  try {
    mod = (await import('#local/auth/jwt.js')) as { signLocalToken?: unknown };
  } catch (error) {
    throw new AuthError(
      `cannot sign a local token: the local platform's signer did not load (${(error as Error).message}); set GCR_TOKEN instead`,
      { code: 'NoSigner', cause: error },
    );
  }
  if (typeof mod.signLocalToken !== 'function') {
    throw new AuthError('cannot sign a local token: local/auth/jwt.ts has no signLocalToken; set GCR_TOKEN', {
      code: 'NoSigner',
    });
  }
  return mod.signLocalToken as SignLocalToken;
}

/** GCR_TOKEN, else a token signed for the current user when the API is the local platform. */
export async function resolveToken(
  target: ApiTarget,
  env: Env,
  signer: SignLocalToken | undefined,
): Promise<string> {
  const fromEnv = env.GCR_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  if (!target.local) {
    throw new AuthError(`no API token for ${target.url}: set GCR_TOKEN to a token the API accepts`, {
      code: 'NoToken',
    });
  }
  const sign = signer ?? (await loadLocalSigner());
  try {
    return await sign(target.dataDir, { user: localUser(env) });
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw new AuthError(`cannot sign a local token in ${target.dataDir}: ${(error as Error).message}`, {
      code: 'SigningFailed',
      cause: error,
    });
  }
}

/** The `exp` claim of a JWT as an ISO time, if it has one (no verification: display only). */
export function jwtExpiry(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : undefined;
  } catch {
    return undefined;
  }
}

/** Request timeout: GCR_HTTP_TIMEOUT seconds, default 15. */
export function timeoutMs(env: Env): number {
  const raw = env.GCR_HTTP_TIMEOUT;
  if (raw === undefined || raw === '') return 15_000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`GCR_HTTP_TIMEOUT must be a positive number of seconds, got ${JSON.stringify(raw)}`);
  }
  return Math.round(seconds * 1000);
}
