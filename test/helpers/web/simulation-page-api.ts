/**
 * A fake of the public API for the simulation page's component tests: routes
 * keyed by "METHOD /path" (path without the API's base URL; a trailing "*"
 * matches any rest), each answering a JSON body or a function of the request.
 * Every request is recorded, so a test can wait for the one it expects.
 */
import type {
  ResultsComparison,
  Simulation,
  SimulationCost,
  SimulationResults,
} from '../../../schemas/generated/types.js';
import { TEST_API_URL } from './render.js';

export type FakeAnswer = { status: number; body?: unknown; headers?: Record<string, string> };
export type FakeRoute = FakeAnswer | ((request: Request, url: URL) => FakeAnswer);

export interface SimulationPageApi {
  fetch: typeof fetch;
  requests: { method: string; path: string; url: URL; headers: Headers }[];
}

export function simulationPageApi(routes: Record<string, FakeRoute>): SimulationPageApi {
  const requests: SimulationPageApi['requests'] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const path = decodeURIComponent(
      url.pathname.slice(new URL(TEST_API_URL).pathname.replace(/\/$/, '').length),
    );
    requests.push({ method: request.method, path, url, headers: request.headers });
    const key = `${request.method} ${path}`;
    const route =
      routes[key] ??
      Object.entries(routes).find(
        ([pattern]) => pattern.endsWith('*') && key.startsWith(pattern.slice(0, -1)),
      )?.[1];
    const answer: FakeAnswer = route
      ? typeof route === 'function'
        ? route(request, url)
        : route
      : { status: 404, body: { error: { code: 'NotFound', message: `no fake for ${key}` } } };
    const body = answer.body === undefined ? null : JSON.stringify(answer.body);
    return new Response(answer.status === 304 ? null : body, {
      status: answer.status,
      headers: { 'Content-Type': 'application/json', ...answer.headers },
    });
  };
  return { fetch: fetchImpl as typeof fetch, requests };
}

export const SIM_ID = 'sim_01jd3k9x2m4q8r7t6v5w3y1z0a';
export const OTHER_ID = 'sim_01jd3k9x2m4q8r7t6v5w3y1z0b';

export function simulationFixture(overrides: Partial<Simulation> = {}): Simulation {
  return {
    id: SIM_ID,
    owner: 'user-1',
    name: 'demo 4x5 one day',
    status: 'RUNNING',
    version: 5,
    createdAt: '2026-12-07T06:00:00.000Z',
    updatedAt: '2026-12-07T06:10:00.000Z',
    backend: 'aws-batch',
    spec: {
      name: 'demo 4x5 one day',
      simulation: { type: 'TransportTracers' },
      meteorology: { field: 'merra2' },
      grid: { resolution: '4x5' },
      period: { start: '2019-07-01T00:00:00Z', end: '2019-07-02T00:00:00Z' },
      compute: { maxRuntimeMinutes: 120 },
    } as Simulation['spec'],
    history: [
      { at: '2026-12-07T06:00:00.000Z', from: null, to: 'PENDING', reason: 'submitted' },
      {
        at: '2026-12-07T06:00:05.000Z',
        from: 'PENDING',
        to: 'SUBMITTED',
        reason: 'job submitted to AWS Batch',
      },
      { at: '2026-12-07T06:01:00.000Z', from: 'SUBMITTED', to: 'RUNNING', reason: 'job started' },
      {
        at: '2026-12-07T06:05:00.000Z',
        from: 'RUNNING',
        to: 'RETRYING',
        reason: 'spot instance reclaimed: Host EC2 (instance i-0123456789abcdef0) terminated.',
      },
      { at: '2026-12-07T06:07:00.000Z', from: 'RETRYING', to: 'RUNNING', reason: 'attempt 2 started' },
    ],
    progress: { percent: 50, simulatedTime: '2019-07-01T12:00:00Z', updatedAt: '2026-12-07T06:10:00.000Z' },
    job: {
      jobId: 'job-1',
      jobName: 'gcr-demo',
      attempt: 2,
      state: 'RUNNING',
      startedAt: '2026-12-07T06:07:00.000Z',
      instanceType: 'c7i.4xlarge',
      attempts: [
        {
          startedAt: '2026-12-07T06:01:00.000Z',
          stoppedAt: '2026-12-07T06:05:00.000Z',
          instanceType: 'c7i.4xlarge',
          statusReason: 'Host EC2 (instance i-0123456789abcdef0) terminated.',
        },
      ],
    },
    ...overrides,
  };
}

