/**
 * `gcr login`/`logout` and the token resolution against a Cognito-shaped
 * provider faked at the fetch seam: PKCE, state and nonce checks, the 0600
 * cache, refresh (Cognito keeps its refresh token), an ended login, GCR_TOKEN
 * first.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { runCli } from '#cli/main.js';
import { writeProfiles } from '#cli/auth/profiles.js';
import { writeCachedLogin } from '#cli/auth/token-cache.js';

const DOMAIN = 'https://gcr-dev.auth.us-east-1.amazoncognito.com';
const API = 'https://api.example.test';

let configHome: string;
let env: Record<string, string>;
let calls: { url: string; form?: URLSearchParams; authorization?: string }[];
let tokenAnswer: (form: URLSearchParams) => { status: number; body: Record<string, unknown> };

function jwt(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.sig`;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

async function fakeFetch(input: string, init: RequestInit): Promise<Response> {
  const headers = new Headers(init.headers);
  const form = typeof init.body === 'string' ? new URLSearchParams(init.body) : undefined;
  calls.push({
    url: input,
    ...(form ? { form } : {}),
    authorization: headers.get('authorization') ?? undefined,
  });
  if (input === `${DOMAIN}/oauth2/token`) {
    const answer = tokenAnswer(form ?? new URLSearchParams());
    return json(answer.status, answer.body);
  }
  if (input === `${DOMAIN}/oauth2/revoke`) return new Response('', { status: 200 });
  if (input.startsWith(`${API}/simulations`)) return json(200, { items: [] });
  return json(404, { message: 'not found' });
}

async function gcr(argv: string[], extra: { env?: Record<string, string> } = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { ...env, ...extra.env },
    cwd: configHome,
    fetch: fakeFetch,
  });
  return { code, stdout, stderr };
}

const cacheFile = () => path.join(configHome, 'gcr', 'tokens', 'dev.json');

beforeEach(async () => {
  configHome = await fs.mkdtemp(path.join(os.tmpdir(), 'gcr-login-'));
  env = { XDG_CONFIG_HOME: configHome, GCR_PROFILE: 'dev' };
  calls = [];
  await writeProfiles(env, {
    profiles: { dev: { apiUrl: API, authDomain: DOMAIN, clientId: 'cli-client', region: 'us-east-1' } },
  });
});

afterEach(async () => {
  await fs.rm(configHome, { recursive: true, force: true });
});

let printedUrl = '';

/** The redirect a browser would come back with: the code and this request's state, or what `change` makes of them. */
function redirectFor(change: (params: URLSearchParams) => void): string {
  const authorize = new URL(printedUrl);
  const params = new URLSearchParams({ code: 'the-code', state: authorize.searchParams.get('state') ?? '' });
  change(params);
  return `${authorize.searchParams.get('redirect_uri')}?${params}`;
}

/** A token endpoint like Cognito's: checks the PKCE verifier against the challenge sent to the hosted UI. */
function cognitoTokenEndpoint(nonce: (sent: string) => string = (sent) => sent) {
  return (form: URLSearchParams) => {
    if (form.get('grant_type') === 'refresh_token') {
      if (form.get('refresh_token') !== 'refresh-1') return { status: 400, body: { error: 'invalid_grant' } };
      // Cognito returns no new refresh token.
      return {
        status: 200,
        body: { access_token: jwt({ sub: 's', gen: 2, iat: 1, exp: 3601 }), expires_in: 3600 },
      };
    }
    const authorize = new URL(printedUrl);
    const challenge = createHash('sha256')
      .update(form.get('code_verifier') ?? '')
      .digest('base64url');
    const ok =
      form.get('grant_type') === 'authorization_code' &&
      form.get('code') === 'the-code' &&
      form.get('client_id') === 'cli-client' &&
      form.get('redirect_uri') === authorize.searchParams.get('redirect_uri') &&
      challenge === authorize.searchParams.get('code_challenge');
    if (!ok) return { status: 400, body: { error: 'invalid_grant' } };
    return {
      status: 200,
      body: {
        access_token: jwt({ sub: 's', username: 'alice', iat: 1, exp: 3601 }),
        id_token: jwt({
          'cognito:username': 'alice',
          nonce: nonce(authorize.searchParams.get('nonce') ?? ''),
        }),
        refresh_token: 'refresh-1',
        expires_in: 3600,
        token_type: 'Bearer',
      },
    };
  };
}

/** `gcr login --manual`: the pasted address is the redirect for the URL it printed. */
async function manualLogin(change: (params: URLSearchParams) => void = () => undefined) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['login', '--manual'], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    cwd: configHome,
    fetch: fakeFetch,
    readLine: async () => {
      printedUrl = /https:\/\/\S+\/oauth2\/authorize\?\S+/.exec(stderr)?.[0] ?? '';
      return redirectFor(change);
    },
  });
  return { code, stdout, stderr };
}

