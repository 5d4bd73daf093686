/** `gcr subscribe ... --team` and `gcr subscriptions --team` against a real HTTP server playing the API (fake-api.ts). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Subscription } from '#schemas/generated/types.js';
import { runGcr } from '#test/helpers/run-gcr.js';
import { startFakeApi, type FakeApi } from '../fake-api.js';

let api: FakeApi;

beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(async () => {
  await api.close();
});

const gcr = (argv: string[]) => runGcr(argv, { GCR_API_URL: api.url, GCR_TOKEN: 't' }, process.cwd());

const team: Subscription = {
  id: 'sub_01JD3K9X2M4Q8R7T6V5W3Y1Z0A',
  owner: 'admin-1',
  team: 'ozone',
  channel: 'email',
  target: 'ozone-team@example.org',
  events: ['status', 'results'],
  statuses: ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'],
  tags: { project: 'ozone' },
  createdAt: '2026-12-07T06:00:00.000Z',
};

describe('gcr subscribe --team (admins)', () => {
  it("sends the team with its tag filter, and lists the team's subscriptions with --team", async () => {
    api.routes.set('POST /subscriptions', () => ({ status: 201, body: team }));
    api.routes.set('GET /subscriptions', (req) => ({
      status: 200,
      body: { subscriptions: req.query.get('scope') === 'team' ? [team] : [] },
    }));
    const made = await gcr([
      'subscribe',
      'email',
      'ozone-team@example.org',
      '--team',
      'ozone',
      '--tag',
      'project=ozone',
    ]);
    expect(made.code).toBe(0);
    expect(JSON.parse(api.requests.at(-1)!.body)).toEqual({
      channel: 'email',
      address: 'ozone-team@example.org',
      team: 'ozone',
      tags: { project: 'ozone' },
    });
    expect(made.stdout).toMatch(/team:\s+ozone/);

    const listed = await gcr(['subscriptions', '--team']);
    expect(api.requests.at(-1)!.query.get('scope')).toBe('team');
    expect(listed.stdout).toContain(team.id);
    expect(listed.stdout).toMatch(/ozone/);
  });

  it("says why a non-admin is refused (the API's 403)", async () => {
    const why = "only admins may manage team subscriptions (they tell about every owner's simulations)";
    api.routes.set('POST /subscriptions', () => ({
      status: 403,
      body: { error: { code: 'Forbidden', message: why, issues: [{ field: 'team', message: why }] } },
    }));
    const refused = await gcr([
      'subscribe',
      'webhook',
      'https://example.org/hook',
      '--team',
      'ozone',
      '--tag',
      'project=ozone',
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('only admins may manage team subscriptions');
  });
});
