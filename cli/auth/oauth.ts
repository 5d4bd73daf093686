/**
 * The OAuth 2.0 client side of `gcr login`, the same against Cognito's hosted
 * UI and the local platform's OpenID provider: the authorization-code flow
 * with PKCE (S256, RFC 7636) for a public client, a loopback redirect
 * (RFC 8252), refresh and revocation (RFC 7009).
 */
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { FetchLike } from '../api-client.js';
import { AuthError, ConnectionError } from '../errors.js';

/** The loopback port a Cognito app client registers as its callback (Cognito wants exact URLs). */
export const DEFAULT_CALLBACK_PORT = 8765;
export const CALLBACK_PATH = '/callback';
export const COGNITO_SCOPES = ['openid', 'email', 'profile'];

export interface AuthEndpoints {
  authorizeUrl: string;
  tokenUrl: string;
  /** Where a refresh token is revoked at logout, when the provider has it. */
  revocationUrl?: string;
  clientId: string;
  scopes: string[];
  /** The loopback port of the redirect; 0 when the provider takes any (RFC 8252). */
  callbackPort: number;
}

/** Cognito's hosted UI endpoints under a user pool domain. */
export function cognitoEndpoints(authDomain: string, clientId: string, callbackPort?: number): AuthEndpoints {
  const base = authDomain.replace(/\/+$/, '');
  return {
    authorizeUrl: `${base}/oauth2/authorize`,
    tokenUrl: `${base}/oauth2/token`,
    revocationUrl: `${base}/oauth2/revoke`,
    clientId,
    scopes: COGNITO_SCOPES,
    callbackPort: callbackPort ?? DEFAULT_CALLBACK_PORT,
  };
}

export interface PkceRequest {
  verifier: string;
  state: string;
  nonce: string;
  redirectUri: string;
  url: string;
}

/** A new authorization request: fresh verifier (S256 challenge), state and nonce. */
export function authorizationRequest(endpoints: AuthEndpoints, redirectUri: string): PkceRequest {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const url = new URL(endpoints.authorizeUrl);
  const params = {
    response_type: 'code',
    client_id: endpoints.clientId,
    redirect_uri: redirectUri,
    scope: endpoints.scopes.join(' '),
    state,
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return { verifier, state, nonce, redirectUri, url: url.href };
}

/**
 * The code from the URL the provider redirected to, after checking it answers
 * this request (state) and carries no error.
 */
export function codeFromRedirect(redirected: string, request: PkceRequest): string {
  let url: URL;
  try {
    url = new URL(redirected.trim());
  } catch {
    throw new AuthError(`${JSON.stringify(redirected)} is not the URL the browser was sent to`, {
      code: 'LoginFailed',
    });
  }
  const error = url.searchParams.get('error');
  if (error) {
    const description = url.searchParams.get('error_description');
    throw new AuthError(`sign-in failed: ${error}${description ? ` (${description})` : ''}`, {
      code: 'LoginFailed',
    });
  }
  if (url.searchParams.get('state') !== request.state) {
    throw new AuthError(
      'sign-in failed: the answer is not for this login (state differs); run gcr login again',
      {
        code: 'LoginFailed',
      },
    );
  }
  const code = url.searchParams.get('code');
  if (!code) throw new AuthError('sign-in failed: the redirect carries no code', { code: 'LoginFailed' });
  return code;
}

export interface TokenSet {
  accessToken: string;
  idToken?: string;
  refreshToken?: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface TokenHttp {
  fetch?: FetchLike;
  timeoutMs: number;
  now: () => number;
}

/** A refused refresh (invalid_grant): the login has ended and must be made again. */
export class LoginExpiredError extends AuthError {
  constructor(message: string) {
    super(message, { code: 'LoginExpired' });
  }
}

async function postForm(url: string, form: Record<string, string>, http: TokenHttp): Promise<Response> {
  const fetchFn = http.fetch ?? fetch;
  try {
    return await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(http.timeoutMs),
    });
  } catch (error) {
    throw new ConnectionError(`cannot reach ${url}: ${(error as Error).message}`, url, { cause: error });
  }
}

async function tokenRequest(
  endpoints: Pick<AuthEndpoints, 'tokenUrl'>,
  form: Record<string, string>,
  http: TokenHttp,
) {
  const response = await postForm(endpoints.tokenUrl, form, http);
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.access_token !== 'string') {
    const reason = `${String(body.error ?? `HTTP ${response.status}`)}${body.error_description ? ` (${String(body.error_description)})` : ''}`;
    if (body.error === 'invalid_grant') throw new LoginExpiredError(reason);
    throw new AuthError(`the token endpoint ${endpoints.tokenUrl} refused: ${reason}`, {
      code: 'LoginFailed',
      httpStatus: response.status,
    });
  }
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 3600;
  return {
    accessToken: body.access_token,
    ...(typeof body.id_token === 'string' ? { idToken: body.id_token } : {}),
    ...(typeof body.refresh_token === 'string' ? { refreshToken: body.refresh_token } : {}),
    expiresAt: http.now() + expiresIn * 1000,
  } satisfies TokenSet;
}

/** Exchanges the code (with the PKCE verifier) for tokens, and checks the ID token's nonce. */
export async function exchangeCode(
  endpoints: AuthEndpoints,
  request: PkceRequest,
  code: string,
  http: TokenHttp,
): Promise<TokenSet> {
  const tokens = await tokenRequest(
    endpoints,
    {
      grant_type: 'authorization_code',
      code,
      redirect_uri: request.redirectUri,
      client_id: endpoints.clientId,
      code_verifier: request.verifier,
    },
    http,
  );
  if (tokens.idToken && decodeJwt(tokens.idToken).nonce !== request.nonce) {
    throw new AuthError('sign-in failed: the ID token is not for this login (nonce differs)', {
      code: 'LoginFailed',
    });
  }
  return tokens;
}

/** New tokens from a refresh token; the old refresh token is kept when the provider does not rotate it (Cognito). */
export async function refreshTokens(
  endpoints: Pick<AuthEndpoints, 'tokenUrl' | 'clientId'>,
  refreshToken: string,
  http: TokenHttp,
): Promise<TokenSet> {
  const tokens = await tokenRequest(
    endpoints,
    { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: endpoints.clientId },
    http,
  );
  return { refreshToken, ...tokens };
}

/** Revokes a refresh token; whether the provider agreed (logout goes on either way). */
export async function revokeToken(
  endpoints: Pick<AuthEndpoints, 'revocationUrl' | 'clientId'>,
  token: string,
  http: TokenHttp,
): Promise<boolean> {
  if (!endpoints.revocationUrl) return false;
  try {
    const response = await postForm(endpoints.revocationUrl, { token, client_id: endpoints.clientId }, http);
    return response.ok;
  } catch {
    return false;
  }
}
