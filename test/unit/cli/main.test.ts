/**
 * The `gcr` CLI, run in-process against a real HTTP server on 127.0.0.1 that
 * plays the status API (canned answers per route, every request recorded;
 * see fake-api.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, type CliIo } from '#cli/main.js';
import { inTurn, startFakeApi, type FakeApi, type Route } from './fake-api.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function gcr(
  argv: string[],
  env: Record<string, string | undefined>,
  extra: Partial<CliIo> = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    cwd: extra.cwd ?? tmp,
    ...extra,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

const NOW = '2024-06-01T12:00:00.000Z';
const SIM_ID = 'sim_01jd3k9x2m4q8r7t6v5w3y1z0a';
const SPEC = {
  name: 'tropchem-july',
  simulation: { type: 'fullchem' },
  grid: { resolution: '4x5' },
  compute: { backend: 'local' },
};

function simulation(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: SIM_ID,
    owner: 'alice',
    name: 'tropchem-july',
    status: 'PENDING',
    version: 1,
    createdAt: NOW,
    updatedAt: NOW,
    backend: 'local',
    spec: SPEC,
    history: [{ at: NOW, from: null, to: 'PENDING', reason: 'submitted' }],
    ...overrides,
  };
}

function summary(id: string, status = 'RUNNING'): Record<string, unknown> {
  return {
    id,
    owner: 'alice',
    name: `run-${id.slice(-3)}`,
    status,
    createdAt: NOW,
    updatedAt: NOW,
    simulationType: 'fullchem',
    resolution: '4x5',
    backend: 'local',
  };
}

let tmp: string;
let api: FakeApi;
let specFile: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'gcr-cli-'));
  specFile = path.join(tmp, 'spec.json');
  await writeFile(specFile, `${JSON.stringify(SPEC, null, 2)}\n`);
  api = await startFakeApi();
});

afterAll(async () => {
  await api.close();
  await rm(tmp, { recursive: true, force: true });
});

/**
 * A data directory whose platform.json names a running process (this one) and
 * the fake API, with its token route unless `overrides` says otherwise.
 */
async function livePlatform(name: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const dataDir = path.join(tmp, name);
  await mkdir(dataDir, { recursive: true });
  const info = {
    url: api.url,
    tokenUrl: `${api.url}/local/tokens`,
    tokenSecretHeader: 'X-Gcr-Token-Secret',
    tokenSecret: `secret-of-${name}`,
    pid: process.pid,
    dataDir,
    ...overrides,
  };
  await writeFile(path.join(dataDir, 'platform.json'), JSON.stringify(info));
  return dataDir;
}

/** The token route's answer: this token. */
function issuesToken(token: string, expiresAt = '2024-06-02T00:00:00.000Z'): Route {
  return () => ({ status: 200, body: { token, expiresAt } });
}

/** The token route's answer to a user name it refuses: 400 naming `user`. */
function refusesUser(user: string): Route {
  return () => ({
    status: 400,
    body: {
      error: {
        code: 'ValidationError',
        message: 'the token request is invalid',
        issues: [{ field: 'user', message: `${JSON.stringify(user)} is not a valid user name` }],
      },
    },
  });
}

beforeEach(() => {
  api.requests.length = 0;
  api.routes.clear();
  env = { GCR_API_URL: api.url, GCR_TOKEN: 'test-token' };
});

