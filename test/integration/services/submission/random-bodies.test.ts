import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { api, startPlatformProcess, type RunningPlatform } from '#test/helpers/platform-process.js';
import { exampleSpec } from '#test/helpers/specs.js';

let platform: RunningPlatform;
let token: string;

beforeAll(async () => {
  platform = await startPlatformProcess({ env: { GCR_LOCAL_BATCH_SLOTS: '0' } });
  token = await platform.token('fuzzer');
}, 120_000);

afterAll(async () => {
  await platform?.stop();
}, 60_000);

/** Specs (GC Classic or GCHP) with one field replaced by arbitrary JSON: close enough to valid to reach the deep rules. */
const mutatedSpec = fc
  .tuple(
    fc.constantFrom(exampleSpec(), exampleSpec('gchp-c48-fullchem-1week')),
    fc.constantFrom(
      'model',
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
  .map(([base, field, value]) => JSON.stringify({ ...base, [field]: value }));

const anyBody = fc.oneof(fc.json(), fc.string(), mutatedSpec);

function expectClientError(res: { status: number; body: any }): void {
  expect(res.status).toBeLessThan(500);
  // A path that "..", once normalised, takes off every route is the gateway's own 404, as on AWS.
  if (res.status === 404 && res.body?.error === undefined) {
    expect(res.body).toEqual({ message: 'Not Found' });
    return;
  }
  if (res.status >= 400) {
    expect(typeof res.body.error.code).toBe('string');
    expect(typeof res.body.error.message).toBe('string');
  }
}

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

describe('the plan, estimate and results routes with random input', () => {
  it('POST /simulation-plans and POST /estimates never answer 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/simulation-plans', '/estimates'), anyBody, async (route, raw) => {
        expectClientError(await api(platform, 'POST', route, { token, rawBody: raw }));
      }),
      { numRuns: 150 },
    );
  }, 180_000);

  it('results, files, inputs and compare never answer 5xx for arbitrary ids, keys and bodies', async () => {
    const segment = fc.oneof(
      fc.string({ minLength: 1, maxLength: 40 }),
      fc.constantFrom('..', '%2e%2e', 'sim_00000000000000000000000000', '%00', '%2F'),
    );
    await fc.assert(
      fc.asyncProperty(segment, segment, fc.oneof(fc.json(), fc.string()), async (a, b, raw) => {
        const id = encodeURIComponent(a);
        const other = encodeURIComponent(b);
        const key = b.split('/').map(encodeURIComponent).join('/');
        for (const [method, path] of [
          ['GET', `/simulations/${id}/results`],
          ['GET', `/simulations/${id}/results/files/${key}`],
          ['GET', `/simulations/${id}/inputs`],
          ['POST', `/simulations/${id}/compare/${other}`],
        ] as const) {
          expectClientError(await api(platform, method, path, { token }));
        }
        expectClientError(await api(platform, 'POST', `/simulations/${id}/results`, { token, rawBody: raw }));
      }),
      { numRuns: 60 },
    );
  }, 180_000);
});
