/**
 * A fake of the public API for the simulations list's component tests: answers
 * by method and path (`GET /simulations`, `POST /simulations/{id}/cancel`),
 * and records every request the console made.
 */
import type { SimulationSummary } from '#schemas/generated/types.js';

export type FakeRoute = (request: Request) => Response | Promise<Response>;

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export function fakeSimulationsApi(routes: Record<string, FakeRoute>): {
  fetch: typeof fetch;
  requests: Request[];
} {
  const requests: Request[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push(request.clone());
    const { pathname } = new URL(request.url);
    const key = `${request.method} ${pathname.replace(/^\/simulations\/[^/]+\/cancel$/, '/simulations/{id}/cancel')}`;
    const route = routes[key];
    if (!route) return jsonResponse(404, { error: { code: 'NOT_FOUND', message: `no fake for ${key}` } });
    return route(request);
  };
  return { fetch: fetchImpl as typeof fetch, requests };
}

export function summary(overrides: Partial<SimulationSummary> = {}): SimulationSummary {
  return {
    id: 'sim_1',
    owner: 'owner-alice',
    name: 'demo run',
    status: 'RUNNING',
    createdAt: '2026-12-07T06:00:00.000Z',
    updatedAt: '2026-12-07T06:05:00.000Z',
    simulationType: 'TransportTracers',
    resolution: '4x5',
    backend: 'local',
    ...overrides,
  };
}