export function costFixture(overrides: Partial<SimulationCost> = {}): SimulationCost {
  const attempt = (n: number, ended: boolean): SimulationCost['attempts'][number] => ({
    attempt: n,
    instanceType: 'c7i.4xlarge',
    availabilityZone: 'us-east-1a',
    purchase: 'spot',
    nodes: 1,
    share: { vcpu: 0.5, memory: 0.25, applied: 0.5 },
    price: {
      source: 'spot price history',
      asOf: '2026-12-07',
      periods: [{ from: '2026-12-07T06:00:00.000Z', usdPerHour: 0.4 }],
    },
    startedAt: '2026-12-07T06:01:00.000Z',
    ...(ended ? { stoppedAt: '2026-12-07T06:05:00.000Z', statusReason: 'spot reclaim' } : {}),
    seconds: ended ? 240 : 180,
    computeUsd: ended ? 0.0133 : 0.01,
    ebsUsd: 0.0001,
    ended,
  });
  return {
    simulationId: SIM_ID,
    owner: 'user-1',
    kind: 'accrued',
    status: 'RUNNING',
    simulationVersion: 5,
    currency: 'USD',
    totalUsd: 0.0235,
    items: [
      { item: 'compute', usd: 0.0233, perMonth: false, known: true, includes: 'EC2 share', leavesOut: '' },
      { item: 's3-storage', usd: 0.01, perMonth: true, known: true, includes: 'outputs', leavesOut: '' },
    ],
    attempts: [attempt(1, true), attempt(2, false)],
    headline: { estimate: { instanceType: 'c7i.4xlarge', lowUsd: 0.02, expectedUsd: 0.03, highUsd: 0.05 } },
    updatedAt: '2026-12-07T06:10:00.000Z',
    ...overrides,
  };
}

export function resultsFixture(): SimulationResults {
  const variable = (name: string, mean: number, min: number, max: number) => ({
    name,
    dims: ['time', 'lev', 'lat', 'lon'],
    units: 'mol mol-1 dry',
    validCount: 100,
    min,
    max,
    mean,
  });
  return {
    simulationId: SIM_ID,
    simulationStatus: 'SUCCEEDED',
    status: 'READY',
    manifest: {
      generatedAt: '2026-12-07T07:00:00.000Z',
      fileCount: 1,
      totalBytes: 2_500_000,
      complete: true,
      missing: [],
      collections: [
        {
          collection: 'SpeciesConc',
          kind: 'history',
          fileCount: 1,
          totalBytes: 2_500_000,
          files: [
            {
              key: 'outputs/GEOSChem.SpeciesConc.20190701_0000z.nc4',
              size: 2_500_000,
              sha256: 'a'.repeat(64),
              timeStep: '20190701_0000z',
            },
          ],
        },
      ],
    },
    metrics: {
      fileCount: 1,
      truncated: false,
      files: [
        {
          key: 'outputs/GEOSChem.SpeciesConc.20190701_0000z.nc4',
          collection: 'SpeciesConc',
          timeStep: '20190701_0000z',
          variables: [
            variable('SpeciesConcVV_CO', 9e-8, 4e-8, 3e-7),
            variable('SpeciesConcVV_O3', 4e-8, 1e-8, 8e-6),
            variable('SpeciesConcVV_Rn222', 2e-20, 0, 5e-19),
          ],
        },
      ],
    },
    previews: [
      {
        key: 'results/previews/SpeciesConc/SpeciesConcVV_O3.png',
        collection: 'SpeciesConc',
        variable: 'SpeciesConcVV_O3',
      },
    ],
  };
}

export function comparisonFixture(): ResultsComparison {
  const stats = (value: number) => ({ surfaceMean: value, mean: value, min: value, max: value });
  const row = (variable: string, ref: number, dev: number) => ({
    collection: 'SpeciesConc',
    variable,
    units: 'mol mol-1 dry',
    ref: stats(ref),
    dev: stats(dev),
    difference: stats(dev - ref),
    relativeDifferencePercent: stats(((dev - ref) / Math.abs(ref)) * 100),
  });
  return {
    ref: { simulationId: SIM_ID, name: 'reference run', resultsUpdatedAt: '2026-12-07T07:00:00.000Z' },
    dev: { simulationId: OTHER_ID, name: 'compared run', resultsUpdatedAt: '2026-12-07T07:30:00.000Z' },
    grid: '4x5',
    generatedAt: '2026-12-07T08:00:00.000Z',
    cached: false,
    species: [
      row('SpeciesConcVV_CO', 100, 110),
      row('SpeciesConcVV_O3', 100, 60),
      row('SpeciesConcVV_Rn222', 100, 101),
    ],
    onlyInRef: [],
    onlyInDev: [],
    maps: [
      {
        collection: 'SpeciesConc',
        variable: 'SpeciesConcVV_O3',
        key: `results/comparisons/${OTHER_ID}/SpeciesConcVV_O3.png`,
      },
    ],
  };
}

/** GET /simulations/{id}/results/files/{key}: a link to a 1x1 PNG data URL for any key. */
export const ANY_FILE_LINK: FakeRoute = (_request, url) => ({
  status: 200,
  body: {
    key: url.pathname,
    url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
    expiresAt: '2026-12-07T09:00:00.000Z',
  },
});
