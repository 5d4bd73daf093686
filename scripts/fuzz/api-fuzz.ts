/**
 * Fuzzing of every route of the API (scripts/fuzz/api-routes.ts) over real
 * HTTP: random path parameters, query strings, headers, callers and bodies,
 * built with fast-check from a seed, each sent once to a running platform.
 * Every answer must be below 500, and every 4xx either the API's ErrorResponse
 * (a code and a message) or the gateway's own answer (`{ "message": ... }`:
 * 401, a 404 for no route, 413). The report counts answers by status and route.
 *
 * Used by `npm run fuzz` (scripts/fuzz/api.ts, 10,000 cases) and by the test
 * suite (test/integration/scripts/fuzz/api-fuzz.test.ts, fewer).
 */
import fc from 'fast-check';
import { apiRoutes, fillPath, type ApiRoute } from './api-routes.js';

/** What the cases aim at: callers' tokens and ids and keys that exist, so that cases reach past the first checks. */
export interface FuzzTargets {
  baseUrl: string;
  tokens: { owner: string; other: string; admin: string };
  /** The owner's simulations; the first two have READY results on the same grid. */
  ownIds: string[];
  /** Another user's simulations. */
  otherIds: string[];
  /** Keys (relative to the simulation) of files of the first own simulation. */
  resultKeys: string[];
  /** A valid simulation spec, mutated into bodies that pass most checks. */
  spec: Record<string, unknown>;
  /** A Slurm site and a live credential of it: the agent routes' owner-caller cases carry it. */
  site?: { name: string; secret: string };
}

/** The routes a site's agent calls with its site credential, not a user's token. */
const AGENT_ROUTE = /^\/sites\/\{name\}\/(session|transfers|reports)$/;

export interface FuzzCase {
  route: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  caller: 'owner' | 'other' | 'admin' | 'none' | 'garbage';
  body?: string;
}

export interface FuzzFailure {
  fuzzCase: FuzzCase;
  status: number;
  problem: string;
  body: string;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  seconds: number;
  byStatus: Record<string, number>;
  byRoute: Record<string, Record<string, number>>;
  latencyMs: { p50: number; p95: number; max: number };
  failures: FuzzFailure[];
}

const QUERY_NAMES = [
  'limit',
  'cursor',
  'status',
  'owner',
  'nextToken',
  'startFromHead',
  'refresh',
  'variables',
  'collection',
];
const HEADER_NAMES = [
  'idempotency-key',
  'content-type',
  'accept',
  'x-forwarded-for',
  'range',
  'x-gcr-anything',
];

/** Printable ASCII: what an HTTP header value may hold. */
const asciiChar = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const headerValue = fc.string({ unit: asciiChar, maxLength: 300 }).map((v) => v.trim());
/** Any text, astral planes included; never a lone surrogate (a URL cannot carry one). */
const text = (maxLength: number) =>
  fc.oneof(
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'binary-ascii', maxLength }),
    fc.string({ unit: asciiChar, maxLength }),
  );

function segment(targets: FuzzTargets): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...targets.ownIds, ...targets.otherIds) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '#ratelimit#batch-api',
        '#active#someone',
        'sim_00000000000000000000000000',
        'SIM_00000000000000000000000000',
        '..',
        '%2e%2e',
        '%',
        'sim_',
        '\u0000',
      ),
    },
    { weight: 3, arbitrary: text(60).filter((s) => s.length > 0) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((n) => `sim_${'a'.repeat(n)}`) },
  );
}

function keyPath(targets: FuzzTargets): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...targets.resultKeys),
    fc
      .array(segment(targets), { minLength: 1, maxLength: 4 })
      .map((parts) => parts.map((p) => encodeURIComponent(p)).join('/')),
    fc.constantFrom(
      'results/comparisons/sim_00000000000000000000000000/comparison.json',
      'results/admin-comparisons/x/y.png',
      '..%2F..%2Fsimulations',
      'outputs//x',
    ),
  );
}

function queryValue(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('true', 'false', '0', '1', '-1', '20', '100', '1000', 'abc', 'SUCCEEDED', 'PENDING', ''),
    text(80),
    // Cursor-like: base64url JSON, altered.
    fc.json({ maxDepth: 2 }).map((j) => Buffer.from(j).toString('base64url')),
  );
}

function body(targets: FuzzTargets): fc.Arbitrary<string | undefined> {
  const fields = Object.keys(targets.spec);
  const mutatedSpec = fc
    .tuple(fc.constantFrom(...fields, 'bogus'), fc.jsonValue({ maxDepth: 3 }))
    .map(([field, value]) => JSON.stringify({ ...targets.spec, [field]: value }));
  return fc.oneof(
    fc.constant(undefined),
    fc.constant(JSON.stringify(targets.spec)),
    fc.json({ maxDepth: 3 }),
    text(200),
    { weight: 3, arbitrary: mutatedSpec },
    fc.array(text(20), { maxLength: 3 }).map((species) => JSON.stringify({ species })),
  );
}

