import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { api, startPlatformProcess, type RunningPlatform } from '../../helpers/platform-process.js';
import { exampleSpec } from '../../helpers/specs.js';

let platform: RunningPlatform;
let token: string;

beforeAll(async () => {
  platform = await startPlatformProcess({ env: { GCR_LOCAL_BATCH_SLOTS: '0' } });
  token = await platform.token('fuzzer');
}, 120_000);

afterAll(async () => {
  await platform?.stop();
}, 60_000);

/** Specs with one field replaced by arbitrary JSON: close enough to valid to reach the deep rules. */
const mutatedSpec = fc
  .tuple(
    fc.constantFrom(
      'name',
      'simulation',
      'meteorology',
      'grid',
      'period',
      'diagnostics',
      'compute',
      'tags',
      'maxCostUsd',
    ),
    fc.jsonValue(),
  )
  .map(([field, value]) => JSON.stringify({ ...exampleSpec(), [field]: value }));

describe('POST /simulations with random bodies', () => {
  it('never answers 5xx, and every 4xx names a code and a message', async () => {
    // Activity limits would turn valid bodies into 429s; that is still a 4xx, as it should be.
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string(), mutatedSpec), async (raw) => {
        const res = await api(platform, 'POST', '/simulations', { token, rawBody: raw });
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          expect(typeof res.body.error.code).toBe('string');
          expect(typeof res.body.error.message).toBe('string');
        }
      }),
      { numRuns: 300 },
    );
  }, 180_000);
});