describe('gcr submit', () => {
  it('prints the new id on the first line, sends the spec file as is with the bearer token', async () => {
    api.routes.set('POST /simulations', () => ({ status: 201, body: simulation() }));
    const run = await gcr(['submit', 'spec.json'], env);

    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(SIM_ID);
    expect(run.stdout).toContain('tropchem-july');
    expect(run.stdout).toContain('PENDING');
    expect(run.stdout).toContain('4x5');
    expect(run.stderr).toBe('');
    expect(api.requests).toHaveLength(1);
    const req = api.requests[0]!;
    expect(req.headers.authorization).toBe('Bearer test-token');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toBe(`${JSON.stringify(SPEC, null, 2)}\n`);
    // A key of its own, so that a retry can never make a second simulation.
    expect(req.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends the --idempotency-key given, and says when the answer is a replay', async () => {
    api.routes.set('POST /simulations', () => ({ status: 200, body: simulation() }));
    const run = await gcr(['submit', specFile, '--idempotency-key', 'batch-42'], env);

    expect(run.code).toBe(0);
    expect(api.requests[0]!.headers['idempotency-key']).toBe('batch-42');
    expect(run.stdout.split('\n')[0]).toBe(SIM_ID);
    expect(run.stdout).toContain('already submitted');
  });

  describe('Submissions collapse under load: gcr submit retries 429 and 503', () => {
    const busy429 = { status: 429, body: { message: 'Too Many Requests' }, headers: { 'retry-after': '2' } };
    const busy503 = {
      status: 503,
      body: { message: 'Service Unavailable' },
      headers: { 'retry-after': '1' },
    };

    it('waits what Retry-After says and repeats the request with the same Idempotency-Key', async () => {
      api.routes.set('POST /simulations', inTurn(busy429, busy503, { status: 201, body: simulation() }));
      const slept: number[] = [];
      const run = await gcr(['submit', 'spec.json'], env, { sleep: async (ms) => void slept.push(ms) });

      expect(run.code).toBe(0);
      expect(run.stdout.split('\n')[0]).toBe(SIM_ID);
      expect(run.stdout).toContain('submitted simulation');
      expect(run.stdout).not.toContain('already submitted');
      expect(slept).toEqual([2000, 1000]);
      expect(api.requests).toHaveLength(3);
      const keys = new Set(api.requests.map((r) => r.headers['idempotency-key']));
      expect(keys.size).toBe(1);
      expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(run.stderr).toContain('the API is busy (HTTP 429): trying again in 2 s (attempt 2 of 5)');
      expect(run.stderr).toContain('the API is busy (HTTP 503): trying again in 1 s (attempt 3 of 5)');
    });

    it('backs off 1, 2, 4, 8 s without Retry-After, and gives up after 5 requests, saying so', async () => {
      api.routes.set('POST /simulations', () => ({ status: 429, body: { message: 'Too Many Requests' } }));
      const slept: number[] = [];
      const run = await gcr(['submit', 'spec.json', '--idempotency-key', 'mine'], env, {
        sleep: async (ms) => void slept.push(ms),
      });

      expect(run.code).toBe(1);
      expect(slept).toEqual([1000, 2000, 4000, 8000]);
      expect(api.requests.map((r) => r.headers['idempotency-key'])).toEqual(Array(5).fill('mine'));
      expect(run.stderr).toContain('Too Many Requests (HTTP 429)');
      expect(run.stderr).toContain('still busy after 5 attempts: try again later');
    });

    it("does not repeat the API's own quota refusal (LimitExceeded), which waiting does not lift", async () => {
      api.routes.set('POST /simulations', () => ({
        status: 429,
        body: { error: { code: 'LimitExceeded', message: 'too many active simulations (20 of 20)' } },
      }));
      const run = await gcr(['submit', 'spec.json'], env, { sleep: async () => undefined });
      expect(run.code).toBe(1);
      expect(api.requests).toHaveLength(1);
      expect(run.stderr).toContain('too many active simulations');
    });
  });

  it('with --json prints only the simulation as JSON on stdout', async () => {
    api.routes.set('POST /simulations', () => ({ status: 201, body: simulation() }));
    const run = await gcr(['--json', 'submit', 'spec.json'], env);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(simulation());
    expect(run.stderr).toBe('');
  });

  it('prints a 400 with its field issues on stderr and exits 1', async () => {
    api.routes.set('POST /simulations', () => ({
      status: 400,
      body: {
        error: {
          code: 'ValidationError',
          message: 'the simulation spec is invalid',
          issues: [
            { field: 'grid.resolution', message: 'must be one of 4x5, 2x2.5, 0.5x0.625' },
            { field: 'period.end', message: 'must be after period.start' },
          ],
        },
      },
    }));
    const run = await gcr(['submit', 'spec.json'], env);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^error: the simulation spec is invalid \(HTTP 400 ValidationError\)$/);
    expect(lines).toContain('  grid.resolution: must be one of 4x5, 2x2.5, 0.5x0.625');
    expect(lines).toContain('  period.end: must be after period.start');
  });

  it('with --json reports an API error as JSON on stderr', async () => {
    api.routes.set('POST /simulations', () => ({
      status: 400,
      body: {
        error: { code: 'ValidationError', message: 'bad', issues: [{ field: 'name', message: 'required' }] },
      },
    }));
    const run = await gcr(['submit', 'spec.json', '--json'], env);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(JSON.parse(run.stderr)).toEqual({
      error: expect.objectContaining({
        code: 'ValidationError',
        exitCode: 1,
        httpStatus: 400,
        issues: [{ field: 'name', message: 'required' }],
      }),
    });
  });

  it('reports a spec file that is not JSON with its path and position, without calling the API', async () => {
    await writeFile(path.join(tmp, 'broken.json'), '{\n  "name": "x",\n  "grid": { "resolution": 4x5 }\n}\n');
    const run = await gcr(['submit', 'broken.json'], env);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('spec file broken.json is not valid JSON');
    expect(run.stderr).toContain('line 3, column 28');
    expect(run.stderr).toContain('"grid": { "resolution": 4x5 }');
    expect(api.requests).toHaveLength(0);
  });

  it('reports a missing spec file with its path, without calling the API', async () => {
    const run = await gcr(['submit', 'nope/missing.json'], env);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('spec file nope/missing.json not found');
    expect(run.stderr).toContain(path.join(tmp, 'nope/missing.json'));
    expect(api.requests).toHaveLength(0);
  });
});

