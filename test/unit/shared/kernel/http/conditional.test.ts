import { describe, expect, it } from '@jest/globals';
import { conditionalJson, etagOf, noneMatch } from '#shared/kernel/http/conditional.js';

describe('conditional GETs', () => {
  it('gives the same body the same ETag and a changed body another', () => {
    expect(etagOf('{"a":1}')).toBe(etagOf('{"a":1}'));
    expect(etagOf('{"a":1}')).not.toBe(etagOf('{"a":2}'));
  });

  it('matches If-None-Match by weak comparison, in a list, and *', () => {
    const etag = etagOf('x');
    expect(noneMatch(etag, etag)).toBe(true);
    expect(noneMatch(`W/${etag}`, etag)).toBe(true);
    expect(noneMatch(`"other", ${etag}`, etag)).toBe(true);
    expect(noneMatch('*', etag)).toBe(true);
    expect(noneMatch('"other"', etag)).toBe(false);
    expect(noneMatch(undefined, etag)).toBe(false);
  });

  it('answers 200 with the ETag, then 304 without a body when the request names it', () => {
    const first = conditionalJson({ headers: {} }, { items: [] });
    expect(first.statusCode).toBe(200);
    expect(first.body).toBe('{"items":[]}');
    const etag = String(first.headers?.['etag']);
    const second = conditionalJson({ headers: { 'if-none-match': etag } }, { items: [] });
    expect(second).toEqual({ statusCode: 304, headers: { etag, 'cache-control': 'private, no-cache' } });
  });
});
