import { describe, expect, it } from 'vitest';
import { etagMemory } from '../../../../../web/src/api/etag-memory.js';

describe('polling with ETag', () => {
  it('sends back the last ETag and answers a 304 with the very body it had', () => {
    const memory = etagMemory<{ items: string[] }>();
    expect(memory.ifNoneMatch('list')).toEqual({});
    const body = { items: ['a'] };
    expect(memory.settle('list', new Response('{}', { status: 200, headers: { etag: '"v1"' } }), body)).toBe(
      body,
    );
    expect(memory.ifNoneMatch('list')).toEqual({ 'If-None-Match': '"v1"' });
    expect(memory.settle('list', new Response(null, { status: 304 }), undefined)).toBe(body);
    expect(memory.ifNoneMatch('other')).toEqual({});
  });
});
