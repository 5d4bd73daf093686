/**
 * A fake of the public API for the new-simulation wizard's component tests:
 * answers keyed by method and path ("POST /simulation-plans"), every request
 * recorded with its headers and JSON body.
 */
import type { RunEstimate, SimulationPlan } from '#schemas/generated/types.js';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Headers;
  body: unknown;
}

export type FakeAnswer =
  { status: number; body: unknown } | ((request: RecordedRequest) => { status: number; body: unknown });

export interface WizardApi {
  fetch: typeof fetch;
  requests: RecordedRequest[];
}

export function wizardApi(answers: Record<string, FakeAnswer>): WizardApi {
  const requests: RecordedRequest[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const text = await request.text();
    const recorded: RecordedRequest = {
      method: request.method,
      path: new URL(request.url).pathname,
      headers: request.headers,
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
    requests.push(recorded);
    const answer = answers[`${recorded.method} ${recorded.path}`];
    if (!answer) {
      return Response.json(
        { error: { code: 'NotFound', message: `no fake answer for ${recorded.method} ${recorded.path}` } },
        { status: 404 },
      );
    }
    const { status, body } = typeof answer === 'function' ? answer(recorded) : answer;
    return Response.json(body, { status });
  };
  return { fetch: fetchImpl as typeof fetch, requests };
}

const range = (low: number, expected: number, high: number) => ({ low, expected, high });

export const FAKE_ESTIMATE: RunEstimate = {
  model: 'gcclassic',
  simulatedDays: 1,
  purchase: 'spot',
  options: [
    {
      instanceType: 'c7i.4xlarge',
      architecture: 'x86_64',
      vcpus: 16,
      nodes: 1,
      purchase: 'spot',
      pricePerHourUsd: 0.3,
      wallSeconds: range(600, 1200, 2400),
      costUsd: range(0.05, 0.1, 0.2),
      fitsMaxRuntime: true,
    },
    {
      instanceType: 'c7g.4xlarge',
      architecture: 'arm64',
      vcpus: 16,
      nodes: 1,
      purchase: 'spot',
      pricePerHourUsd: 0.25,
      wallSeconds: range(700, 1400, 2800),
      costUsd: range(0.04, 0.09, 0.18),
      fitsMaxRuntime: true,
    },
  ],
  recommended: { instanceType: 'c7i.4xlarge', reason: 'fastest at this price' },
  basis: [],
  assumptions: [],
  uncertainty: { factor: 2, statement: 'low = expected / 2, high = expected x 2' },
  warnings: [],
  pricing: { source: 'test', region: 'us-east-1', generatedAt: '2026-01-01T00:00:00Z' },
};

export const FAKE_PLAN: SimulationPlan = {
  spec: {
    name: 'demo',
    simulation: { type: 'TransportTracers' },
    meteorology: { field: 'merra2' },
    grid: { resolution: '4x5' },
    period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' },
  },
  runDirectory: {
    name: 'gc_4x5_merra2_TransportTracers',
    files: [
      { name: 'geoschem_config.yml', bytes: 12_345 },
      { name: 'HISTORY.rc', bytes: 6_789 },
    ],
    assumptions: [],
    summary: {
      model: 'gcclassic',
      simulation: 'TransportTracers',
      met: 'MERRA-2',
      grid: '4x5',
      levels: 72,
      domain: 'global',
      period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z', hours: 24 },
      collections: ['SpeciesConc', 'Restart'],
      frequency: 'hourly',
    },
  },
  inputs: {
    buckets: ['s3://geos-chem'],
    period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z', days: 1 },
    items: [],
    itemCount: 42,
    totalBytes: 3_400_000_000,
    unavailableCount: 0,
    warnings: [],
    notes: [],
  },
  estimate: FAKE_ESTIMATE,
  warnings: [{ field: 'period.end', message: 'ends within 90 days of the data', source: 'inputs' }],
};
