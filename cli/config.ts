/**
 * Where the CLI finds things: the data directory, the API (an explicit URL or
 * the local platform announced in `<dataDir>/platform.json`), and the token
 * (GCR_TOKEN, or one the local platform issues for the current user through
 * its token route). The CLI never imports the local platform: it reads
 * platform.json (schemas/local/platform-info.schema.json) and talks HTTP.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PlatformInfo } from '#schemas/generated/types.js';
import { requestLocalToken, type FetchLike } from './api-client.js';
import type { Profile } from './auth/profiles.js';
import { ApiError, AuthError, ConnectionError, UsageError } from './errors.js';
import type { Env } from './io.js';

export const DEFAULT_DATA_DIR = '.gcr';
export const PLATFORM_FILE = 'platform.json';
/** Where the token route is when platform.json does not say (a platform from before `tokenUrl`). */
const DEFAULT_TOKEN_PATH = '/local/tokens';

/** What the CLI needs of platform.json. */
export interface RunningPlatform extends Pick<PlatformInfo, 'url' | 'tokenUrl' | 'pid' | 'auth'> {
  /** The per-start secret in the header platform.json names: the token route refuses requests without it. */
  tokenHeaders: Record<string, string>;
  /** The SQS endpoint over the local queues (`gcr admin --local`), when platform.json names one. */
  sqsEndpoint?: string;
}

export type PlatformLookup =
  | { state: 'running'; info: RunningPlatform; file: string }
  | { state: 'missing'; file: string }
  | { state: 'stopped'; info: RunningPlatform; file: string }
  | { state: 'invalid'; reason: string; file: string };

export interface ApiTarget {
  /** Base URL of the API, without a trailing slash. */
  url: string;
  /** Where the URL came from, for messages. */
  source: '--api' | 'GCR_API_URL' | 'platform.json' | 'profile';
  /** The token route, when the URL is the local platform of `dataDir` (a token may then be asked of it). */
  localTokenUrl?: string;
  /** What a request to the token route carries (the secret from platform.json). */
  localTokenHeaders?: Record<string, string>;
  dataDir: string;
}

/** How the CLI makes requests: the io's fetch (tests) and the request timeout. */
export interface HttpSettings {
  fetch?: FetchLike;
  timeoutMs: number;
}

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
  const url = obj.url.replace(/\/+$/, '');
  const pid = typeof obj.pid === 'number' ? obj.pid : Number(obj.pid);
  const tokenUrl =
    typeof obj.tokenUrl === 'string' && isHttpUrl(obj.tokenUrl)
      ? obj.tokenUrl
      : `${url}${DEFAULT_TOKEN_PATH}`;
  // A platform from before the secret needs none; platform.json is readable only by the data directory's owner.
  const tokenHeaders: Record<string, string> =
    typeof obj.tokenSecretHeader === 'string' && typeof obj.tokenSecret === 'string'
      ? { [obj.tokenSecretHeader]: obj.tokenSecret }
      : {};
  const endpoints = (
    typeof obj.endpoints === 'object' && obj.endpoints !== null ? obj.endpoints : {}
  ) as Record<string, unknown>;
  const sqsEndpoint =
    typeof endpoints['sqs'] === 'string' && isHttpUrl(endpoints['sqs']) ? endpoints['sqs'] : undefined;
  const auth = isPlatformAuth(obj.auth) ? obj.auth : undefined;
  const info: RunningPlatform = {
    url,
    tokenUrl,
    pid,
    tokenHeaders,
    ...(sqsEndpoint ? { sqsEndpoint } : {}),
    ...(auth ? { auth } : {}),
  };
  return isPidAlive(pid) ? { state: 'running', info, file } : { state: 'stopped', info, file };
}

/** platform.json's OpenID provider, when it names one with every URL (a platform from before it names none). */
function isPlatformAuth(value: unknown): value is NonNullable<PlatformInfo['auth']> {
  if (typeof value !== 'object' || value === null) return false;
  const auth = value as Record<string, unknown>;
  const urls = ['issuer', 'authorizeUrl', 'tokenUrl', 'revocationUrl', 'jwksUrl'];
  return (
    urls.every((key) => typeof auth[key] === 'string' && isHttpUrl(auth[key])) &&
    typeof auth.clientId === 'string' &&
    Array.isArray(auth.scopes) &&
    auth.scopes.every((scope) => typeof scope === 'string')
  );
}

/** The running local platform of `dataDir`, or the error that says to start it (exit 3). */
export async function runningPlatform(dataDir: string, remedy?: string): Promise<RunningPlatform> {
  const lookup = await readPlatform(dataDir);
  if (lookup.state !== 'running') throw noPlatformError(dataDir, lookup, remedy);
  return lookup.info;
}

