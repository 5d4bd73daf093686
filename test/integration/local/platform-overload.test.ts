/**
 * Finding "Submissions collapse under load" (issue 12), end to end: a local
 * platform given more submissions than its functions can take answers every
 * request, fast, with 201 or with 429/503 and Retry-After; none is left to time
 * out, no connection fails, and what was accepted is stored.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, useLocalPlatform } from '#test/helpers/platform-process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const spec = readFileSync(path.join(root, 'examples/demo-local-4x5-1day.json'), 'utf8');
// One instance per function and a short wait queue: a burst of 30 must overflow it.
const running = useLocalPlatform({ GCR_LOCAL_FUNCTION_CONCURRENCY: '1', GCR_LOCAL_FUNCTION_QUEUE: '2' });

describe('Submissions collapse under load', () => {
  it('answers a burst beyond capacity with 201 or 429/503 and Retry-After, and loses no connection', async () => {
    const platform = running();
    const tokens = await Promise.all(Array.from({ length: 30 }, (_, i) => platform.token(`burst-${i}`)));
    const answers = await Promise.all(
      tokens.map(async (token) => {
        try {
          const res = await fetch(`${platform.url}/simulations`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: spec,
          });
          const body = (await res.json()) as { id?: string; message?: string };
          return { token, status: res.status, retryAfter: res.headers.get('retry-after'), body };
        } catch (error) {
          return { token, status: 0, retryAfter: null, body: { message: String(error) } };
        }
      }),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => ![201, 429, 503].includes(s))).toEqual([]);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    for (const refused of answers.filter((a) => a.status !== 201)) {
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(refused.body).toEqual({
        message: refused.status === 429 ? 'Too Many Requests' : 'Service Unavailable',
      });
    }
    // Every accepted submission is stored and readable.
    const accepted = answers.filter((a) => a.status === 201);
    expect(accepted.length).toBeGreaterThan(0);
    for (const { token, body } of accepted) {
      const res = await api(platform, 'GET', `/simulations/${body.id}`, { token });
      expect(res.status).toBe(200);
    }
  }, 120_000);
});
