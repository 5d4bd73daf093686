/**
 * The per-owner limit of active simulations, against the real local API with
 * a limit of 3: parallel requests cannot beat it, idempotent replays do not
 * count twice, and a simulation that ends gives its slot back.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  api,
  startPlatformProcess,
  waitForStatus,
  type RunningPlatform,
} from '#test/helpers/platform-process.js';
import { exampleSpec } from '#test/helpers/specs.js';

const LIMIT = 3;
let platform: RunningPlatform;

beforeAll(async () => {
  platform = await startPlatformProcess({
    env: { GCR_LOCAL_BATCH_SLOTS: '0', GCR_MAX_ACTIVE_SIMULATIONS_PER_OWNER: String(LIMIT) },
  });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
}, 60_000);

const submit = (token: string, headers: Record<string, string> = {}) =>
  api(platform, 'POST', '/simulations', { token, body: exampleSpec(), headers });

describe('the active-simulation limit is not beaten by parallel requests', () => {
  it('answers ten parallel POSTs against a limit of 3 with exactly three 201s and seven 429s naming the limit and count', async () => {
    const token = await platform.token('parallel-owner');
    const answers = await Promise.all(Array.from({ length: 10 }, () => submit(token)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429, 429, 429, 429, 429]);
    for (const refused of answers.filter((a) => a.status === 429)) {
      expect(refused.body.error).toMatchObject({ code: 'LimitExceeded', limit: LIMIT, current: LIMIT });
      expect(refused.body.error.message).toMatch(/3 active simulations; the limit is 3/);
    }
    const listed = await api(platform, 'GET', '/simulations?limit=100', { token });
    expect(listed.body.items).toHaveLength(3);
  }, 120_000);

  it('counts parallel replays of one Idempotency-Key once: exactly one 201 and five 200s (no vacuous every() over the statuses)', async () => {
    const token = await platform.token('replaying-owner');
    const replays = await Promise.all(
      Array.from({ length: 6 }, () => submit(token, { 'idempotency-key': 'one-request' })),
    );
    expect(new Set(replays.map((r) => r.body.id)).size).toBe(1);
    expect(replays.map((r) => r.status).filter((s) => s === 201)).toHaveLength(1);
    expect(replays.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    // Two more fit under the limit of 3: the replays took one slot.
    expect((await submit(token)).status).toBe(201);
    expect((await submit(token)).status).toBe(201);
    expect((await submit(token)).status).toBe(429);
  }, 120_000);

  it('gives the slot back when a simulation ends (cancelled), so the next POST is accepted', async () => {
    const token = await platform.token('cancelling-owner');
    const ids: string[] = [];
    for (let i = 0; i < LIMIT; i++) ids.push((await submit(token)).body.id);
    expect((await submit(token)).status).toBe(429);
    expect((await api(platform, 'POST', `/simulations/${ids[0]}/cancel`, { token })).status).toBe(202);
    await waitForStatus(platform, token, ids[0]!, ['CANCELLED'], 90);
    expect((await submit(token)).status).toBe(201);
    expect((await submit(token)).status).toBe(429);
  }, 150_000);
});
