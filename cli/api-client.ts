/**
 * The one place the CLI speaks HTTP: a small fetch wrapper for the status REST
 * API with a timeout, bearer auth, and errors mapped to CLI exit codes. Bodies
 * are typed with the API's generated types (schemas/); answers are not
 * validated, and the views stay tolerant of fields that are missing.
 */
import type {
  Budget,
  BudgetList,
  CostReport,
  FieldIssue,
  HealthResponse,
  ListSimulationsQuery,
  ListSimulationsResponse,
  LocalTokenRequest,
  LocalTokenResponse,
  LogPage,
  Simulation,
  SimulationCost,
} from '#schemas/generated/types.js';
import { ApiError, AuthError, CliError, ConnectionError } from './errors.js';

/** A page of the job's log as the CLI reads it: `events`, and what else the API sent. */
export type ReceivedLogPage = Pick<LogPage, 'events'> & Partial<Pick<LogPage, 'nextToken' | 'logStreamName'>>;

/** The query of `GET /simulations/{id}/logs` (see services/submission's parseLogsQuery). */
export interface LogQuery {
  limit?: number;
  nextToken?: string;
  /** First request only: true for the oldest lines first, false for the newest page. */
  startFromHead?: boolean;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

export interface RequestOptions {
  /** Raw request body; sent as application/json. */
  body?: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** Aborts the request (e.g. on Ctrl-C); the abort is rethrown as is, not as a ConnectionError. */
  signal?: AbortSignal;
  /** Retry answers that say "busy, come back later" (see `isBusyAnswer`); only for requests safe to repeat. */
  retry?: RetryPolicy;
}

/**
 * How a request is retried when the platform sheds load: up to `attempts`
 * requests in all, waiting what Retry-After says (capped at
 * `MAX_RETRY_WAIT_MS`), or 1, 2, 4, 8 s when it says nothing.
 */
export interface RetryPolicy {
  attempts: number;
  sleep: (ms: number) => Promise<void>;
  onRetry?: (retry: { status: number; waitMs: number; attempt: number; attempts: number }) => void;
}

/** Longest wait honoured: a large burst on the local platform is told up to 10 min (its turn, not a guess). */
const MAX_RETRY_WAIT_MS = 600_000;

/**
 * 503, and 429 unless it is the API's own quota (LimitExceeded, e.g. too many
 * active simulations: waiting seconds does not lift it). A 429 from a gateway
 * shedding load (`{"message":"Too Many Requests"}`, locally with Retry-After)
 * is worth repeating.
 */
export function isBusyAnswer(status: number, body: unknown): boolean {
  if (status === 503) return true;
  if (status !== 429) return false;
  const error = (body as { error?: { code?: unknown } } | undefined)?.error;
  return error?.code !== 'LimitExceeded';
}

/** Retry-After in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  /** Base URL of the API, possibly with a path prefix such as an API Gateway stage. */
  baseUrl: string;
  /** Bearer token; no Authorization header when absent. */
  token?: string;
  /** Whole-request timeout (connect, headers and body). Default 15 s. */
  timeoutMs?: number;
  fetch?: FetchLike;
  /** What to tell the user when the API cannot be reached. */
  unreachableHint?: string;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

export class ApiClient {
  readonly baseUrl: string;
  private readonly token?: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: FetchLike;
  private readonly unreachableHint: string;

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.unreachableHint =
      options.unreachableHint ?? 'check the URL given with --api or GCR_API_URL, and your network';
  }

  /**
   * POST /simulations with the spec file's text as it is (the API validates it:
   * a SimulationSpec). With an Idempotency-Key a repeat cannot make a second
   * simulation, so `retry` may be given.
   */
  submitSimulation(
    specText: string,
    idempotencyKey?: string,
    retry?: RetryPolicy,
  ): Promise<ApiResponse<Simulation>> {
    const headers: Record<string, string> = {};
    if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey;
    return this.request<Simulation>('POST', '/simulations', {
      body: specText,
      headers,
      ...(idempotencyKey !== undefined && retry ? { retry } : {}),
    });
  }

  async getSimulation(id: string, options: { signal?: AbortSignal } = {}): Promise<Simulation> {
    return (await this.request<Simulation>('GET', `/simulations/${encodeURIComponent(id)}`, options)).body;
  }