describe('connection and auth failures', () => {
  it('exits 3 and names the URL when the connection is refused', async () => {
    const dead = await startFakeApi();
    await dead.close();
    const run = await gcr(['status', SIM_ID], { ...env, GCR_API_URL: dead.url });

    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`${dead.url}/simulations/${SIM_ID}`);
    expect(run.stderr).toContain('ECONNREFUSED');
  });

  it('exits 3 with a clear message when the API does not answer in time', async () => {
    api.routes.set(`GET /simulations/${SIM_ID}`, () => ({ status: 200, body: simulation(), delayMs: 2_000 }));
    const run = await gcr(['status', SIM_ID], { ...env, GCR_HTTP_TIMEOUT: '0.2' });

    expect(run.code).toBe(3);
    expect(run.stderr).toContain('no answer from GET');
    expect(run.stderr).toContain('within 0.2 s');
  });

  it("exits 4 on a gateway's 401 { message: 'Unauthorized' }", async () => {
    api.routes.set('GET /simulations', () => ({ status: 401, body: { message: 'Unauthorized' } }));
    const run = await gcr(['list'], env);

    expect(run.code).toBe(4);
    expect(run.stderr).toContain('not authenticated: Unauthorized');
    expect(run.stderr).toContain('GCR_TOKEN');
  });

  it('exits 4 on 403', async () => {
    api.routes.set(`POST /simulations/${SIM_ID}/cancel`, () => ({
      status: 403,
      body: { error: { code: 'Forbidden', message: 'not your simulation' } },
    }));
    const run = await gcr(['cancel', SIM_ID], env);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('not allowed: not your simulation');
  });

  it('exits 4 before calling a remote API when there is no token', async () => {
    const run = await gcr(['list'], { GCR_API_URL: api.url });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('set GCR_TOKEN');
    expect(api.requests).toHaveLength(0);
  });

  it('exits 1 on a 5xx that is not JSON, quoting the body', async () => {
    api.routes.set(`GET /simulations/${SIM_ID}`, () => ({ status: 502, raw: '<html>Bad Gateway</html>' }));
    const run = await gcr(['status', SIM_ID], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Bad Gateway');
    expect(run.stderr).toContain('HTTP 502');
  });
});

