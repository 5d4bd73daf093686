/** `gcr pause` and `gcr resume` against a real HTTP server playing the API (fake-api.ts). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '#cli/main.js';
import { pausingLine } from '#cli/commands/pause.js';
import type { Simulation } from '#schemas/generated/types.js';
import { aSimulation, storedDemoSpec } from '#test/helpers/simulations.js';
import { inTurn, startFakeApi, type FakeApi } from '../fake-api.js';

let api: FakeApi;
beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(async () => {
  await api.close();
});

async function gcr(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: () => undefined },
    env: { GCR_API_URL: api.url, GCR_TOKEN: 't', NO_COLOR: '1' },
    cwd: process.cwd(),
    sleep: async () => undefined,
  });
  return { code, stdout };
}

const requestedAt = '2026-12-07T10:00:00.000Z';
const base = aSimulation({
  status: 'PAUSING',
  spec: {
    ...storedDemoSpec(),
    period: { start: '2019-07-01T00:00:00Z', end: '2019-07-03T00:00:00Z' },
    checkpoint: { intervalHours: 6 },
  },
  progress: { percent: 30, simulatedTime: '2019-07-01T14:20:00Z', updatedAt: requestedAt },
  pause: { requestedAt, requestedBy: 'alice' },
});
const waiting: Simulation = {
  ...base,
  status: 'WAITING',
  history: [
    ...base.history,
    {
      at: requestedAt,
      from: 'PAUSING',
      to: 'WAITING',
      reason: 'paused by alice: stopped at its restart for model time 2019-07-01T18:00Z',
    },
  ],
};

describe('gcr pause', () => {
  it('says what a running checkpointed run waits for: the next restart, the interval and the last one', () => {
    expect(pausingLine(base)).toBe(
      'waiting for the next restart (every 6 h of model time; last at 2019-07-01T12:00Z), model time now 2019-07-01T14:20Z',
    );
  });

  it('follows a pausing run until it stopped, then says how to resume it', async () => {
    api.routes.set(`POST /simulations/${base.id}/pause`, () => ({ status: 202, body: base }));
    api.routes.set(
      `GET /simulations/${base.id}`,
      inTurn({ status: 200, body: base }, { status: 200, body: waiting }),
    );
    const { code, stdout } = await gcr(['pause', base.id]);
    expect(code).toBe(0);
    expect(stdout).toContain(`pause requested for ${base.id}: status PAUSING`);
    expect(stdout).toContain(
      'waiting for the next restart (every 6 h of model time; last at 2019-07-01T12:00Z)',
    );
    expect(stdout).toContain(
      `${base.id} is WAITING: paused by alice: stopped at its restart for model time 2019-07-01T18:00Z`,
    );
    expect(stdout).toContain(`resume it with: gcr resume ${base.id}`);
  });

  it('--now asks the route with now=true, and resume posts to its route', async () => {
    api.routes.set(`POST /simulations/${base.id}/pause`, () => ({ status: 202, body: waiting }));
    await gcr(['pause', base.id, '--now']);
    expect(
      api.requests
        .filter((r) => r.path.endsWith('/pause'))
        .at(-1)
        ?.query.get('now'),
    ).toBe('true');
    api.routes.set(`POST /simulations/${base.id}/resume`, () => ({
      status: 202,
      body: {
        ...waiting,
        status: 'PENDING',
        history: [
          ...waiting.history,
          {
            at: requestedAt,
            from: 'WAITING',
            to: 'PENDING',
            reason: 'resumed by alice; attempt 2 resumed from model time 2019-07-01T18:00Z',
          },
        ],
      },
    }));
    const { code, stdout } = await gcr(['resume', base.id]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      `${base.id} is PENDING: resumed by alice; attempt 2 resumed from model time 2019-07-01T18:00Z`,
    );
  });
});