  /** A page of the job's log (409 NoLogsYet before the job has a log stream). */
  async getLogs(
    id: string,
    query: LogQuery = {},
    options: { signal?: AbortSignal } = {},
  ): Promise<ReceivedLogPage> {
    const { body } = await this.request<Partial<LogPage> | undefined>(
      'GET',
      `/simulations/${encodeURIComponent(id)}/logs`,
      {
        query: {
          limit: query.limit,
          nextToken: query.nextToken,
          startFromHead: query.startFromHead === undefined ? undefined : String(query.startFromHead),
        },
        signal: options.signal,
      },
    );
    const events = Array.isArray(body?.events)
      ? body.events.filter((e) => typeof e === 'object' && e !== null)
      : [];
    return {
      events,
      ...(typeof body?.nextToken === 'string' && body.nextToken !== '' ? { nextToken: body.nextToken } : {}),
      ...(typeof body?.logStreamName === 'string' ? { logStreamName: body.logStreamName } : {}),
    };
  }

  async listSimulations(
    query: Pick<ListSimulationsQuery, 'status' | 'limit' | 'cursor'> = {},
  ): Promise<ListSimulationsResponse> {
    const { body } = await this.request<ListSimulationsResponse>('GET', '/simulations', {
      query: { status: query.status, limit: query.limit, cursor: query.cursor },
    });
    return { ...body, items: Array.isArray(body?.items) ? body.items : [] };
  }

  /** What a simulation cost: itemised, per attempt, accrued or final. */
  async getSimulationCost(id: string): Promise<SimulationCost> {
    return (await this.request<SimulationCost>('GET', `/simulations/${encodeURIComponent(id)}/cost`)).body;
  }

  async costReport(query: { month?: string; groupBy?: string }): Promise<CostReport> {
    return (await this.request<CostReport>('GET', '/costs', { query })).body;
  }

  async listBudgets(month?: string): Promise<BudgetList> {
    return (await this.request<BudgetList>('GET', '/budgets', { query: { month } })).body;
  }

  async putBudget(request: Record<string, unknown>): Promise<Budget> {
    return (await this.request<Budget>('PUT', '/budgets', { body: JSON.stringify(request) })).body;
  }

  async deleteBudget(query: { tag?: string; owner?: string }): Promise<void> {
    await this.request<unknown>('DELETE', '/budgets', { query });
  }

  async cancelSimulation(id: string): Promise<Simulation> {
    return (await this.request<Simulation>('POST', `/simulations/${encodeURIComponent(id)}/cancel`)).body;
  }

  async health(): Promise<HealthResponse> {
    return (await this.request<HealthResponse>('GET', '/health')).body;
  }

  url(path: string, query?: RequestOptions['query']): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    const qs = params.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.token) headers.Authorization = `Bearer ${this.token}`;

    const attempts = Math.max(1, options.retry?.attempts ?? 1);
    for (let attempt = 1; ; attempt++) {
      const answer = await this.send(method, url, headers, options);
      const { status, text, body, parsed } = answer;
      if (attempt < attempts && options.retry && isBusyAnswer(status, body)) {
        const waitMs = Math.min(
          MAX_RETRY_WAIT_MS,
          retryAfterMs(answer.retryAfter) ?? 1000 * 2 ** (attempt - 1),
        );
        options.retry.onRetry?.({ status, waitMs, attempt, attempts });
        await options.retry.sleep(waitMs);
        continue;
      }
      if (status >= 200 && status < 300) {
        if (!parsed) {
          throw new ApiError(
            `the API answered ${method} ${url} with HTTP ${status} but the body is not JSON: ${snippet(text)}`,
            { code: 'BadResponse', httpStatus: status },
          );
        }
        return { status, body: body as T };
      }
      const error = errorFromResponse(method, url, status, parsed ? body : undefined, text);
      if (attempts > 1 && isBusyAnswer(status, body)) {
        error.details.push(`still busy after ${attempts} attempts: try again later`);
      }
      throw error;
    }
  }

  /** One request: the status, the body's text and JSON, and Retry-After. */
  private async send(
    method: string,
    url: string,
    headers: Record<string, string>,
    options: RequestOptions,
  ): Promise<{ status: number; text: string; body: unknown; parsed: boolean; retryAfter: string | null }> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const response = await this.fetchImpl(url, { method, headers, body: options.body, signal });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (error) {
      if (options.signal?.aborted) throw error; // the caller stopped waiting: not a connection problem
      throw this.connectionError(method, url, error, timeout.aborted);
    }

    let body: unknown = undefined;
    let parsed = true;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        parsed = false;
      }
    }
    return { status, text, body, parsed, retryAfter };
  }

  private connectionError(method: string, url: string, error: unknown, aborted: boolean): CliError {
    const name = (error as { name?: string } | null)?.name;
    if (aborted || name === 'TimeoutError' || name === 'AbortError') {
      const seconds = Math.round(this.timeoutMs / 100) / 10;
      return new ConnectionError(
        `no answer from ${method} ${url} within ${seconds} s: ${this.unreachableHint} (or raise GCR_HTTP_TIMEOUT)`,
        url,
        { code: 'Timeout', cause: error },
      );
    }
    const reason = describeNetworkError(error);
    return new ConnectionError(`cannot connect to ${url} (${reason}): ${this.unreachableHint}`, url, {
      cause: error,
    });
  }
}

