import { describe, expect, it } from 'vitest';
import { decodeJwtPayload, userFromAccessToken } from '../../../../../web/src/auth/token-claims.js';
import { safeReturnTo } from '../../../../../web/src/auth/oidc-session.js';

function jwt(payload: Record<string, unknown>): string {
  const encode = (value: unknown) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  return `${encode({ alg: 'ES256' })}.${encode(payload)}.signature`;
}

describe('the signed-in user from the access token', () => {
  it("reads sub, username and Cognito's groups; admin in the groups makes an administrator", () => {
    expect(
      userFromAccessToken(jwt({ sub: 's-1', username: 'ana', 'cognito:groups': ['admin', 'lab'] })),
    ).toEqual({ sub: 's-1', username: 'ana', groups: ['admin', 'lab'], isAdmin: true });
    expect(userFromAccessToken(jwt({ sub: 's-2', 'cognito:username': 'bo' }))).toEqual({
      sub: 's-2',
      username: 'bo',
      groups: [],
      isAdmin: false,
    });
  });

  it('decodes UTF-8 user names and refuses a token without sub', () => {
    expect(decodeJwtPayload(jwt({ sub: 'x', username: 'Zoë' }))['username']).toBe('Zoë');
    expect(() => userFromAccessToken(jwt({ username: 'nobody' }))).toThrow('no sub');
    expect(() => userFromAccessToken('not-a-jwt')).toThrow('not a JWT');
  });
});

describe('the page to return to after signing in', () => {
  it('is a path of this console, never another origin', () => {
    expect(safeReturnTo('/simulations?status=RUNNING#top')).toBe('/simulations?status=RUNNING#top');
    expect(safeReturnTo('//evil.example/x')).toBe('/');
    expect(safeReturnTo('https://evil.example/')).toBe('/');
    expect(safeReturnTo(undefined)).toBe('/');
  });
});
