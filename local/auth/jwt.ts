/**
 * Local stand-in for Cognito ID tokens, for the local platform's HTTP API.
 *
 * - One ES256 key pair per data directory, created on first use and kept in
 *   `<dataDir>/auth/jwt-key.json` (mode 0600), so tokens survive restarts.
 *   Creation is atomic (temp file + link), so two processes starting together
 *   end up with the same key. The key is cached in memory per data directory.
 * - Tokens carry the claims of a Cognito ID token: sub (a UUID v5 of the user
 *   name, so the same user always has the same sub, whatever the key),
 *   cognito:username, cognito:groups (omitted when empty), email
 *   (`<user>@local`), email_verified, iss `gcr-local`, aud `gcr-local-client`,
 *   token_use `id`, auth_time, iat, exp, jti.
 * - `toHttpApiClaims` renders claims the way an API Gateway HTTP API JWT
 *   authorizer hands them to Lambda in `requestContext.authorizer.jwt.claims`:
 *   every value a string, numbers and booleans via String(), arrays as
 *   `[a b c]` (bracketed, space-separated, items unquoted).
 */
import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SignJWT, errors, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import type { CryptoKey, JWK } from 'jose';

export const LOCAL_ISSUER = 'gcr-local';
export const LOCAL_AUDIENCE = 'gcr-local-client';
export const LOCAL_JWT_ALG = 'ES256';
export const DEFAULT_TOKEN_TTL_SECONDS = 12 * 3600;
/** Namespace of the name-based (v5) UUIDs used as `sub`. */
const SUB_NAMESPACE = 'd4a1c8e2-5b7f-4c3a-9e61-0f2b8a7c6d15';

export interface LocalKey {
  alg: typeof LOCAL_JWT_ALG;
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** Public JWK with kid, alg and use, as a JWKS would publish it. */
  publicJwk: JWK;
  /** Where the key is stored. */
  file: string;
}

export interface CognitoIdClaims {
  sub: string;
  'cognito:username': string;
  'cognito:groups'?: string[];
  email: string;
  email_verified: boolean;
  iss: string;
  aud: string;
  token_use: 'id';
  auth_time: number;
  iat: number;
  exp: number;
  jti: string;
}

export type LocalAuthErrorCode = 'expired' | 'invalid_signature' | 'invalid_claims' | 'malformed';

/** A token that must be refused (HTTP 401). */
export class LocalAuthError extends Error {
  constructor(
    readonly code: LocalAuthErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LocalAuthError';
  }
}

interface KeyFile {
  alg: string;
  kid: string;
  createdAt: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

const keyCache = new Map<string, Promise<LocalKey>>();

function keyFilePath(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'auth', 'jwt-key.json');
}

async function keyFromFile(file: string, data: KeyFile): Promise<LocalKey> {
  if (data.alg !== LOCAL_JWT_ALG || typeof data.kid !== 'string' || !data.privateJwk || !data.publicJwk) {
    throw new Error(`${file} is not a gcr local signing key; delete it to create a new one`);
  }
  const privateKey = (await importJWK(data.privateJwk, LOCAL_JWT_ALG)) as CryptoKey;
  const publicKey = (await importJWK(data.publicJwk, LOCAL_JWT_ALG)) as CryptoKey;
  return {
    alg: LOCAL_JWT_ALG,
    kid: data.kid,
    privateKey,
    publicKey,
    publicJwk: { ...data.publicJwk, kid: data.kid, alg: LOCAL_JWT_ALG, use: 'sig' },
    file,
  };
}

async function readKeyFile(file: string): Promise<KeyFile | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as KeyFile;
  } catch (err) {
    throw new Error(`${file} is not valid JSON; delete it to create a new signing key`, { cause: err });
  }
}

async function loadOrCreate(file: string): Promise<LocalKey> {
  const existing = await readKeyFile(file);
  if (existing) return keyFromFile(file, existing);

  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = await generateKeyPair(LOCAL_JWT_ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const kid = createHash('sha256').update(JSON.stringify(publicJwk)).digest('base64url').slice(0, 16);
  const data: KeyFile = {
    alg: LOCAL_JWT_ALG,
    kid,
    createdAt: new Date().toISOString(),
    privateJwk,
    publicJwk,
  };
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 });
  try {
    await fs.chmod(tmp, 0o600);
    await fs.link(tmp, file); // fails with EEXIST if another process won the race
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const winner = await readKeyFile(file);
    if (!winner) throw err;
    return keyFromFile(file, winner);
  } finally {
    await fs.rm(tmp, { force: true });
  }
  return keyFromFile(file, data);
}

/** The signing key of this data directory, created on first use. */
export function loadOrCreateSigningKey(dataDir: string): Promise<LocalKey> {
  const file = keyFilePath(dataDir);
  let key = keyCache.get(file);
  if (!key) {
    key = loadOrCreate(file);
    keyCache.set(file, key);
    key.catch(() => keyCache.delete(file));
  }
  return key;
}

