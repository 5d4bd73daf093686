/**
 * The signed-in user from an access token's claims: the same claims the API's
 * authorizer reads (Cognito's access token, and the local OpenID provider's,
 * which carries the same ones): `sub`, `username` (or `cognito:username`),
 * `cognito:groups`; `admin` in the groups makes an administrator, as the API
 * decides. The console reads the claims only to show who is signed in and
 * what to offer; the API checks the token itself.
 */
import type { SignedInUser } from './session.js';

export const ADMIN_GROUP = 'admin';

export class TokenClaimsError extends Error {
  override name = 'TokenClaimsError';
}

/** The payload of a JWT, unverified (the API verifies it). */
export function decodeJwtPayload(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new TokenClaimsError('the access token is not a JWT');
  const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (typeof parsed !== 'object' || parsed === null)
    throw new TokenClaimsError('the JWT payload is not an object');
  return parsed as Record<string, unknown>;
}

export function userFromAccessToken(accessToken: string): SignedInUser {
  const claims = decodeJwtPayload(accessToken);
  const sub = claims['sub'];
  if (typeof sub !== 'string' || sub === '') throw new TokenClaimsError('the access token has no sub');
  const username = [claims['username'], claims['cognito:username']].find(
    (value): value is string => typeof value === 'string' && value !== '',
  );
  const rawGroups = claims['cognito:groups'];
  const groups = Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === 'string') : [];
  return { sub, username: username ?? sub, groups, isAdmin: groups.includes(ADMIN_GROUP) };
}