describe('finding the local platform', () => {
  it('without --api or GCR_API_URL and no platform.json, says to run npm start (exit 3)', async () => {
    const run = await gcr(['list'], {}, { cwd: tmp });

    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      `no local platform is running in ${path.join(tmp, '.gcr')}: start it with \`npm start\`, or pass --api URL`,
    );
  });

  it('treats a platform.json whose pid has exited as no platform', async () => {
    const dataDir = path.join(tmp, 'stale');
    await mkdir(dataDir, { recursive: true });
    const exited = spawnSync(process.execPath, ['-e', '']).pid!;
    await writeFile(
      path.join(dataDir, 'platform.json'),
      JSON.stringify({ url: api.url, pid: exited, startedAt: NOW, dataDir }),
    );
    const run = await gcr(['--data-dir', dataDir, 'list'], {});

    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`no local platform is running in ${dataDir}`);
    expect(run.stderr).toContain(`pid ${exited}`);
    expect(api.requests).toHaveLength(0);
  });

  it('uses the running platform from GCR_DATA_DIR and asks its token route for a token for GCR_USER', async () => {
    const dataDir = await livePlatform('live');
    api.routes.set('POST /local/tokens', issuesToken('issued-for-bob'));
    api.routes.set('GET /simulations', () => ({ status: 200, body: { items: [] } }));
    const run = await gcr(['list'], { GCR_DATA_DIR: dataDir, GCR_USER: 'bob' });

    expect(run.code).toBe(0);
    const [tokenRequest, list] = api.requests;
    expect(tokenRequest!.method).toBe('POST');
    expect(JSON.parse(tokenRequest!.body)).toEqual({ user: 'bob' });
    expect(tokenRequest!.headers.authorization).toBeUndefined();
    // The local data dir is world-readable (issue 12): the route wants the per-start secret from platform.json.
    expect(tokenRequest!.headers['x-gcr-token-secret']).toBe('secret-of-live');
    expect(list!.headers.authorization).toBe('Bearer issued-for-bob');
  });

  it('prefers GCR_TOKEN over the token route of the local platform', async () => {
    const dataDir = await livePlatform('live2');
    api.routes.set('POST /local/tokens', () => ({ status: 500, body: { message: 'should not be asked' } }));
    api.routes.set('GET /simulations', () => ({ status: 200, body: { items: [] } }));
    const run = await gcr(['--data-dir', dataDir, 'list'], { GCR_TOKEN: 'mine' });
    expect(run.code).toBe(0);
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /simulations']);
    expect(api.requests[0]!.headers.authorization).toBe('Bearer mine');
  });

  it('asks for a local token too when --api names the running platform (localhost for 127.0.0.1)', async () => {
    const dataDir = await livePlatform('live3');
    api.routes.set('POST /local/tokens', issuesToken('local'));
    api.routes.set('GET /simulations', () => ({ status: 200, body: { items: [] } }));
    const run = await gcr(
      ['--data-dir', dataDir, '--api', api.url.replace('127.0.0.1', 'localhost'), 'list'],
      {
        GCR_USER: 'ann',
      },
    );
    expect(run.code).toBe(0);
    expect(api.requests.at(-1)!.headers.authorization).toBe('Bearer local');
  });

  it('finds the token route at <url>/local/tokens when platform.json does not name it', async () => {
    const dataDir = await livePlatform('live4', { tokenUrl: undefined });
    api.routes.set('POST /local/tokens', issuesToken('fallback'));
    api.routes.set('GET /simulations', () => ({ status: 200, body: { items: [] } }));
    const run = await gcr(['list'], { GCR_DATA_DIR: dataDir, GCR_USER: 'ann' });
    expect(run.code).toBe(0);
    expect(api.requests.at(-1)!.headers.authorization).toBe('Bearer fallback');
  });

  it('exits 4 naming the field when the platform refuses the user name, before calling the API', async () => {
    const dataDir = await livePlatform('live5');
    api.routes.set('POST /local/tokens', refusesUser('two words'));
    const run = await gcr(['list'], { GCR_DATA_DIR: dataDir, GCR_USER: 'two words' });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('gave no token for user "two words"');
    expect(run.stderr).toContain('  user: "two words" is not a valid user name');
    expect(api.requests.map((r) => r.path)).toEqual(['/local/tokens']);
  });

  it('rejects an --api that is not an http(s) URL as a usage error', async () => {
    const run = await gcr(['--api', 'ftp://example', 'list'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--api must be an http(s) URL');
  });
});