/**
 * The private JWK (with kid and alg) of this data directory's key, for a
 * signer that takes JWKs: the local OpenID provider signs its tokens with it.
 */
export async function signingPrivateJwk(dataDir: string): Promise<JWK> {
  const key = await loadOrCreateSigningKey(dataDir);
  const data = await readKeyFile(key.file);
  if (!data) throw new Error(`${key.file} disappeared; restart the local platform`);
  return { ...data.privateJwk, kid: data.kid, alg: LOCAL_JWT_ALG, use: 'sig' };
}

/** The JWKS (public keys) that verifies this data directory's tokens. */
export async function localJwks(dataDir: string): Promise<{ keys: JWK[] }> {
  const key = await loadOrCreateSigningKey(dataDir);
  return { keys: [key.publicJwk] };
}

/** Forgets cached keys (tests; or after deleting a key file). */
export function clearSigningKeyCache(): void {
  keyCache.clear();
}

function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x50;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The `sub` a user name always gets (a name-based UUID). */
export function localSubFor(user: string): string {
  return uuidV5(user, SUB_NAMESPACE);
}

// Cognito user names and group names: letters, marks, symbols, numbers, punctuation; no whitespace.
const NAME_PATTERN = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;

/**
 * A user name, group or lifetime the signer refuses: `field` names it as in a
 * LocalTokenRequest (`user`, `groups.0`, `ttlSeconds`), `issue` says what is
 * wrong with it; the message is the two together.
 */
export class TokenRequestError extends RangeError {
  constructor(
    readonly field: string,
    readonly issue: string,
  ) {
    super(`${field} ${issue}`);
    this.name = 'TokenRequestError';
  }
}

export interface SignLocalTokenOptions {
  user: string;
  groups?: string[];
  /** Default 12 hours. */
  ttlSeconds?: number;
  /** Clock in epoch ms (tests); default Date.now. */
  now?: () => number;
}

export async function signLocalToken(dataDir: string, opts: SignLocalTokenOptions): Promise<string> {
  const user = opts.user;
  if (typeof user !== 'string' || user.length === 0 || user.length > 128 || !NAME_PATTERN.test(user)) {
    throw new TokenRequestError(
      'user',
      `${JSON.stringify(user)} is not a valid user name: 1-128 letters, digits, symbols or punctuation, no spaces`,
    );
  }
  const groups = opts.groups ?? [];
  groups.forEach((g, i) => {
    if (typeof g !== 'string' || g.length === 0 || g.length > 128 || !NAME_PATTERN.test(g)) {
      throw new TokenRequestError(
        `groups.${i}`,
        `${JSON.stringify(g)} is not a valid group name: 1-128 characters, no spaces`,
      );
    }
  });
  const ttl = opts.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1) {
    throw new TokenRequestError('ttlSeconds', `must be a positive integer, got ${ttl}`);
  }
  const key = await loadOrCreateSigningKey(dataDir);
  const iat = Math.floor((opts.now ?? Date.now)() / 1000);
  const claims: Record<string, unknown> = {
    sub: localSubFor(user),
    'cognito:username': user,
    email: `${user}@local`,
    email_verified: true,
    token_use: 'id',
    auth_time: iat,
  };
  if (groups.length > 0) claims['cognito:groups'] = [...new Set(groups)];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: LOCAL_JWT_ALG, kid: key.kid, typ: 'JWT' })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .setJti(randomUUID())
    .sign(key.privateKey);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/**
 * Verifies signature, algorithm, issuer, audience, expiry and the ID-token
 * shape; returns the claims. Throws LocalAuthError otherwise.
 */
