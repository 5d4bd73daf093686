import { describe, expect, it } from '@jest/globals';
import { callerFrom, parseGroupsClaim } from '#shared/kernel/http/identity.js';
import { UnauthorizedError } from '#shared/kernel/errors.js';
import { httpEvent } from '#test/helpers/http-events.js';

describe('caller identity from HTTP API JWT claims', () => {
  it.each([
    ['[admin]', ['admin']],
    ['[admin researchers]', ['admin', 'researchers']],
    ['["admin","x"]', ['admin', 'x']],
    ['admin', ['admin']],
    ['', []],
    [undefined, []],
  ])('parses the groups claim %p', (value, expected) => {
    expect(parseGroupsClaim(value)).toEqual(expected);
  });

  it('marks members of the admin group as admins', () => {
    const caller = callerFrom(httpEvent({ claims: { sub: 'u1', 'cognito:groups': '[admin]' } }));
    expect(caller).toMatchObject({ userId: 'u1', isAdmin: true });
  });

  it('refuses a request without a sub claim as unauthorized', () => {
    expect(() => callerFrom(httpEvent({ claims: {} }))).toThrow(UnauthorizedError);
  });
});
