/** The local OpenID provider: PKCE code flow, loopback redirects, Cognito-shaped JWT access tokens, refresh, revocation. */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  authorizeLocalBearer,
  clearSigningKeyCache,
  signLocalToken,
  verifyLocalAccessToken,
} from '#local/auth/jwt.js';
import { startLocalOidc, type LocalOidc } from '#local/auth/oidc-provider.js';
import { addLocalUser, setLocalUserGroups } from '#local/auth/users.js';
import { signInOverHttp } from '#test/helpers/oidc-browser.js';

let dataDir: string;
let oidc: LocalOidc;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gcr-oidc-'));
  await addLocalUser(dataDir, 'alice', 'alice-password', ['admin']);
  oidc = await startLocalOidc({ dataDir, host: '127.0.0.1', accessTokenTtlSeconds: 30 });
});

afterAll(async () => {
  await oidc.close();
  clearSigningKeyCache();
  await fs.rm(dataDir, { recursive: true, force: true });
});

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(params: Record<string, string>): string {
  const url = new URL(oidc.info.authorizeUrl);
  const all = {
    client_id: oidc.info.clientId,
    response_type: 'code',
    scope: oidc.info.scopes.join(' '),
    state: 'state-1',
    nonce: 'nonce-1',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) url.searchParams.set(k, v);
  return url.href;
}

async function tokenRequest(
  body: Record<string, string>,
): Promise<{ status: number; json: Record<string, string> }> {
  const response = await fetch(oidc.info.tokenUrl, { method: 'POST', body: new URLSearchParams(body) });
  return { status: response.status, json: (await response.json()) as Record<string, string> };
}

async function login(port: number): Promise<{ tokens: Record<string, string>; redirectUri: string }> {
  const { verifier, challenge } = pkce();
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const callback = new URL(
    await signInOverHttp(
      authorizeUrl({ redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256' }),
      'alice',
      'alice-password',
    ),
  );
  expect(callback.origin + callback.pathname).toBe(redirectUri);
  expect(callback.searchParams.get('state')).toBe('state-1');
  const { status, json } = await tokenRequest({
    grant_type: 'authorization_code',
    code: callback.searchParams.get('code') ?? '',
    redirect_uri: redirectUri,
    client_id: oidc.info.clientId,
    code_verifier: verifier,
  });
  expect(status).toBe(200);
  return { tokens: json, redirectUri };
}

describe('local OpenID provider', () => {
  it('signs a local user in with PKCE on any loopback port and issues a Cognito-shaped JWT access token the gateway accepts', async () => {
    const { tokens } = await login(40000 + Math.floor(Math.random() * 20000));
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const claims = await verifyLocalAccessToken(dataDir, tokens.access_token ?? '', oidc.accessTokens);
    expect(claims).toMatchObject({
      'cognito:groups': ['admin'],
      username: 'alice',
      client_id: 'gcr-cli',
      token_use: 'access',
      iss: oidc.info.issuer,
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(30);
    const gateway = await authorizeLocalBearer(dataDir, tokens.access_token ?? '', oidc.accessTokens);
    expect(gateway).toMatchObject({ 'cognito:groups': '[admin]', client_id: 'gcr-cli' });
    // The same user's dev token has the same sub: both own the same simulations.
    const dev = await authorizeLocalBearer(
      dataDir,
      await signLocalToken(dataDir, { user: 'alice' }),
      oidc.accessTokens,
    );
    expect(dev?.sub).toBe(gateway?.sub);
  });

  it('refuses an authorization request without a PKCE S256 challenge, or with plain', async () => {
    const redirectUri = 'http://127.0.0.1:41234/callback';
    const extras: Record<string, string>[] = [
      {},
      { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' },
    ];
    for (const extra of extras) {
      const response = await fetch(authorizeUrl({ redirect_uri: redirectUri, ...extra }), {
        redirect: 'manual',
      });
      const location = new URL(response.headers.get('location') ?? '', oidc.info.issuer);
      expect(location.searchParams.get('error')).toBe('invalid_request');
    }
  });

  it('refuses a redirect URI that is not loopback /callback', async () => {
    const { challenge } = pkce();
    const response = await fetch(
      authorizeUrl({
        redirect_uri: 'http://evil.example/callback',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
      { redirect: 'manual' },
    );
    expect(response.status).toBe(400);
  });

  it('refuses a wrong password on the login page', async () => {
    const { challenge } = pkce();
    const url = authorizeUrl({
      redirect_uri: 'http://127.0.0.1:41235/callback',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    await expect(signInOverHttp(url, 'alice', 'wrong-password')).rejects.toThrow(/HTTP 401/);
  });

  it('rotates the refresh token, sees group changes on refresh, and refuses a revoked refresh token', async () => {
    const { tokens } = await login(41236);
    await setLocalUserGroups(dataDir, 'alice', ['admin', 'chemists']);
    const refreshed = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
      client_id: oidc.info.clientId,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.refresh_token).not.toBe(tokens.refresh_token);
    const claims = await verifyLocalAccessToken(
      dataDir,
      refreshed.json.access_token ?? '',
      oidc.accessTokens,
    );
    expect(claims['cognito:groups']).toEqual(['admin', 'chemists']);
    const revoked = await fetch(oidc.info.revocationUrl, {
      method: 'POST',
      body: new URLSearchParams({ token: refreshed.json.refresh_token ?? '', client_id: oidc.info.clientId }),
    });
    expect(revoked.status).toBe(200);
    const again = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: refreshed.json.refresh_token ?? '',
      client_id: oidc.info.clientId,
    });
    expect(again.json.error).toBe('invalid_grant');
  });

  it('the gateway refuses an expired access token and one of another issuer', async () => {
    const { tokens } = await login(41237);
    const later = () => Date.now() + 31_000;
    await expect(
      verifyLocalAccessToken(dataDir, tokens.access_token ?? '', oidc.accessTokens, { now: later }),
    ).rejects.toMatchObject({ code: 'expired' });
    const elsewhere = { ...oidc.accessTokens, issuer: 'http://127.0.0.1:1' };
    expect(await authorizeLocalBearer(dataDir, tokens.access_token ?? '', elsewhere)).toBeUndefined();
  });
});
