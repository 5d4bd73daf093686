/**
 * A fake of the platform's API for the costs and subscriptions pages'
 * component tests: answers keyed by `METHOD /path` (the path without the
 * query), each request recorded with its query and JSON body.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface FakeAnswer {
  status: number;
  body?: unknown;
}

export type FakeRoute = (request: RecordedRequest) => FakeAnswer;

export function fakeApi(routes: Record<string, FakeRoute | FakeAnswer>) {
  const requests: RecordedRequest[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const text = await request.text();
    const recorded: RecordedRequest = {
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
    requests.push(recorded);
    const route = routes[`${request.method} ${url.pathname}`];
    const answer: FakeAnswer = route
      ? typeof route === 'function'
        ? route(recorded)
        : route
      : {
          status: 404,
          body: { error: { code: 'NotFound', message: `no fake for ${request.method} ${url.pathname}` } },
        };
    return answer.body === undefined
      ? new Response(null, { status: answer.status })
      : new Response(JSON.stringify(answer.body), {
          status: answer.status,
          headers: { 'Content-Type': 'application/json' },
        });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

/** The platform's 400 body naming fields. */
export function badRequest(...issues: { field: string; message: string }[]): FakeAnswer {
  return { status: 400, body: { error: { code: 'ValidationError', message: 'invalid request', issues } } };
}
