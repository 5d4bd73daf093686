/**
 * `gcr watch` and `gcr logs`, run in-process against a real HTTP server on
 * 127.0.0.1 whose answers change from one request to the next. Time is
 * injected: `sleep` advances a fake clock at once, so polling loops with
 * 2-second intervals and backoff finish in milliseconds.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { runCli, type CliIo } from '#cli/main.js';
import { inTurn, startFakeApi, type Answer, type FakeApi, type Route } from './fake-api.js';

const SIM_ID = 'sim_01jd3k9x2m4q8r7t6v5w3y1z0a';
const SIM_PATH = `GET /simulations/${SIM_ID}`;
const LOGS_PATH = `GET /simulations/${SIM_ID}/logs`;
const CREATED = '2024-06-01T12:00:00.000Z';
/** The fake clock starts 1m08s after the simulation was created. */
const START = '2024-06-01T12:01:08.000Z';

const H = {
  pending: { at: CREATED, from: null, to: 'PENDING', reason: 'submitted' },
  submitted: { at: '2024-06-01T12:00:05Z', from: 'PENDING', to: 'SUBMITTED', reason: 'job 1234 submitted' },
  running: { at: '2024-06-01T12:01:00Z', from: 'SUBMITTED', to: 'RUNNING', reason: 'job started' },
  succeeded: { at: '2024-06-01T12:09:12Z', from: 'RUNNING', to: 'SUCCEEDED', reason: 'exit 0' },
  failed: {
    at: '2024-06-01T12:03:30Z',
    from: 'RUNNING',
    to: 'FAILED',
    reason: 'Essential container in task exited',
  },
};

function sim(status: string, history: object[], extra: Record<string, unknown> = {}): Answer {
  return {
    status: 200,
    body: {
      id: SIM_ID,
      owner: 'alice',
      name: 'tropchem-july',
      status,
      version: history.length,
      createdAt: CREATED,
      updatedAt: CREATED,
      backend: 'aws-batch',
      spec: { name: 'tropchem-july' },
      history,
      ...extra,
    },
  };
}

const progress = (percent: number) => ({
  progress: { percent, simulatedTime: '2019-01-01T10:00:00Z', updatedAt: START },
});

/** The usual life: PENDING, SUBMITTED, RUNNING at 42 % then 80 %, SUCCEEDED. */
function happyLife(): Route {
  return inTurn(
    sim('PENDING', [H.pending]),
    sim('SUBMITTED', [H.pending, H.submitted]),
    sim('RUNNING', [H.pending, H.submitted, H.running], progress(42)),
    sim('RUNNING', [H.pending, H.submitted, H.running], progress(80)),
    sim('SUCCEEDED', [H.pending, H.submitted, H.running, H.succeeded], progress(100)),
  );
}

interface FakeTime {
  sleeps: number[];
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Runs after the n-th sleep (1-based), before the command goes on. */
  onSleep?: (n: number) => void;
}

