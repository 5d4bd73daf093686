import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { localSubFor, verifyLocalToken } from '#local/auth/jwt.js';
import { validatorFor } from '#schemas/validator.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import { api, startPlatformProcess, type RunningPlatform } from '#test/helpers/platform-process.js';
import { gcrAs } from '#test/helpers/run-gcr.js';

let platform: RunningPlatform;

beforeAll(async () => {
  platform = await startPlatformProcess({ env: { GCR_LOCAL_BATCH_SLOTS: '0' } });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
}, 60_000);

/** Runs `gcr ...` in-process against the running platform, found through its data directory. */
const gcr = (...argv: string[]) => gcrAs(platform, 'cli-user')(...argv);

describe('gcr against the local platform', () => {
  it('submits an example, shows its status, lists it, and shows its Submitted event', async () => {
    const submitted = await gcr('submit', path.join(repoRoot, 'examples/transport-tracers-4x5-1month.json'));
    expect(submitted.code).toBe(0);
    const id = submitted.stdout.split('\n')[0]!;
    expect(id).toMatch(/^sim_[0-9a-z]{26}$/);

    const status = await gcr('status', id, '--json');
    expect(status.code).toBe(0);
    const shown = JSON.parse(status.stdout);
    expect(shown.id).toBe(id);
    expect(shown.history[0]).toMatchObject({ to: 'PENDING' });

    const list = await gcr('list');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(id);

    const events = await gcr('events', id);
    expect(events.code).toBe(0);
    expect(events.stdout).toContain('Simulation Submitted');
  });

  it('cancels, and says so in the events', async () => {
    const id = (await gcr('submit', path.join(repoRoot, 'examples/fullchem-2x25-1week.json'))).stdout.split(
      '\n',
    )[0]!;
    const cancelled = await gcr('cancel', id, '--json');
    expect(cancelled.code).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ status: 'CANCELLING' });
    expect((await gcr('events', id)).stdout).toMatch(/→ CANCELLING/);
  });

  it('gcr logs says there are no logs yet while the job waits (the route answers 409 NoLogsYet)', async () => {
    const id = (await gcr('submit', path.join(repoRoot, 'examples/demo-local-4x5-1day.json'))).stdout.split(
      '\n',
    )[0]!;
    const logs = await gcr('logs', id);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toBe('');
    expect(logs.stderr).toMatch(/^no logs yet: the job has not started \(status [A-Z]+\)\n$/);
  });

  it('reports a spec GEOS-Chem would refuse with the field and exit code 1', async () => {
    const res = await gcr('submit', path.join(repoRoot, 'test/fixtures/specs/merra2-0125.json'));
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/grid\.resolution/);
    expect(res.stderr).toMatch(/MERRA-2/);
  });
});

describe("tokens from the platform's token route", () => {
  it('platform.json is a PlatformInfo naming the token route', () => {
    const info = JSON.parse(readFileSync(path.join(platform.dataDir, 'platform.json'), 'utf8'));
    const valid = validatorFor('https://gcr.dev/schemas/local/platform-info.schema.json');
    expect(valid(info) ? [] : valid.errors).toEqual([]);
    expect(info.tokenUrl).toBe(`${platform.url}/local/tokens`);
  });

  it('The local data dir is world-readable: the data directory is 0700, platform.json 0600, and the route wants its secret', async () => {
    expect(statSync(platform.dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(platform.dataDir, 'platform.json')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(platform.dataDir, 'auth', 'jwt-key.json')).mode & 0o777).toBe(0o600);
    const withoutSecret = await api(platform, 'POST', '/local/tokens', {
      body: { user: 'mallory', groups: ['admin'] },
    });
    expect(withoutSecret.status).toBe(403);
    expect(withoutSecret.body.error.issues).toEqual([
      expect.objectContaining({ field: 'headers.x-gcr-token-secret' }),
    ]);
    const withSecret = await api(platform, 'POST', '/local/tokens', {
      body: { user: 'mallory' },
      headers: { [platform.tokenSecretHeader]: platform.tokenSecret },
    });
    expect(withSecret.status).toBe(200);
  });

  it('without GCR_TOKEN the CLI acts as GCR_USER with a token the platform issued', async () => {
    const submitted = await gcrAs(platform, 'token-route-user')(
      'submit',
      path.join(repoRoot, 'examples/demo-local-4x5-1day.json'),
    );
    expect(submitted.code).toBe(0);
    const id = submitted.stdout.split('\n')[0]!;
    const shown = JSON.parse((await gcrAs(platform, 'token-route-user')('status', id, '--json')).stdout);
    expect(shown.owner).toBe(localSubFor('token-route-user'));
    // Someone else does not see it.
    expect((await gcrAs(platform, 'someone-else')('status', id)).code).toBe(1);
  });

  it('gcr token prints a token the platform verifies, with the admin group and the lifetime asked', async () => {
    const run = await gcr('--json', 'token', 'erin', '--admin', '--ttl', '600');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as {
      token: string;
      user: string;
      groups: string[];
      expiresAt: string;
    };
    expect(out).toEqual({
      token: expect.any(String),
      user: 'erin',
      groups: ['admin'],
      expiresAt: expect.any(String),
    });
    const claims = await verifyLocalToken(platform.dataDir, out.token);
    expect(claims['cognito:username']).toBe('erin');
    expect(claims['cognito:groups']).toEqual(['admin']);
    expect(Date.parse(out.expiresAt)).toBe(claims.exp * 1000);
    expect(claims.exp - claims.iat).toBe(600);
    // The API takes it: an admin lists every simulation.
    expect((await api(platform, 'GET', '/simulations', { token: out.token })).status).toBe(200);
  });

  it('gcr token with a user name the platform refuses is a usage error naming the field', async () => {
    const run = await gcr('token', 'has space');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the token request is invalid (HTTP 400 ValidationError)');
    expect(run.stderr).toContain('  user: "has space" is not a valid user name');
  });

  it('POST /local/tokens answers 400 naming the field for a bad lifetime or a body that is not JSON', async () => {
    const headers = { [platform.tokenSecretHeader]: platform.tokenSecret };
    const ttl = await api(platform, 'POST', '/local/tokens', {
      body: { user: 'a', ttlSeconds: -5 },
      headers,
    });
    expect(ttl.status).toBe(400);
    expect(ttl.body.error.issues).toEqual([{ field: 'ttlSeconds', message: 'must be at least 1' }]);
    const notJson = await api(platform, 'POST', '/local/tokens', { rawBody: 'user=a', headers });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.issues).toEqual([expect.objectContaining({ field: 'body' })]);
  });
});