describe('gcr status', () => {
  it('prints a key/value block and the history table', async () => {
    api.routes.set(`GET /simulations/${SIM_ID}`, () => ({
      status: 200,
      body: simulation({
        status: 'RUNNING',
        version: 4,
        progress: { percent: 42.5 },
        history: [
          { at: NOW, from: null, to: 'PENDING', reason: 'submitted' },
          { at: '2024-06-01T12:00:05Z', from: 'PENDING', to: 'SUBMITTED', reason: 'job abc submitted' },
          { at: '2024-06-01T12:01:00Z', from: 'SUBMITTED', to: 'RUNNING', reason: 'job started' },
        ],
      }),
    }));
    const run = await gcr(['status', SIM_ID], env, { now: () => new Date('2024-06-01T12:05:00Z') });

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^id: +${SIM_ID}$`, 'm'));
    expect(run.stdout).toMatch(/^status: +RUNNING$/m);
    expect(run.stdout).toMatch(/^progress: +42\.5%$/m);
    expect(run.stdout).toMatch(/^grid: +4x5$/m);
    expect(run.stdout).toMatch(/^created: +2024-06-01 12:00:00Z \(5 min ago\)$/m);
    expect(run.stdout).toMatch(/^AT +FROM +TO +REASON$/m);
    expect(run.stdout).toMatch(/^2024-06-01 12:00:05Z +PENDING +SUBMITTED +job abc submitted$/m);
    expect(run.stdout).toMatch(/^2024-06-01 12:00:00Z +- +PENDING +submitted$/m);
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('accepts global options after the subcommand and prints JSON', async () => {
    api.routes.set(`GET /simulations/${SIM_ID}`, () => ({ status: 200, body: simulation() }));
    const run = await gcr(['status', SIM_ID, '--json'], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(simulation());
  });

  it('colours the status only on a TTY without NO_COLOR', async () => {
    api.routes.set(`GET /simulations/${SIM_ID}`, () => ({
      status: 200,
      body: simulation({ status: 'FAILED' }),
    }));
    const tty = { write: (s: string) => ((ttyOut += s), true), isTTY: true };
    let ttyOut = '';
    await runCli(['status', SIM_ID], { stdout: tty, stderr: tty, env, cwd: tmp });
    expect(ttyOut).toContain('\u001b[31mFAILED');

    ttyOut = '';
    await runCli(['status', SIM_ID], { stdout: tty, stderr: tty, env: { ...env, NO_COLOR: '1' }, cwd: tmp });
    expect(ttyOut).not.toContain('\u001b[');
  });

  it('exits 1 with the API message on 404', async () => {
    api.routes.set(`GET /simulations/${SIM_ID}`, () => ({
      status: 404,
      body: { error: { code: 'NotFound', message: `simulation ${SIM_ID} not found` } },
    }));
    const run = await gcr(['status', SIM_ID], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`simulation ${SIM_ID} not found (HTTP 404 NotFound)`);
  });
});

describe('gcr list', () => {
  it('follows nextCursor with --all-pages and prints one table', async () => {
    api.routes.set('GET /simulations', (req) => {
      const cursor = req.query.get('cursor');
      if (!cursor)
        return {
          status: 200,
          body: {
            items: [
              summary('sim_a01'),
              {
                ...summary('sim_a02'),
                cost: {
                  kind: 'accrued',
                  totalUsd: 0.456,
                  simulationVersion: 4,
                  updatedAt: '2024-06-01T12:30:00Z',
                },
              },
            ],
            nextCursor: 'c2',
          },
        };
      if (cursor === 'c2') return { status: 200, body: { items: [summary('sim_a03')], nextCursor: 'c3' } };
      return { status: 200, body: { items: [summary('sim_a04', 'SUCCEEDED')] } };
    });
    const run = await gcr(['list', '--all-pages', '--limit', '2', '--status', 'running'], env);

    expect(run.code).toBe(0);
    expect(api.requests.map((r) => r.query.get('cursor'))).toEqual([null, 'c2', 'c3']);
    expect(
      api.requests.every((r) => r.query.get('limit') === '2' && r.query.get('status') === 'RUNNING'),
    ).toBe(true);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +NAME +STATUS +CREATED +TYPE +GRID +COST$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([
      'sim_a01',
      'sim_a02',
      'sim_a03',
      'sim_a04',
    ]);
    expect(lines[1]).toMatch(/^sim_a01 +run-a01 +RUNNING +2024-06-01 12:00Z +fullchem +4x5 +-$/);
    expect(lines[2]).toMatch(/ +4x5 +\$0\.46 so far$/);
    expect(run.stderr).toBe('');
  });

  it('without --all-pages fetches one page and mentions the next cursor on stderr', async () => {
    api.routes.set('GET /simulations', () => ({
      status: 200,
      body: { items: [summary('sim_a01')], nextCursor: 'c2' },
    }));
    const run = await gcr(['list'], env);

    expect(api.requests).toHaveLength(1);
    expect(run.stdout).toContain('sim_a01');
    expect(run.stderr).toContain('--cursor c2');
  });

  it('with --json --all-pages prints { items } of every page', async () => {
    api.routes.set('GET /simulations', (req) =>
      req.query.get('cursor')
        ? { status: 200, body: { items: [summary('sim_a02')] } }
        : { status: 200, body: { items: [summary('sim_a01')], nextCursor: 'n' } },
    );
    const run = await gcr(['--json', 'list', '--all-pages'], env);
    expect(JSON.parse(run.stdout)).toEqual({ items: [summary('sim_a01'), summary('sim_a02')] });
  });

  it('stops when the API repeats a cursor', async () => {
    api.routes.set('GET /simulations', () => ({ status: 200, body: { items: [], nextCursor: 'same' } }));
    const run = await gcr(['list', '--all-pages'], env);
    expect(run.code).toBe(1);
    expect(api.requests).toHaveLength(2);
    expect(run.stderr).toContain('same nextCursor twice');
  });

  it.each([
    [['list', '--limit', '0']],
    [['list', '--limit', 'ten']],
    [['list', '--status', 'DONE']],
    [['list', '--bogus']],
    [['frobnicate']],
    [[]],
  ])('exits 2 on a bad command line: %j', async (argv) => {
    const run = await gcr(argv, env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(api.requests).toHaveLength(0);
  });

  it('with --json reports a usage error as JSON on stderr', async () => {
    const run = await gcr(['--json', 'list', '--limit', '0'], env);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stderr).error).toEqual(
      expect.objectContaining({
        code: 'UsageError',
        exitCode: 2,
        message: expect.stringContaining('--limit'),
      }),
    );
  });
});

describe('gcr cancel', () => {
  it('posts the cancel request and shows the new status', async () => {
    api.routes.set(`POST /simulations/${SIM_ID}/cancel`, () => ({
      status: 202,
      body: simulation({ status: 'CANCELLING' }),
    }));
    const run = await gcr(['cancel', SIM_ID], env);
    expect(run.code).toBe(0);
    expect(api.requests[0]!.method).toBe('POST');
    expect(run.stdout).toContain(`cancellation requested for ${SIM_ID}: status CANCELLING`);
  });

  it('exits 1 on 409 when the simulation already finished', async () => {
    api.routes.set(`POST /simulations/${SIM_ID}/cancel`, () => ({
      status: 409,
      body: { error: { code: 'Conflict', message: 'simulation already finished (SUCCEEDED)' } },
    }));
    const run = await gcr(['cancel', SIM_ID], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('simulation already finished (SUCCEEDED) (HTTP 409 Conflict)');
  });
});

describe('gcr events', () => {
  const event = (
    simulationId: string,
    time: string,
    detailType: string,
    detail: Record<string, unknown>,
  ) => ({
    version: '0',
    id: `evt-${time}`,
    'detail-type': detailType,
    source: 'gcr.execution-poller',
    account: '000000000000',
    time,
    region: 'us-east-1',
    resources: [],
    bus: 'gcr-local',
    detail: { schemaVersion: '1', simulationId, ...detail },
  });

  it('shows the events of one simulation from events.jsonl, in order, without the platform', async () => {
    const dataDir = path.join(tmp, 'events');
    await mkdir(dataDir, { recursive: true });
    const lines = [
      event(SIM_ID, '2024-06-01T12:00:00Z', 'Simulation Submitted', {
        name: 'tropchem-july',
        backend: 'local',
      }),
      event('sim_other', '2024-06-01T12:00:01Z', 'Simulation Status Changed', {
        from: 'PENDING',
        to: 'FAILED',
      }),
      event(SIM_ID, '2024-06-01T12:00:02Z', 'Simulation Status Changed', {
        from: 'PENDING',
        to: 'SUBMITTED',
        reason: 'job 42 submitted',
      }),
      event(SIM_ID, '2024-06-01T12:09:00Z', 'Simulation Status Changed', {
        from: 'RUNNING',
        to: 'SUCCEEDED',
        reason: 'exit 0',
      }),
    ].map((e) => JSON.stringify(e));
    await writeFile(path.join(dataDir, 'events.jsonl'), `${lines.join('\n')}\n{"truncated": \n`);

    const run = await gcr(['--data-dir', dataDir, 'events', SIM_ID], {});
    expect(run.code).toBe(0);
    const out = run.stdout.trimEnd().split('\n');
    expect(out[0]).toMatch(/^TIME +TYPE +SOURCE +SUMMARY$/);
    expect(out).toHaveLength(4);
    expect(out[1]).toMatch(
      /^2024-06-01 12:00:00Z +Simulation Submitted +gcr\.execution-poller +tropchem-july local$/,
    );
    expect(out[2]).toMatch(
      /Simulation Status Changed +gcr\.execution-poller +PENDING → SUBMITTED \(job 42 submitted\)$/,
    );
    expect(out[3]).toContain('RUNNING → SUCCEEDED (exit 0)');
    expect(run.stdout).not.toContain('sim_other');
    expect(run.stdout).not.toContain('FAILED');

    const json = await gcr(['--data-dir', dataDir, 'events', SIM_ID, '--json'], {});
    const parsed = JSON.parse(json.stdout) as { detail: { simulationId: string } }[];
    expect(parsed.map((e) => e.detail.simulationId)).toEqual([SIM_ID, SIM_ID, SIM_ID]);
  });

  it('says so when there are no events for the id, and when there is no events file', async () => {
    const dataDir = path.join(tmp, 'events2');
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'events.jsonl'), '');
    const none = await gcr(['events', 'sim_unknown'], { GCR_DATA_DIR: dataDir });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('no events about sim_unknown');

    const missing = await gcr(['--data-dir', path.join(tmp, 'nowhere'), 'events', SIM_ID], {});
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(path.join(tmp, 'nowhere', 'events.jsonl'));
  });
});

describe('gcr token', () => {
  it("prints the token the data directory's platform issues for the user", async () => {
    await livePlatform('d1');
    api.routes.set('POST /local/tokens', issuesToken('tok.en.x', '2024-06-01T13:00:00.000Z'));
    const run = await gcr(['token', 'carol', '--data-dir', 'd1'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('tok.en.x\n');
    expect(api.requests).toHaveLength(1);
    expect(JSON.parse(api.requests[0]!.body)).toEqual({ user: 'carol', groups: [] });
    expect(api.requests[0]!.headers['x-gcr-token-secret']).toBe('secret-of-d1');
  });

  it('with --admin --ttl --json asks for the admin group and the lifetime, and prints {token, user, groups, expiresAt}', async () => {
    const dataDir = await livePlatform('d2');
    api.routes.set('POST /local/tokens', issuesToken('tok.en.x', '2024-06-01T13:00:00.000Z'));
    const run = await gcr(['--json', 'token', 'dave', '--admin', '--ttl', '3600'], { GCR_DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    expect(JSON.parse(api.requests[0]!.body)).toEqual({ user: 'dave', groups: ['admin'], ttlSeconds: 3600 });
    expect(JSON.parse(run.stdout)).toEqual({
      token: 'tok.en.x',
      user: 'dave',
      groups: ['admin'],
      expiresAt: '2024-06-01T13:00:00.000Z',
    });
  });

  it('says to start the platform when none runs in the data directory (exit 3)', async () => {
    const run = await gcr(['--data-dir', 'no-platform-here', 'token', 'carol'], {});
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      `no local platform is running in ${path.join(tmp, 'no-platform-here')}: start it with \`npm start\``,
    );
    expect(api.requests).toHaveLength(0);
  });

  it('is a usage error naming the field when the platform refuses the user name (exit 2)', async () => {
    const dataDir = await livePlatform('d3');
    api.routes.set('POST /local/tokens', refusesUser('has space'));
    const run = await gcr(['--json', 'token', 'has space'], { GCR_DATA_DIR: dataDir });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stderr).error).toEqual(
      expect.objectContaining({
        code: 'UsageError',
        issues: [{ field: 'user', message: '"has space" is not a valid user name' }],
      }),
    );
  });

  it('exits 3 with the npm start hint when the platform named in platform.json does not answer', async () => {
    const dead = await startFakeApi();
    await dead.close();
    const dataDir = await livePlatform('d4', { url: dead.url, tokenUrl: `${dead.url}/local/tokens` });
    const run = await gcr(['token', 'carol'], { GCR_DATA_DIR: dataDir });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`cannot connect to ${dead.url}/local/tokens`);
    expect(run.stderr).toContain(`is the local platform in ${dataDir} still running?`);
  });
});

describe('bin/gcr.js', () => {
  it('runs the TypeScript CLI through tsx without a build, with the exit code', () => {
    const bin = fileURLToPath(new URL('../../../bin/gcr.js', import.meta.url));
    const ok = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8', cwd: tmp });
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);

    const noPlatform = spawnSync(process.execPath, [bin, 'list'], {
      encoding: 'utf8',
      cwd: tmp,
      env: { PATH: process.env.PATH ?? '', HOME: os.homedir() },
    });
    expect(noPlatform.status).toBe(3);
    expect(noPlatform.stderr).toContain('npm start');
  }, 30_000);
});