describe('gcr login --manual against a Cognito profile', () => {
  it('sends PKCE S256 with state and nonce to the hosted UI, exchanges the code and caches the tokens 0600; list then uses them', async () => {
    tokenAnswer = cognitoTokenEndpoint();
    const login = await manualLogin();
    expect(login.code).toBe(0);
    const authorize = new URL(printedUrl);
    expect(authorize.origin + authorize.pathname).toBe(`${DOMAIN}/oauth2/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('client_id')).toBe('cli-client');
    expect(authorize.searchParams.get('scope')).toBe('openid email profile');
    expect(authorize.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:8765/callback');
    expect(login.stdout).toContain('Logged in as alice (profile dev)');
    expect((await fs.stat(cacheFile())).mode & 0o777).toBe(0o600);

    const list = await gcr(['list', '--json']);
    expect(list.code).toBe(0);
    const cached = JSON.parse(await fs.readFile(cacheFile(), 'utf8')) as { accessToken: string };
    expect(calls.at(-1)?.authorization).toBe(`Bearer ${cached.accessToken}`);
  });

  it('refuses an answer for another login (state) and a provider error, caching nothing', async () => {
    tokenAnswer = cognitoTokenEndpoint();
    const forged = await manualLogin((p) => p.set('state', 'someone-elses'));
    expect(forged.code).toBe(4);
    expect(forged.stderr).toContain('state differs');
    const denied = await manualLogin((p) => {
      p.delete('code');
      p.set('error', 'access_denied');
    });
    expect(denied.code).toBe(4);
    expect(denied.stderr).toContain('sign-in failed: access_denied');
    await expect(fs.stat(cacheFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses an ID token with another nonce', async () => {
    tokenAnswer = cognitoTokenEndpoint(() => 'replayed');
    const login = await manualLogin();
    expect(login.code).toBe(4);
    expect(login.stderr).toContain('nonce differs');
    await expect(fs.stat(cacheFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('token resolution with a login', () => {
  const expired = {
    profile: 'dev',
    tokenUrl: `${DOMAIN}/oauth2/token`,
    revocationUrl: `${DOMAIN}/oauth2/revoke`,
    clientId: 'cli-client',
    accessToken: jwt({ sub: 's', gen: 1, iat: 1, exp: 3601 }),
    refreshToken: 'refresh-1',
    expiresAt: new Date(Date.now() - 1000).toISOString(),
  };

  it('refreshes an expired access token, keeps the refresh token Cognito does not rotate, and rewrites the cache 0600', async () => {
    tokenAnswer = cognitoTokenEndpoint();
    await writeCachedLogin(env, expired);
    const list = await gcr(['list', '--json']);
    expect(list.code).toBe(0);
    const cached = JSON.parse(await fs.readFile(cacheFile(), 'utf8')) as typeof expired;
    expect(cached.accessToken).not.toBe(expired.accessToken);
    expect(cached.refreshToken).toBe('refresh-1');
    expect(Date.parse(cached.expiresAt)).toBeGreaterThan(Date.now());
    expect(calls.at(-1)?.authorization).toBe(`Bearer ${cached.accessToken}`);
    expect((await fs.stat(cacheFile())).mode & 0o777).toBe(0o600);
  });

  it('a refused refresh ends the login: says to log in again, deletes the cache', async () => {
    tokenAnswer = cognitoTokenEndpoint();
    await writeCachedLogin(env, { ...expired, refreshToken: 'revoked' });
    const list = await gcr(['list']);
    expect(list.code).toBe(4);
    expect(list.stderr).toContain('your login to profile dev has ended');
    expect(list.stderr).toContain('gcr login');
    await expect(fs.stat(cacheFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('GCR_TOKEN comes before the login; without either a remote profile says to log in', async () => {
    await writeCachedLogin(env, { ...expired, expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await gcr(['list'], { env: { GCR_TOKEN: 'from-env' } })).code).toBe(0);
    expect(calls.at(-1)?.authorization).toBe('Bearer from-env');
    await fs.rm(cacheFile());
    const none = await gcr(['list']);
    expect(none.code).toBe(4);
    expect(none.stderr).toContain(`not logged in to ${API} (profile dev): run \`gcr login\``);
  });

  it('logout revokes the refresh token and deletes the cache', async () => {
    await writeCachedLogin(env, expired);
    const logout = await gcr(['logout']);
    expect(logout.stdout).toContain('Logged out of profile dev (refresh token revoked)');
    expect(calls.at(-1)).toMatchObject({ url: `${DOMAIN}/oauth2/revoke` });
    expect(calls.at(-1)?.form?.get('token')).toBe('refresh-1');
    await expect(fs.stat(cacheFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
