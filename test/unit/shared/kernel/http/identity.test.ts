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

  describe('a groups claim "x,admin" does not grant admin (a group name is never split on commas)', () => {
    it.each([
      ['x,admin', ['x,admin']],
      ['[x,admin]', ['x,admin']],
      ['[x,admin researchers]', ['x,admin', 'researchers']],
      ['["x,admin"]', ['x,admin']],
      ['[" admin"]', [' admin']],
      ['["admin" "x"]', []],
    ])('reads %p as the groups %p, none of them admin', (value, expected) => {
      expect(parseGroupsClaim(value)).toEqual(expected);
      const caller = callerFrom(httpEvent({ claims: { sub: 'u1', 'cognito:groups': value } }));
      expect(caller.isAdmin).toBe(false);
    });

    it('still grants admin when admin is one of the groups, in either form API Gateway uses', () => {
      for (const value of ['[researchers admin]', '["researchers","admin"]']) {
        expect(callerFrom(httpEvent({ claims: { sub: 'u1', 'cognito:groups': value } })).isAdmin).toBe(true);
      }
    });
  });

  it('marks members of the admin group as admins', () => {
    const caller = callerFrom(httpEvent({ claims: { sub: 'u1', 'cognito:groups': '[admin]' } }));
    expect(caller).toMatchObject({ userId: 'u1', isAdmin: true });
  });

  it('refuses a request without a sub claim as unauthorized', () => {
    expect(() => callerFrom(httpEvent({ claims: {} }))).toThrow(UnauthorizedError);
  });
});
