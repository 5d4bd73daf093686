/**
 * A profile's sign-in: where its provider is (the local platform's OpenID
 * provider from platform.json, or Cognito's hosted UI under the profile's
 * domain) and the access token of its cached login, refreshed with the
 * refresh token when it has expired or is about to.
 */
import { decodeJwt } from 'jose';
import { readPlatform } from '../config.js';
import { AuthError, UsageError } from '../errors.js';
import type { Env } from '../io.js';
import {
  cognitoEndpoints,
  LoginExpiredError,
  refreshTokens,
  type AuthEndpoints,
  type TokenHttp,
} from './oauth.js';
import type { Profile } from './profiles.js';
import { deleteCachedLogin, readCachedLogin, writeCachedLogin } from './token-cache.js';

/** An access token closer than this to its expiry is refreshed first (clock skew, request time)... */
export const REFRESH_MARGIN_MS = 60_000;

/** ...or than a tenth of its lifetime, for short-lived tokens (a local platform's in tests). */
function refreshMarginMs(accessToken: string): number {
  try {
    const { iat, exp } = decodeJwt(accessToken);
    if (typeof iat === 'number' && typeof exp === 'number' && exp > iat) {
      return Math.min(REFRESH_MARGIN_MS, ((exp - iat) * 1000) / 10);
    }
  } catch {
    // An opaque token: the fixed margin.
  }
  return REFRESH_MARGIN_MS;
}

/** The provider a profile signs in with. */
export async function endpointsFor(name: string, profile: Profile, dataDir: string): Promise<AuthEndpoints> {
  if (profile.local) {
    const lookup = await readPlatform(dataDir);
    if (lookup.state !== 'running') {
      throw new UsageError(
        `profile ${name} signs in with the local platform in ${dataDir}, which is not running: start it with \`npm start\``,
      );
    }
    const auth = lookup.info.auth;
    if (!auth) {
      throw new UsageError(
        `the local platform in ${dataDir} announces no OpenID provider: restart it with \`npm start\``,
      );
    }
    return {
      authorizeUrl: auth.authorizeUrl,
      tokenUrl: auth.tokenUrl,
      revocationUrl: auth.revocationUrl,
      clientId: auth.clientId,
      scopes: auth.scopes,
      callbackPort: profile.callbackPort ?? 0,
    };
  }
  if (!profile.authDomain || !profile.clientId) {
    throw new UsageError(
      `profile ${name} has no ${profile.authDomain ? 'clientId' : 'authDomain'}: run \`gcr configure --stack <name> --region <region> --profile ${name}\``,
    );
  }
  return cognitoEndpoints(profile.authDomain, profile.clientId, profile.callbackPort);
}

/**
 * The access token of the profile's login, refreshed (and the cache rewritten)
 * when needed; undefined without a login, or with one of another issuer (a
 * local platform restarted since). A refresh token the provider refuses ends
 * the login: the cache is deleted and the error says to log in again.
 */
export async function loginAccessToken(
  name: string,
  endpoints: AuthEndpoints,
  env: Env,
  http: TokenHttp,
): Promise<string | undefined> {
  const cached = await readCachedLogin(env, name);
  if (!cached || cached.tokenUrl !== endpoints.tokenUrl || cached.clientId !== endpoints.clientId)
    return undefined;
  if (Date.parse(cached.expiresAt) - http.now() > refreshMarginMs(cached.accessToken))
    return cached.accessToken;
  if (!cached.refreshToken) return undefined;
  try {
    const tokens = await refreshTokens(endpoints, cached.refreshToken, http);
    await writeCachedLogin(env, {
      ...cached,
      accessToken: tokens.accessToken,
      ...(tokens.idToken ? { idToken: tokens.idToken } : {}),
      ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
      expiresAt: new Date(tokens.expiresAt).toISOString(),
    });
    return tokens.accessToken;
  } catch (error) {
    if (!(error instanceof LoginExpiredError)) throw error;
    await deleteCachedLogin(env, name);
    throw new AuthError(`your login to profile ${name} has ended (${error.message}): run \`gcr login\``, {
      code: 'LoginExpired',
    });
  }
}