export function noPlatformError(
  dataDir: string,
  lookup?: PlatformLookup,
  remedy = 'start it with `npm start`, or pass --api URL',
): ConnectionError {
  const details: string[] = [];
  if (lookup?.state === 'stopped') {
    details.push(`${lookup.file} names pid ${lookup.info.pid}, which is not running (a stale file)`);
  } else if (lookup?.state === 'invalid') {
    details.push(`${lookup.file} is unreadable: ${lookup.reason}`);
  } else if (lookup?.state === 'missing') {
    details.push(`${lookup.file} does not exist`);
  }
  return new ConnectionError(
    `no local platform is running in ${dataDir}: ${remedy}`,
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
 * The API to talk to: `--api`, else GCR_API_URL, else the profile's apiUrl,
 * else the running local platform of the data directory. Fails with the
 * `npm start` hint when there is none. The local platform's dev tokens are
 * offered only when the profile allows them (the built-in `local` profile).
 */
export async function resolveApiTarget(
  options: { api?: string; dataDir: string; profile?: Profile },
  env: Env,
): Promise<ApiTarget> {
  const { dataDir } = options;
  const profile = options.profile ?? { local: true, devTokens: true };
  const devTokens = profile.local === true && profile.devTokens !== false;
  const explicit = options.api
    ? { url: options.api, source: '--api' as const }
    : env.GCR_API_URL
      ? { url: env.GCR_API_URL, source: 'GCR_API_URL' as const }
      : !profile.local && profile.apiUrl
        ? { url: profile.apiUrl, source: 'profile' as const }
        : undefined;

  if (explicit) {
    if (!isHttpUrl(explicit.url)) {
      throw new UsageError(`${explicit.source} must be an http(s) URL, got ${JSON.stringify(explicit.url)}`);
    }
    const lookup = await readPlatform(dataDir);
    const local = devTokens && lookup.state === 'running' && sameOrigin(explicit.url, lookup.info.url);
    return {
      url: explicit.url.replace(/\/+$/, ''),
      source: explicit.source,
      ...(local ? { localTokenUrl: lookup.info.tokenUrl, localTokenHeaders: lookup.info.tokenHeaders } : {}),
      dataDir,
    };
  }

  if (!profile.local) {
    throw new UsageError('the profile names no apiUrl: run `gcr configure`, or pass --api URL');
  }
  const platform = await runningPlatform(dataDir);
  return {
    url: platform.url,
    source: 'platform.json',
    ...(devTokens ? { localTokenUrl: platform.tokenUrl, localTokenHeaders: platform.tokenHeaders } : {}),
    dataDir,
  };
}

/** What to tell the user when the local platform does not answer. */
export function localPlatformHint(
  dataDir: string,
  remedy = 'Start it with `npm start`, or pass --api URL',
): string {
  return `is the local platform in ${dataDir} still running? ${remedy}`;
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

/**
 * GCR_TOKEN, else the access token of the profile's login (`login`, refreshed
 * when needed), else a token the local platform issues for the current user
 * (GCR_USER, else the login name) through its token route, when the API is
 * the local platform and the profile allows dev tokens. Otherwise an error
 * saying to log in (exit 4).
 */
export async function resolveToken(
  target: ApiTarget,
  env: Env,
  http: HttpSettings,
  login?: { profile: string; accessToken: () => Promise<string | undefined> },
): Promise<string> {
  const fromEnv = env.GCR_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  const fromLogin = await login?.accessToken();
  if (fromLogin) return fromLogin;
  if (target.localTokenUrl === undefined) {
    const profile = login ? ` (profile ${login.profile})` : '';
    throw new AuthError(
      `not logged in to ${target.url}${profile}: run \`gcr login\`, or set GCR_TOKEN to a token the API accepts`,
      { code: 'NoToken' },
    );
  }
  const user = localUser(env);
  try {
    const answer = await requestLocalToken(
      target.localTokenUrl,
      { user },
      {
        ...http,
        headers: target.localTokenHeaders ?? {},
        unreachableHint: localPlatformHint(target.dataDir),
      },
    );
    return answer.token;
  } catch (error) {
    // The platform refused the user name, or failed: no token, so an authentication problem.
    if (!(error instanceof ApiError)) throw error;
    throw new AuthError(
      `the local platform in ${target.dataDir} gave no token for user ${JSON.stringify(user)} (GCR_USER, else your login name): ${error.message}`,
      { code: 'SigningFailed', issues: error.issues, httpStatus: error.httpStatus, cause: error },
    );
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
