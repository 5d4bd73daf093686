/**
 * The console's one way to the platform: the public REST API through the
 * client generated from its OpenAPI document (openapi-fetch over
 * schemas/generated/openapi.d.ts), with the signed-in user's bearer token on
 * every request. No private routes.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from '#schemas/generated/openapi.js';

export type ApiClient = Client<paths>;

/** The token to send, or undefined when signed out (the API then answers 401). */
export type AccessTokenSource = () => Promise<string | undefined>;

export function createApiClient(
  baseUrl: string,
  accessToken: AccessTokenSource,
  fetchImpl?: typeof fetch,
): ApiClient {
  const client = createClient<paths>({ baseUrl, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  const bearer: Middleware = {
    async onRequest({ request }) {
      const token = await accessToken();
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
  };
  client.use(bearer);
  return client;
}

/** The platform's error body ({ error: { code, message, issues } }) as one readable line. */
export function describeApiError(body: unknown, status: number): string {
  const error = (
    body as { error?: { message?: unknown; issues?: { field?: unknown; message?: unknown }[] } } | null
  )?.error;
  if (!error || typeof error.message !== 'string') return `The API answered ${status}`;
  const issues = (error.issues ?? [])
    .filter((issue) => typeof issue.field === 'string' && typeof issue.message === 'string')
    .map((issue) => `${String(issue.field)}: ${String(issue.message)}`);
  return issues.length > 0 ? `${error.message} (${issues.join('; ')})` : error.message;
}

/** A request the API refused or could not answer: the status and the platform's error as one line. */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}