/** One random request to one route. */
export function fuzzCase(targets: FuzzTargets, routes: ApiRoute[] = apiRoutes()): fc.Arbitrary<FuzzCase> {
  return fc
    .record({
      route: fc.constantFrom(...routes),
      id: segment(targets),
      otherId: segment(targets),
      key: keyPath(targets),
      // Slurm sites' names and credential ids, and run-directory file names.
      name: fc.oneof(fc.constantFrom('harvard-cannon', 'no-such-site'), segment(targets)),
      credentialId: segment(targets),
      file: fc.oneof(fc.constantFrom('HISTORY.rc', 'geoschem_config.yml', '..', '.env'), segment(targets)),
      // Often none: past the query's own checks is where the routes' logic is.
      query: fc.oneof(
        { weight: 2, arbitrary: fc.constant({}) },
        fc.dictionary(fc.constantFrom(...QUERY_NAMES), queryValue(), { maxKeys: 3 }),
        fc.dictionary(fc.oneof(fc.constantFrom(...QUERY_NAMES), text(20)), queryValue(), { maxKeys: 4 }),
      ),
      headers: fc.oneof(
        fc.constant({}),
        fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerValue, { maxKeys: 3 }),
      ),
      caller: fc.constantFrom('owner', 'owner', 'owner', 'other', 'admin', 'none', 'garbage') as fc.Arbitrary<
        FuzzCase['caller']
      >,
      body: body(targets),
      garbage: headerValue,
    })
    .map((c) => {
      // The owner's cases of an agent route are the site's agent: its credential, its site's name.
      const agent = AGENT_ROUTE.test(c.route.path) && c.caller === 'owner' ? targets.site : undefined;
      if (agent) c.name = agent.name;
      const path = fillPath(c.route.path, {
        id: encodeURIComponent(c.id),
        otherId: encodeURIComponent(c.otherId),
        key: c.key,
        name: encodeURIComponent(c.name),
        credentialId: encodeURIComponent(c.credentialId),
        path: encodeURIComponent(c.file),
      });
      const headers: Record<string, string> = { ...c.headers };
      if (c.caller === 'garbage') headers['authorization'] = c.garbage;
      else if (agent) headers['authorization'] = `Bearer ${agent.secret}`;
      else if (c.caller !== 'none') headers['authorization'] = `Bearer ${targets.tokens[c.caller]}`;
      return {
        route: c.route.key,
        method: c.route.method,
        path,
        query: c.query,
        headers,
        caller: c.caller,
        ...(c.route.method === 'GET' || c.body === undefined ? {} : { body: c.body }),
      };
    });
}

/** Why an answer breaks the contract, or undefined when it keeps it. */
function problemWith(status: number, text: string): string | undefined {
  if (status >= 500) return `a ${status}`;
  if (status < 400) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `a ${status} whose body is not JSON`;
  }
  const body = parsed as { error?: { code?: unknown; message?: unknown }; message?: unknown };
  if (body.error !== undefined) {
    return typeof body.error.code === 'string' && typeof body.error.message === 'string'
      ? undefined
      : `a ${status} whose error has no code or message`;
  }
  // The gateway's own answers, as API Gateway's: refused token, no route, body too large.
  return [401, 404, 413].includes(status) && typeof body.message === 'string'
    ? undefined
    : `a ${status} that is neither an ErrorResponse nor the gateway's own answer`;
}

async function send(baseUrl: string, c: FuzzCase): Promise<{ status: number; text: string }> {
  const url = new URL(`${baseUrl}${c.path}`);
  for (const [name, value] of Object.entries(c.query)) url.searchParams.append(name, value);
  const response = await fetch(url, {
    method: c.method,
    headers: c.headers,
    ...(c.body !== undefined ? { body: c.body } : {}),
  });
  return { status: response.status, text: await response.text() };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? 0
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Sends `runs` cases drawn from `seed`, `concurrency` at a time; never stops at a failure, reports them all. */
export async function fuzzApi(
  targets: FuzzTargets,
  options: { runs: number; seed: number; concurrency?: number; onProgress?: (done: number) => void },
): Promise<FuzzReport> {
  const cases = fc.sample(fuzzCase(targets), { numRuns: options.runs, seed: options.seed });
  const byStatus: Record<string, number> = {};
  const byRoute: Record<string, Record<string, number>> = {};
  const failures: FuzzFailure[] = [];
  const latencies: number[] = [];
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++]!;
      const t0 = performance.now();
      let status: number;
      let text: string;
      try {
        ({ status, text } = await send(targets.baseUrl, c));
      } catch (err) {
        status = 0;
        text = (err as Error).message;
      }
      latencies.push(performance.now() - t0);
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      const route = (byRoute[c.route] ??= {});
      route[status] = (route[status] ?? 0) + 1;
      const problem = status === 0 ? `no answer (${text})` : problemWith(status, text);
      if (problem) failures.push({ fuzzCase: c, status, problem, body: text.slice(0, 500) });
      options.onProgress?.(latencies.length);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  latencies.sort((a, b) => a - b);
  return {
    seed: options.seed,
    cases: cases.length,
    seconds: (performance.now() - started) / 1000,
    byStatus,
    byRoute,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies.at(-1) ?? 0 },
    failures,
  };
}

/** The report as the lines `npm run fuzz` prints. */
export function formatReport(report: FuzzReport): string {
  const statuses = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([status, n]) => `${status}:${n}`)
      .join(' ');
  const fiveXX = Object.entries(report.byStatus)
    .filter(([status]) => Number(status) >= 500 || Number(status) === 0)
    .reduce((sum, [, n]) => sum + n, 0);
  const lines = [
    `fuzzed ${report.cases} requests over ${Object.keys(report.byRoute).length} routes in ${report.seconds.toFixed(1)} s (seed ${report.seed})`,
    `answers by status: ${statuses(report.byStatus)}`,
    `5xx or no answer: ${fiveXX}; contract breaks: ${report.failures.length}`,
    `latency ms: p50 ${report.latencyMs.p50.toFixed(1)}, p95 ${report.latencyMs.p95.toFixed(1)}, max ${report.latencyMs.max.toFixed(1)}`,
    'by route:',
    ...Object.entries(report.byRoute)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([route, counts]) => `  ${route.padEnd(46)} ${statuses(counts)}`),
  ];
  for (const failure of report.failures.slice(0, 20)) {
    lines.push(`FAIL ${failure.problem}: ${JSON.stringify(failure.fuzzCase)} -> ${failure.body}`);
  }
  return lines.join('\n');
}
