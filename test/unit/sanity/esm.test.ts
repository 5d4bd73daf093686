import { describe, expect, it } from '@jest/globals';
describe('toolchain', () => {
  it('runs TypeScript ESM tests', () => {
    expect(typeof import.meta.url).toBe('string');
  });
});
