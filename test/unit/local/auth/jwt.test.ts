import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT, decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  LocalAuthError,
  clearSigningKeyCache,
  loadOrCreateSigningKey,
  localJwks,
  localSubFor,
  signLocalToken,
  toHttpApiClaims,
  verifyLocalToken,
} from '#local/auth/jwt.js';

let dataDir: string;
const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), 'gcr-jwt-'));
  dirs.push(d);
  return d;
}

beforeEach(async () => {
  dataDir = await tempDir();
});

afterEach(async () => {
  clearSigningKeyCache();
  for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
});

function tamperPayload(token: string, change: (claims: Record<string, unknown>) => void): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(claims);
  return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
}

describe('local signing key', () => {
  it('is created once under <dataDir>/auth/jwt-key.json with mode 0600 and reused after a restart', async () => {
    const key = await loadOrCreateSigningKey(dataDir);
    const file = path.join(dataDir, 'auth', 'jwt-key.json');
    expect(key.file).toBe(file);
    const st = await fs.stat(file);
    expect(st.mode & 0o777).toBe(0o600);
    expect(await loadOrCreateSigningKey(dataDir)).toBe(key); // cached in memory

    const token = await signLocalToken(dataDir, { user: 'alice' });
    clearSigningKeyCache(); // as after a restart
    const reloaded = await loadOrCreateSigningKey(dataDir);
    expect(reloaded).not.toBe(key);
    expect(reloaded.kid).toBe(key.kid);
    await expect(verifyLocalToken(dataDir, token)).resolves.toMatchObject({ 'cognito:username': 'alice' });
  });

  it('publishes the public key as a JWKS without private parts', async () => {
    const { keys } = await localJwks(dataDir);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('refuses a corrupt key file with a message naming it', async () => {
    await fs.mkdir(path.join(dataDir, 'auth'), { recursive: true });
    await fs.writeFile(path.join(dataDir, 'auth', 'jwt-key.json'), '{not json');
    await expect(loadOrCreateSigningKey(dataDir)).rejects.toThrow(/jwt-key\.json is not valid JSON/);
  });
});

describe('signLocalToken / verifyLocalToken', () => {
  it('round-trips a token with the claims of a Cognito ID token', async () => {
    const now = Date.UTC(2025, 0, 1, 12);
    const token = await signLocalToken(dataDir, {
      user: 'alice',
      groups: ['admin', 'researchers'],
      now: () => now,
    });
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as object;
    expect(header).toMatchObject({
      alg: 'ES256',
      typ: 'JWT',
      kid: (await loadOrCreateSigningKey(dataDir)).kid,
    });
    const claims = await verifyLocalToken(dataDir, token, { now: () => now + 1000 });
    const iat = now / 1000;
    expect(claims).toEqual({
      sub: localSubFor('alice'),
      'cognito:username': 'alice',
      'cognito:groups': ['admin', 'researchers'],
      email: 'alice@local',
      email_verified: true,
      iss: LOCAL_ISSUER,
      aud: LOCAL_AUDIENCE,
      token_use: 'id',
      auth_time: iat,
      iat,
      exp: iat + 12 * 3600,
      jti: expect.any(String),
    });
    expect(claims.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('omits cognito:groups when the user has none', async () => {
    const claims = await verifyLocalToken(dataDir, await signLocalToken(dataDir, { user: 'bob' }));
    expect(claims).not.toHaveProperty('cognito:groups');
  });

  it('gives the same user the same sub across calls and data directories, and other users other subs', async () => {
    const other = await tempDir();
    const a1 = await verifyLocalToken(dataDir, await signLocalToken(dataDir, { user: 'alice' }));
    const a2 = await verifyLocalToken(
      dataDir,
      await signLocalToken(dataDir, { user: 'alice', groups: ['x'] }),
    );
    const a3 = await verifyLocalToken(other, await signLocalToken(other, { user: 'alice' }));
    const b = await verifyLocalToken(dataDir, await signLocalToken(dataDir, { user: 'bob' }));
    expect(a2.sub).toBe(a1.sub);
    expect(a3.sub).toBe(a1.sub);
    expect(b.sub).not.toBe(a1.sub);
    expect(a2.jti).not.toBe(a1.jti);
  });

  it('refuses a token whose payload was altered', async () => {
    const token = await signLocalToken(dataDir, { user: 'alice' });
    const forged = tamperPayload(token, (c) => {
      c['cognito:groups'] = ['admin'];
    });
    await expect(verifyLocalToken(dataDir, forged)).rejects.toMatchObject({ code: 'invalid_signature' });
  });

  it('refuses a token signed with another data directory key', async () => {
    const other = await tempDir();
    const token = await signLocalToken(other, { user: 'alice' });
    await expect(verifyLocalToken(dataDir, token)).rejects.toMatchObject({ code: 'invalid_signature' });
  });

  it('refuses an expired token', async () => {
    const now = Date.UTC(2025, 0, 1);
    const token = await signLocalToken(dataDir, { user: 'alice', ttlSeconds: 60, now: () => now });
    await expect(verifyLocalToken(dataDir, token, { now: () => now + 59_000 })).resolves.toBeDefined();
    const err = await verifyLocalToken(dataDir, token, { now: () => now + 61_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalAuthError);
    expect(err).toMatchObject({ code: 'expired' });
    // The default lifetime is 12 hours.
    const long = await signLocalToken(dataDir, { user: 'alice', now: () => now });
    await expect(verifyLocalToken(dataDir, long, { now: () => now + 13 * 3600_000 })).rejects.toMatchObject({
      code: 'expired',
    });
  });

  it('refuses a correctly signed token with the wrong issuer, audience or token_use', async () => {
    const key = await loadOrCreateSigningKey(dataDir);
    const iat = Math.floor(Date.now() / 1000);
    const make = (claims: Record<string, unknown>, iss: string, aud: string): Promise<string> =>
      new SignJWT({
        sub: 's',
        'cognito:username': 'u',
        email: 'u@local',
        auth_time: iat,
        token_use: 'id',
        ...claims,
      })
        .setProtectedHeader({ alg: 'ES256', kid: key.kid })
        .setIssuer(iss)
        .setAudience(aud)
        .setIssuedAt(iat)
        .setExpirationTime(iat + 600)
        .setJti('j')
        .sign(key.privateKey);
    await expect(
      verifyLocalToken(dataDir, await make({}, LOCAL_ISSUER, LOCAL_AUDIENCE)),
    ).resolves.toBeDefined();
    await expect(
      verifyLocalToken(dataDir, await make({}, 'someone-else', LOCAL_AUDIENCE)),
    ).rejects.toMatchObject({
      code: 'invalid_claims',
      message: expect.stringMatching(/iss/),
    });
    await expect(
      verifyLocalToken(dataDir, await make({}, LOCAL_ISSUER, 'other-client')),
    ).rejects.toMatchObject({
      code: 'invalid_claims',
      message: expect.stringMatching(/aud/),
    });
    await expect(
      verifyLocalToken(dataDir, await make({ token_use: 'access' }, LOCAL_ISSUER, LOCAL_AUDIENCE)),
    ).rejects.toMatchObject({ code: 'invalid_claims', message: expect.stringMatching(/token_use/) });
  });

  it('refuses garbage and an unsigned token', async () => {
    await expect(verifyLocalToken(dataDir, 'not-a-jwt')).rejects.toMatchObject({ code: 'malformed' });
    const token = await signLocalToken(dataDir, { user: 'alice' });
    const [, payload] = token.split('.');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    await expect(verifyLocalToken(dataDir, none)).rejects.toBeInstanceOf(LocalAuthError);
  });

  it('refuses invalid user and group names', async () => {
    await expect(signLocalToken(dataDir, { user: '' })).rejects.toThrow(/not a valid user name/);
    await expect(signLocalToken(dataDir, { user: 'two words' })).rejects.toThrow(/not a valid user name/);
    await expect(signLocalToken(dataDir, { user: 'a', groups: ['has space'] })).rejects.toThrow(
      /not a valid group name/,
    );
    await expect(signLocalToken(dataDir, { user: 'a', ttlSeconds: 0 })).rejects.toThrow(/ttlSeconds/);
  });
});

describe('toHttpApiClaims', () => {
  it('renders claims as an HTTP API JWT authorizer does: strings, arrays as "[a b]"', async () => {
    const now = Date.UTC(2025, 0, 1);
    const token = await signLocalToken(dataDir, {
      user: 'alice',
      groups: ['admin', 'researchers'],
      now: () => now,
    });
    const claims = await verifyLocalToken(dataDir, token, { now: () => now });
    const http = toHttpApiClaims(claims);
    expect(http).toEqual({
      sub: claims.sub,
      'cognito:username': 'alice',
      'cognito:groups': '[admin researchers]',
      email: 'alice@local',
      email_verified: 'true',
      iss: 'gcr-local',
      aud: 'gcr-local-client',
      token_use: 'id',
      auth_time: String(now / 1000),
      iat: String(now / 1000),
      exp: String(now / 1000 + 43_200),
      jti: claims.jti,
    });
    expect(Object.values(http).every((v) => typeof v === 'string')).toBe(true);
    expect(decodeJwt(token)['cognito:groups']).toEqual(['admin', 'researchers']);
  });

  it('renders a single group as "[admin]" and leaves the key out when there are none', async () => {
    const one = await verifyLocalToken(
      dataDir,
      await signLocalToken(dataDir, { user: 'a', groups: ['admin'] }),
    );
    expect(toHttpApiClaims(one)['cognito:groups']).toBe('[admin]');
    const none = await verifyLocalToken(dataDir, await signLocalToken(dataDir, { user: 'b' }));
    expect(toHttpApiClaims(none)).not.toHaveProperty('cognito:groups');
  });
});