/**
 * Asks the local platform's token route (`tokenUrl` from platform.json) for a
 * dev token. No bearer token: the route answers loopback clients that carry
 * the platform's per-start secret (`headers`, from platform.json) only.
 */
export async function requestLocalToken(
  tokenUrl: string,
  request: LocalTokenRequest,
  options: Pick<ApiClientOptions, 'fetch' | 'timeoutMs' | 'unreachableHint'> & {
    headers: Record<string, string>;
  },
): Promise<LocalTokenResponse> {
  // The route is a whole URL: a client based there, asked for the empty path.
  const { headers, ...clientOptions } = options;
  const client = new ApiClient({ ...clientOptions, baseUrl: tokenUrl });
  const { status, body } = await client.request<Partial<LocalTokenResponse> | undefined>('POST', '', {
    body: JSON.stringify(request),
    headers,
  });
  if (typeof body?.token !== 'string' || body.token === '' || typeof body.expiresAt !== 'string') {
    throw new ApiError(`the local platform answered POST ${tokenUrl} with HTTP ${status} but no token`, {
      code: 'BadResponse',
      httpStatus: status,
    });
  }
  return { token: body.token, expiresAt: body.expiresAt };
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause as
    { code?: string; message?: string; errors?: { code?: string }[] } | undefined;
  if (cause?.code) return cause.code;
  // Happy-eyeballs failures come as an AggregateError of per-address errors.
  const inner = cause?.errors?.find((e) => e.code)?.code;
  if (inner) return inner;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function snippet(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat || '(empty)';
}

function asIssues(value: unknown): FieldIssue[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null)
    .map((i) => ({ field: String(i.field ?? i.path ?? ''), message: String(i.message ?? '') }));
}

/** Map an error answer (an ErrorResponse `{ error: { code, message, issues } }`, or a gateway's `{ message }`). */
export function errorFromResponse(
  method: string,
  url: string,
  status: number,
  body: unknown,
  rawText = '',
): CliError {
  const obj = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const err = (typeof obj.error === 'object' && obj.error !== null ? obj.error : {}) as Record<
    string,
    unknown
  >;
  const apiMessage =
    (typeof err.message === 'string' && err.message) ||
    (typeof obj.message === 'string' && obj.message) ||
    (typeof obj.error === 'string' && obj.error) ||
    '';
  const code = typeof err.code === 'string' ? err.code : undefined;
  const issues = asIssues(err.issues);
  const fallback = body === undefined && rawText.trim() ? snippet(rawText) : `HTTP ${status}`;
  const message = apiMessage || fallback;
  const tag = `HTTP ${status}${code ? ` ${code}` : ''}`;

  if (status === 401) {
    return new AuthError(`not authenticated: ${message} (${tag})`, {
      code: code ?? 'Unauthorized',
      httpStatus: status,
      issues,
      details: ['check GCR_TOKEN (it may have expired); for the local platform, unset it to sign one'],
    });
  }
  if (status === 403) {
    return new AuthError(`not allowed: ${message} (${tag})`, {
      code: code ?? 'Forbidden',
      httpStatus: status,
      issues,
    });
  }
  const where = status >= 500 ? ` from ${method} ${url}` : '';
  return new ApiError(`${message} (${tag}${where})`, {
    code: code ?? (status >= 500 ? 'ServerError' : 'ApiError'),
    httpStatus: status,
    issues,
  });
}