function fakeTime(): FakeTime {
  let t = Date.parse(START);
  const time: FakeTime = {
    sleeps: [],
    now: () => new Date(t),
    sleep: async (ms) => {
      time.sleeps.push(ms);
      t += ms;
      time.onSleep?.(time.sleeps.length);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return time;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let api: FakeApi;
let time: FakeTime;

/** `tty`: stdout and stderr are a terminal (of that many columns when a number; else 120). */
async function gcr(argv: string[], extra: Partial<CliIo> & { tty?: boolean | number } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const { tty, ...rest } = extra;
  const code = await runCli(argv, {
    stdout: {
      write: (s: string) => (stdout += s),
      ...(tty ? { isTTY: true, columns: typeof tty === 'number' ? tty : 120 } : {}),
    },
    stderr: { write: (s: string) => (stderr += s), ...(tty ? { isTTY: true } : {}) },
    env: { GCR_API_URL: api.url, GCR_TOKEN: 'test-token', NO_COLOR: '1' },
    cwd: process.cwd(),
    now: time.now,
    sleep: time.sleep,
    ...rest,
  });
  return { code, stdout, stderr };
}

/** What a terminal shows at the end: `\r` + clear-line wipes the line being drawn; other escapes vanish. */
function screen(output: string): string[] {
  const lines: string[] = [];
  let current = '';
  // eslint-disable-next-line no-control-regex
  for (const token of output.split(/(\r\u001b\[2K|\n|\u001b\[\?25[lh])/)) {
    if (token === '\r\u001b[2K') current = '';
    else if (token === '\n') {
      lines.push(current);
      current = '';
    } else if (!token.startsWith('\u001b[?25')) current += token;
  }
  if (current) lines.push(current);
  return lines;
}

const count = (text: string, needle: string): number => text.split(needle).length - 1;

beforeAll(async () => {
  api = await startFakeApi();
});

afterAll(async () => {
  await api.close();
});

beforeEach(() => {
  api.requests.length = 0;
  api.routes.clear();
  time = fakeTime();
});

describe('gcr watch', () => {
  it('prints each transition once, then the outcome with a logs hint, and exits 0 on SUCCEEDED (no TTY)', async () => {
    api.routes.set(SIM_PATH, happyLife());
    const run = await gcr(['watch', SIM_ID]);

    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      '2024-06-01 12:00:00Z  ∅ → PENDING  submitted',
      '2024-06-01 12:00:05Z  PENDING → SUBMITTED  job 1234 submitted',
      '2024-06-01 12:01:00Z  SUBMITTED → RUNNING  job started',
      '2024-06-01 12:09:12Z  RUNNING → SUCCEEDED  exit 0',
      `${SIM_ID} SUCCEEDED after 9m12s`,
      `  see its log: gcr logs ${SIM_ID}`,
      '',
    ]);
    expect(run.stdout).not.toContain('\r');
    expect(run.stdout).not.toContain('\u001b');
    expect(run.stderr).toBe('');
    expect(api.requests).toHaveLength(5);
    expect(time.sleeps).toEqual([2000, 2000, 2000, 2000]);
  });

  it('exits 1 on FAILED, saying so with the last reason and the exit code', async () => {
    api.routes.set(
      SIM_PATH,
      inTurn(
        sim('RUNNING', [H.pending, H.submitted, H.running]),
        sim('FAILED', [H.pending, H.submitted, H.running, H.failed], {
          job: { jobId: 'j-1', jobName: 'gcr-x', attempt: 1, exitCode: 1, logStreamName: 'gcr/default/abc' },
        }),
      ),
    );
    const run = await gcr(['watch', SIM_ID, '--interval', '5']);

    expect(run.code).toBe(1);
    expect(count(run.stdout, 'RUNNING → FAILED')).toBe(1);
    expect(run.stdout).toContain(
      `${SIM_ID} FAILED after 3m30s: Essential container in task exited (exit code 1)\n`,
    );
    expect(run.stdout).toContain(`gcr logs ${SIM_ID}`);
    expect(time.sleeps).toEqual([5000]);
  });

  it('exits 1 on CANCELLED and TIMED_OUT too, with the reason', async () => {
    api.routes.set(
      SIM_PATH,
      inTurn(
        sim('CANCELLED', [
          H.pending,
          {
            at: '2024-06-01T12:00:30Z',
            from: 'PENDING',
            to: 'CANCELLING',
            reason: 'cancel requested by alice',
          },
          { at: '2024-06-01T12:00:40Z', from: 'CANCELLING', to: 'CANCELLED', reason: 'job terminated' },
        ]),
      ),
    );
    const cancelled = await gcr(['watch', SIM_ID]);
    expect(cancelled.code).toBe(1);
    expect(cancelled.stdout).toContain(`${SIM_ID} CANCELLED after 40s: job terminated\n`);
    expect(cancelled.stdout).not.toContain('gcr logs'); // the job never started

    api.routes.set(
      SIM_PATH,
      inTurn(
        sim('TIMED_OUT', [H.pending], {
          job: { jobId: 'j', jobName: 'n', attempt: 1, statusReason: 'queued too long' },
        }),
      ),
    );
    const timedOut = await gcr(['watch', SIM_ID]);
    expect(timedOut.code).toBe(1);
    expect(timedOut.stdout).toContain(`${SIM_ID} TIMED_OUT`);
    expect(timedOut.stdout).toContain('queued too long');
  });

  it('on a TTY redraws one status line in place, keeps transitions as lines, and restores the cursor', async () => {
    api.routes.set(SIM_PATH, happyLife());
    const run = await gcr(['watch', SIM_ID], { tty: true });

    expect(run.code).toBe(0);
    expect(run.stdout.startsWith('\u001b[?25l')).toBe(true);
    expect(run.stdout.endsWith('\u001b[?25h')).toBe(true);
    expect(run.stdout).toContain(
      '\r\u001b[2KRUNNING  [########------------]  42.0%  simulated 2019-01-01 10:00Z  elapsed 1m12s',
    );
    expect(run.stdout).toContain('[################----]  80.0%');
    // What stays on the screen: each transition once, then the outcome; the live line is gone.
    expect(screen(run.stdout)).toEqual([
      '2024-06-01 12:00:00Z  ∅ → PENDING  submitted',
      '2024-06-01 12:00:05Z  PENDING → SUBMITTED  job 1234 submitted',
      '2024-06-01 12:01:00Z  SUBMITTED → RUNNING  job started',
      '2024-06-01 12:09:12Z  RUNNING → SUCCEEDED  exit 0',
      `${SIM_ID} SUCCEEDED after 9m12s`,
      `  see its log: gcr logs ${SIM_ID}`,
    ]);
    // The line is redrawn every second between polls (elapsed time moves on).
    expect(time.sleeps).toEqual([1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000]);
    expect(run.stdout).toContain('elapsed 1m13s');
  });

  it('keeps the live line within the terminal width', async () => {
    api.routes.set(
      SIM_PATH,
      inTurn(sim('RUNNING', [H.pending], progress(42)), sim('SUCCEEDED', [H.pending])),
    );
    const run = await gcr(['watch', SIM_ID], { tty: 40 });
    const drawn = run.stdout
      .split('\r\u001b[2K')
      .filter((s) => !s.includes('\n')) // permanent lines (transitions, outcome) may wrap
      .map((s) => s.replaceAll('\u001b[?25l', '').replaceAll('\u001b[?25h', ''));
    expect(drawn.some((l) => l.startsWith('RUNNING  [########------------]'))).toBe(true);
    for (const line of drawn) expect([...line].length).toBeLessThanOrEqual(39);
  });

  it('with --json prints one JSON object per transition, then the final simulation', async () => {
    api.routes.set(
      SIM_PATH,
      inTurn(
        sim('RUNNING', [H.pending, H.submitted, H.running]),
        sim('FAILED', [H.pending, H.submitted, H.running, H.failed]),
      ),
    );
    const run = await gcr(['watch', SIM_ID, '--json'], { tty: true });

    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toContain('\r');
    const lines = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines.slice(0, 4)).toEqual(
      [H.pending, H.submitted, H.running, H.failed].map((h) => ({
        type: 'transition',
        simulationId: SIM_ID,
        ...h,
      })),
    );
    expect(lines[4]).toMatchObject({ id: SIM_ID, status: 'FAILED' });
  });

  it('exits 5 when --timeout elapses, polling until the deadline', async () => {
    api.routes.set(SIM_PATH, inTurn(sim('RUNNING', [H.pending, H.submitted, H.running])));
    const run = await gcr(['watch', SIM_ID, '--interval', '2', '--timeout', '5']);

    expect(run.code).toBe(5);
    expect(run.stderr).toContain(`stopped watching ${SIM_ID} after --timeout 5 s: it is still RUNNING`);
    expect(run.stderr).toContain(`gcr cancel ${SIM_ID}`);
    expect(time.sleeps).toEqual([2000, 2000, 1000]);
    expect(api.requests).toHaveLength(4); // at 0, 2, 4 and 5 s
  });

  it('reports --timeout as a JSON error with --json', async () => {
    api.routes.set(SIM_PATH, inTurn(sim('RUNNING', [H.pending])));
    const run = await gcr(['--json', 'watch', SIM_ID, '--timeout', '1']);
    expect(run.code).toBe(5);
    expect(JSON.parse(run.stderr).error).toMatchObject({ code: 'WatchTimeout', exitCode: 5 });
  });

  it('retries transient failures (dropped connections, 503) with backoff and carries on', async () => {
    api.routes.set(
      SIM_PATH,
      inTurn(
        { status: 0, destroy: true },
        { status: 0, destroy: true },
        { status: 503, body: { message: 'Service Unavailable' } },
        sim('RUNNING', [H.pending, H.submitted, H.running]),
        sim('SUCCEEDED', [H.pending, H.submitted, H.running, H.succeeded]),
      ),
    );
    const run = await gcr(['watch', SIM_ID]);

    expect(run.code).toBe(0);
    expect(time.sleeps).toEqual([1000, 2000, 4000, 2000]);
    expect(run.stderr).toContain('retry 1/4 in 1 s');
    expect(run.stderr).toContain('retry 2/4 in 2 s');
    expect(run.stderr).toContain('HTTP 503; retry 3/4 in 4 s');
    expect(count(run.stdout, 'SUBMITTED → RUNNING')).toBe(1);
  });

  it('gives up with exit 3 when the API stays unreachable', async () => {
    api.routes.set(SIM_PATH, () => ({ status: 0, destroy: true }));
    const run = await gcr(['watch', SIM_ID]);

    expect(run.code).toBe(3);
    expect(api.requests).toHaveLength(5);
    expect(time.sleeps).toEqual([1000, 2000, 4000, 8000]);
    expect(run.stderr).toContain(`cannot connect to ${api.url}/simulations/${SIM_ID}`);
    expect(run.stderr).toContain('gave up after 5 attempts');
  });

  it('does not retry a 404 (exit 1 at once)', async () => {
    api.routes.set(SIM_PATH, () => ({
      status: 404,
      body: { error: { code: 'NotFound', message: `simulation ${SIM_ID} not found` } },
    }));
    const run = await gcr(['watch', SIM_ID]);
    expect(run.code).toBe(1);
    expect(api.requests).toHaveLength(1);
    expect(run.stderr).toContain('not found (HTTP 404 NotFound)');
  });

  it('on Ctrl-C restores the line and cursor and exits 130', async () => {
    api.routes.set(SIM_PATH, inTurn(sim('RUNNING', [H.pending, H.running], progress(10))));
    let handler: (() => void) | undefined;
    let disposed = false;
    time.onSleep = (n) => {
      if (n === 3) handler?.();
    };
    const run = await gcr(['watch', SIM_ID], {
      tty: true,
      onInterrupt: (h) => {
        handler = h;
        return () => {
          disposed = true;
        };
      },
    });

    expect(run.code).toBe(130);
    expect(disposed).toBe(true);
    expect(run.stdout.endsWith('\r\u001b[2K\u001b[?25h')).toBe(true);
    expect(screen(run.stdout)).toHaveLength(2); // the two transitions, no live line left
    expect(run.stderr).toContain(`stopped watching ${SIM_ID}: it is RUNNING and goes on running`);
  });

  it.each([[['watch', SIM_ID, '--interval', '0']], [['watch', SIM_ID, '--timeout', 'soon']], [['watch']]])(
    'exits 2 on a bad command line: %j',
    async (argv) => {
      const run = await gcr(argv);
      expect(run.code).toBe(2);
      expect(api.requests).toHaveLength(0);
    },
  );
});

/**
 * A job log on the fake API, paged like CloudWatch GetLogEvents: `t<n>` is the
 * forward token of line n; without a token, the first or the last page.
 */
function logRoute(log: { lines: string[]; started: boolean }, pageSize = 100): Route {
  return (req) => {
    if (!log.started) {
      return {
        status: 409,
        body: {
          error: {
            code: 'NoLogsYet',
            message: `simulation ${SIM_ID} has no logs yet: its job has not started (status RUNNABLE)`,
          },
        },
      };
    }
    const limit = Math.min(Number(req.query.get('limit') ?? 100), pageSize);
    const token = req.query.get('nextToken');
    let from: number;
    if (token) from = Number(token.slice(1));
    else from = req.query.get('startFromHead') === 'false' ? Math.max(0, log.lines.length - limit) : 0;
    const to = Math.min(log.lines.length, from + limit);
    return {
      status: 200,
      body: {
        events: log.lines
          .slice(from, to)
          .map((message, i) => ({ timestamp: Date.parse(CREATED) + (from + i) * 1000, message })),
        nextToken: `t${to}`,
        logStreamName: 'gcr/default/abc',
      },
    };
  };
}

const logRequests = () => api.requests.filter((r) => r.path.endsWith('/logs'));

describe('gcr logs', () => {
  it('with --head pages through nextToken from the first line until nothing new comes', async () => {
    const lines = ['GEOS-Chem starting', 'reading input.geos', 'day 1', 'day 2', 'done'];
    api.routes.set(LOGS_PATH, logRoute({ lines, started: true }, 2));
    const run = await gcr(['logs', SIM_ID, '--head']);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(lines.map((l) => `${l}\n`).join(''));
    expect(run.stderr).toBe('');
    const reqs = logRequests();
    expect(reqs.map((r) => r.query.get('nextToken'))).toEqual([null, 't2', 't4', 't5']);
    expect(reqs[0]!.query.get('startFromHead')).toBe('true');
    expect(reqs.slice(1).every((r) => !r.query.has('startFromHead'))).toBe(true);
  });

  it('by default starts from the end: --limit n gives the last n lines', async () => {
    api.routes.set(LOGS_PATH, logRoute({ lines: ['a', 'b', 'c', 'd'], started: true }));
    const run = await gcr(['logs', SIM_ID, '--limit', '2']);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe('c\nd\n');
    expect(logRequests()[0]!.query.get('startFromHead')).toBe('false');
    expect(logRequests()[0]!.query.get('limit')).toBe('2');
  });

  it('with --head --limit n prints the first n lines over several pages', async () => {
    api.routes.set(LOGS_PATH, logRoute({ lines: ['1', '2', '3', '4', '5'], started: true }, 2));
    const run = await gcr(['logs', SIM_ID, '--head', '--limit', '3']);

    expect(run.stdout).toBe('1\n2\n3\n');
    expect(logRequests().map((r) => r.query.get('limit'))).toEqual(['3', '1']);
  });

  it('prints messages as they are, with --timestamps an ISO time first, with --json one object per line', async () => {
    api.routes.set(LOGS_PATH, logRoute({ lines: ['first\n', '  indented\ttab'], started: true }));
    const plain = await gcr(['logs', SIM_ID]);
    expect(plain.stdout).toBe('first\n  indented\ttab\n');

    const stamped = await gcr(['logs', SIM_ID, '--timestamps']);
    expect(stamped.stdout).toBe('2024-06-01T12:00:00.000Z first\n2024-06-01T12:00:01.000Z   indented\ttab\n');

    const json = await gcr(['logs', SIM_ID, '--json']);
    expect(
      json.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { timestamp: Date.parse(CREATED), message: 'first\n' },
      { timestamp: Date.parse(CREATED) + 1000, message: '  indented\ttab' },
    ]);
  });

  it('neutralises terminal escapes in messages only when writing to a terminal', async () => {
    api.routes.set(LOGS_PATH, logRoute({ lines: ['\u001b[2Jcleared?'], started: true }));
    expect((await gcr(['logs', SIM_ID])).stdout).toBe('\u001b[2Jcleared?\n');
    expect((await gcr(['logs', SIM_ID], { tty: true })).stdout).toBe(' [2Jcleared?\n');
  });

  it('--follow prints new lines as they come and stops after the simulation ends, with the last lines', async () => {
    const log = { lines: ['a1', 'a2'], started: true };
    let status = 'RUNNING';
    api.routes.set(LOGS_PATH, logRoute(log));
    api.routes.set(SIM_PATH, () => sim(status, [H.pending]));
    time.onSleep = (n) => {
      log.lines.push(`line ${n}`);
      if (n === 6) {
        log.lines.push('final words');
        status = 'SUCCEEDED';
      }
    };
    const run = await gcr(['logs', SIM_ID, '--follow']);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      ['a1', 'a2', 'line 1', 'line 2', 'line 3', 'line 4', 'line 5', 'line 6', 'final words']
        .map((l) => `${l}\n`)
        .join(''),
    );
    expect(time.sleeps).toEqual([2000, 2000, 2000, 2000, 2000, 2000]);
    // The status is looked at on the first poll and every third one after.
    expect(api.requests.filter((r) => r.path === `/simulations/${SIM_ID}`)).toHaveLength(3);
    expect(run.stderr).toBe(`${SIM_ID} ended: SUCCEEDED\n`);
  });

  it('without --follow says there are no logs yet on stderr and exits 0 (409 NoLogsYet)', async () => {
    api.routes.set(LOGS_PATH, logRoute({ lines: [], started: false }));
    api.routes.set(SIM_PATH, () => sim('RUNNABLE', [H.pending]));
    const run = await gcr(['logs', SIM_ID]);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('no logs yet: the job has not started (status RUNNABLE)\n');
  });

  it('--follow waits for the job to start (one note), then prints its lines until it ends', async () => {
    const log = { lines: ['started'], started: false };
    let status = 'RUNNABLE';
    api.routes.set(LOGS_PATH, logRoute(log));
    api.routes.set(SIM_PATH, () => sim(status, [H.pending]));
    time.onSleep = (n) => {
      if (n === 2) {
        log.started = true;
        status = 'RUNNING';
      }
      if (n === 3) {
        log.lines.push('finished');
        status = 'SUCCEEDED';
      }
    };
    const run = await gcr(['logs', SIM_ID, '--follow']);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe('started\nfinished\n');
    expect(count(run.stderr, 'no logs yet')).toBe(1);
    expect(run.stderr).toContain(
      'no logs yet: the job has not started (status RUNNABLE); waiting for it (Ctrl-C to stop)',
    );
  });

  it('--follow stops at once for a simulation that ended before its job started', async () => {
    api.routes.set(LOGS_PATH, logRoute({ lines: [], started: false }));
    api.routes.set(SIM_PATH, () => sim('CANCELLED', [H.pending]));
    const run = await gcr(['logs', SIM_ID, '--follow']);

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('no logs: the simulation ended (CANCELLED) before its job started\n');
    expect(time.sleeps).toEqual([]);
  });

  it('--follow retries a dropped connection and exits 130 on Ctrl-C', async () => {
    const log = logRoute({ lines: ['x'], started: true });
    let dropped = false;
    api.routes.set(LOGS_PATH, (req) => {
      if (dropped) return log(req);
      dropped = true;
      return { status: 0, destroy: true };
    });
    api.routes.set(SIM_PATH, () => sim('RUNNING', [H.pending]));
    let handler: (() => void) | undefined;
    time.onSleep = (n) => {
      if (n === 3) handler?.();
    };
    const run = await gcr(['logs', SIM_ID, '--follow'], {
      onInterrupt: (h) => {
        handler = h;
        return () => undefined;
      },
    });
    expect(run.code).toBe(130);
    expect(run.stdout).toBe('x\n');
    expect(run.stderr).toContain('retry 1/4 in 1 s');
    expect(time.sleeps).toEqual([1000, 2000, 2000]); // a backoff, then two follow intervals
    expect(logRequests().map((r) => r.query.get('nextToken'))).toEqual([null, null, 't1', 't1']);
  });

  it('exits 1 on an unknown id (404) and 2 on --follow --head --limit', async () => {
    api.routes.set(LOGS_PATH, () => ({
      status: 404,
      body: { error: { code: 'NotFound', message: `simulation ${SIM_ID} not found` } },
    }));
    const missing = await gcr(['logs', SIM_ID]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('(HTTP 404 NotFound)');

    const usage = await gcr(['logs', SIM_ID, '--follow', '--head', '--limit', '5']);
    expect(usage.code).toBe(2);
    expect((await gcr(['logs', SIM_ID, '--limit', '10001'])).code).toBe(2);
  });
});