export async function verifyLocalToken(
  dataDir: string,
  token: string,
  opts: { now?: () => number } = {},
): Promise<CognitoIdClaims> {
  if (typeof token !== 'string' || token.split('.').length !== 3) {
    throw new LocalAuthError('malformed', 'the token is not a compact JWT (header.payload.signature)');
  }
  const key = await loadOrCreateSigningKey(dataDir);
  let payload: Record<string, unknown>;
  try {
    const result = await jwtVerify(token, key.publicKey, {
      algorithms: [LOCAL_JWT_ALG],
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      requiredClaims: ['sub', 'iat', 'exp', 'token_use'],
      currentDate: opts.now ? new Date(opts.now()) : undefined,
    });
    payload = result.payload as Record<string, unknown>;
  } catch (err) {
    if (err instanceof errors.JWTExpired) {
      throw new LocalAuthError('expired', 'the token has expired', { cause: err });
    }
    if (err instanceof errors.JWSSignatureVerificationFailed) {
      throw new LocalAuthError('invalid_signature', 'the token signature is not valid', { cause: err });
    }
    if (err instanceof errors.JWTClaimValidationFailed) {
      throw new LocalAuthError(
        'invalid_claims',
        `the token's ${err.claim} claim is not valid: ${err.reason}`,
        {
          cause: err,
        },
      );
    }
    const message = err instanceof Error ? err.message : String(err);
    throw new LocalAuthError('malformed', `the token cannot be verified: ${message}`, { cause: err });
  }
  const p = payload;
  const problems: string[] = [];
  if (p.token_use !== 'id') problems.push('token_use is not "id"');
  if (typeof p.sub !== 'string') problems.push('sub is not a string');
  if (typeof p['cognito:username'] !== 'string') problems.push('cognito:username is not a string');
  if (p['cognito:groups'] !== undefined && !isStringArray(p['cognito:groups'])) {
    problems.push('cognito:groups is not an array of strings');
  }
  if (typeof p.email !== 'string') problems.push('email is not a string');
  if (typeof p.auth_time !== 'number') problems.push('auth_time is not a number');
  if (typeof p.jti !== 'string') problems.push('jti is not a string');
  if (typeof p.aud !== 'string') problems.push('aud is not a single string');
  if (problems.length > 0) {
    throw new LocalAuthError('invalid_claims', `the token is not a local ID token: ${problems.join('; ')}`);
  }
  const claims: CognitoIdClaims = {
    sub: p.sub as string,
    'cognito:username': p['cognito:username'] as string,
    email: p.email as string,
    email_verified: p.email_verified === true,
    iss: p.iss as string,
    aud: p.aud as string,
    token_use: 'id',
    auth_time: p.auth_time as number,
    iat: p.iat as number,
    exp: p.exp as number,
    jti: p.jti as string,
  };
  if (p['cognito:groups'] !== undefined) claims['cognito:groups'] = p['cognito:groups'] as string[];
  return claims;
}

/** Whose access tokens the gateway accepts besides the dev tokens: the local OpenID provider's. */
export interface AccessTokenIssuer {
  issuer: string;
  /** The app clients a token may be issued to (`client_id`): the CLI's and the console's, as the API authorizer's audience. */
  clientIds: string[];
  /** The resource indicator the provider puts in `aud`. */
  audience: string;
}

/**
 * Verifies an access token of the local OpenID provider (signed with this data
 * directory's key, `typ` at+jwt): issuer, audience, client_id, expiry. Returns
 * its claims (sub, cognito:groups, username, client_id, scope, ...), the
 * claims an HTTP API JWT authorizer passes on for a Cognito access token.
 */
export async function verifyLocalAccessToken(
  dataDir: string,
  token: string,
  expected: AccessTokenIssuer,
  opts: { now?: () => number } = {},
): Promise<Record<string, unknown>> {
  const key = await loadOrCreateSigningKey(dataDir);
  try {
    const { payload } = await jwtVerify(token, key.publicKey, {
      algorithms: [LOCAL_JWT_ALG],
      issuer: expected.issuer,
      audience: expected.audience,
      typ: 'at+jwt',
      requiredClaims: ['sub', 'exp', 'client_id'],
      currentDate: opts.now ? new Date(opts.now()) : undefined,
    });
    if (!expected.clientIds.includes(String(payload['client_id']))) {
      throw new LocalAuthError('invalid_claims', `the token was issued to another client`);
    }
    return payload as Record<string, unknown>;
  } catch (err) {
    if (err instanceof LocalAuthError) throw err;
    if (err instanceof errors.JWTExpired) {
      throw new LocalAuthError('expired', 'the token has expired', { cause: err });
    }
    const message = err instanceof Error ? err.message : String(err);
    throw new LocalAuthError('invalid_claims', `not an access token of ${expected.issuer}: ${message}`, {
      cause: err,
    });
  }
}

/**
 * The gateway's JWT check: a dev token (`verifyLocalToken`), else an access
 * token of the local OpenID provider when there is one; the claims as the
 * authorizer hands them to Lambda, or undefined (401).
 */
export async function authorizeLocalBearer(
  dataDir: string,
  token: string,
  provider: AccessTokenIssuer | undefined,
): Promise<Record<string, string> | undefined> {
  try {
    return toHttpApiClaims(await verifyLocalToken(dataDir, token));
  } catch {
    // Not a dev token: perhaps a login's access token.
  }
  if (!provider) return undefined;
  try {
    return toHttpApiClaims(await verifyLocalAccessToken(dataDir, token, provider));
  } catch {
    return undefined;
  }
}

function renderClaim(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(renderClaim).join(' ')}]`;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Claims as an HTTP API JWT authorizer passes them in
 * `requestContext.authorizer.jwt.claims`: every value a string; arrays as
 * "[a b]"; numbers and booleans as their decimal / "true" text.
 */
export function toHttpApiClaims(claims: CognitoIdClaims | Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) {
    if (v === undefined) continue;
    out[k] = renderClaim(v);
  }
  return out;
}
