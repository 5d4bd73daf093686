/**
 * Profiles: which API the CLI talks to and how it signs in, one per stack
 * (local, dev, prod). Kept in `<config dir>/profiles.json` (the config dir is
 * `$XDG_CONFIG_HOME/gcr`, else `~/.config/gcr`), chosen by `--profile`, else
 * GCR_PROFILE, else the file's `current`, else `local`.
 *
 * The built-in `local` profile follows the local platform of the data
 * directory (platform.json: its API URL and its OpenID provider) and, without a
 * login, uses the platform's dev tokens. A profile of a deployed stack holds
 * what `gcr configure` reads from the stack's outputs.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { Env } from '../io.js';

export const LOCAL_PROFILE = 'local';

export interface Profile {
  /** Base URL of the API (a deployed stack's ApiUrl). */
  apiUrl?: string;
  /** The Cognito hosted UI's base URL (the stack's UserPoolDomain), e.g. https://gcr-dev-123.auth.us-east-1.amazoncognito.com. */
  authDomain?: string;
  /** The public app client `gcr login` signs in with (the stack's CliClientId). */
  clientId?: string;
  /** The loopback port registered as the app client's callback (Cognito wants an exact URL). */
  callbackPort?: number;
  region?: string;
  stack?: string;
  userPoolId?: string;
  /** Follows the local platform of the data directory (platform.json) instead of apiUrl/authDomain. */
  local?: boolean;
  /** With `local`: without a login, use the platform's dev tokens (the built-in local profile does). */
  devTokens?: boolean;
}

/** Settings `gcr config set` accepts, with how each is parsed. */
export const PROFILE_KEYS: Record<keyof Profile, (value: string) => Profile[keyof Profile]> = {
  apiUrl: (v) => httpUrl('apiUrl', v),
  authDomain: (v) => httpUrl('authDomain', v),
  clientId: (v) => v,
  callbackPort: (v) => {
    const port = Number(v);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new UsageError(`callbackPort must be a port number, got ${JSON.stringify(v)}`);
    }
    return port;
  },
  region: (v) => v,
  stack: (v) => v,
  userPoolId: (v) => v,
  local: (v) => bool('local', v),
  devTokens: (v) => bool('devTokens', v),
};

function httpUrl(key: string, value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value.replace(/\/+$/, '');
  } catch {
    // reported below
  }
  throw new UsageError(`${key} must be an http(s) URL, got ${JSON.stringify(value)}`);
}

function bool(key: string, value: string): boolean {
  if (value === 'true' || value === 'false') return value === 'true';
  throw new UsageError(`${key} must be true or false, got ${JSON.stringify(value)}`);
}

export interface ProfilesFile {
  current?: string;
  profiles: Record<string, Profile>;
}

/** `$XDG_CONFIG_HOME/gcr`, else `$HOME/.config/gcr` (the user's config dir, not the project's data dir). */
export function configDir(env: Env): string {
  if (env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME))
    return path.join(env.XDG_CONFIG_HOME, 'gcr');
  return path.join(env.HOME || os.homedir(), '.config', 'gcr');
}

export function profilesFilePath(env: Env): string {
  return path.join(configDir(env), 'profiles.json');
}

const BUILT_IN_LOCAL: Profile = { local: true, devTokens: true };

export async function readProfiles(env: Env): Promise<ProfilesFile> {
  const file = profilesFilePath(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<ProfilesFile>;
    return { ...(parsed.current ? { current: parsed.current } : {}), profiles: parsed.profiles ?? {} };
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON (${(error as Error).message}): fix or delete it`);
  }
}

export async function writeProfiles(env: Env, profiles: ProfilesFile): Promise<void> {
  const file = profilesFilePath(env);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(profiles, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}

/** Every profile, the built-in `local` one included (settings in the file override it). */
export function allProfiles(file: ProfilesFile): Record<string, Profile> {
  return { [LOCAL_PROFILE]: { ...BUILT_IN_LOCAL, ...file.profiles[LOCAL_PROFILE] }, ...withoutLocal(file) };
}

function withoutLocal(file: ProfilesFile): Record<string, Profile> {
  const { [LOCAL_PROFILE]: _local, ...rest } = file.profiles;
  return rest;
}

/** The profile in use: `--profile`, else GCR_PROFILE, else the file's current, else local. */
export async function resolveProfile(
  option: string | undefined,
  env: Env,
): Promise<{ name: string; profile: Profile }> {
  const file = await readProfiles(env);
  const name = option || env.GCR_PROFILE || file.current || LOCAL_PROFILE;
  const profile = allProfiles(file)[name];
  if (!profile) {
    const source = option
      ? '--profile'
      : env.GCR_PROFILE
        ? 'GCR_PROFILE'
        : `${profilesFilePath(env)} (current)`;
    throw new UsageError(
      `no profile ${JSON.stringify(name)} (from ${source}): create it with \`gcr configure --stack <name> --region <region> --profile ${name}\` or \`gcr config set ${name} apiUrl <url>\``,
    );
  }
  return { name, profile };
}

/** The outputs `gcr configure` reads: the infrastructure stack's (serverless.yml, Outputs). */
export const STACK_OUTPUTS = {
  apiUrl: 'ApiUrl',
  authDomain: 'UserPoolDomain',
  clientId: 'CliClientId',
  callbackPort: 'CliCallbackPort',
  userPoolId: 'UserPoolId',
} as const;

/**
 * A profile from a stack's outputs (ApiUrl, UserPoolDomain, CliClientId,
 * CliCallbackPort, UserPoolId); the error names every output that is missing.
 */
export function profileFromOutputs(
  outputs: Record<string, string>,
  where: { stack: string; region: string },
): Profile {
  const required = [STACK_OUTPUTS.apiUrl, STACK_OUTPUTS.authDomain, STACK_OUTPUTS.clientId];
  const missing = required.filter((key) => !outputs[key]);
  if (missing.length > 0) {
    throw new UsageError(
      `stack ${where.stack} (${where.region}) has no output ${missing.join(', ')}: is it the infrastructure stack (serverless.yml at the repository root), deployed from this version?`,
    );
  }
  const port = outputs[STACK_OUTPUTS.callbackPort];
  return {
    apiUrl: PROFILE_KEYS.apiUrl(outputs[STACK_OUTPUTS.apiUrl] as string) as string,
    authDomain: PROFILE_KEYS.authDomain(outputs[STACK_OUTPUTS.authDomain] as string) as string,
    clientId: outputs[STACK_OUTPUTS.clientId] as string,
    ...(port ? { callbackPort: PROFILE_KEYS.callbackPort(port) as number } : {}),
    ...(outputs[STACK_OUTPUTS.userPoolId] ? { userPoolId: outputs[STACK_OUTPUTS.userPoolId] } : {}),
    region: where.region,
    stack: where.stack,
  };
}
