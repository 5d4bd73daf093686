/**
 * The one place the CLI speaks HTTP: the status REST API through a client
 * generated from its OpenAPI document (openapi-fetch over
 * schemas/generated/openapi.d.ts, `npm run gen:openapi`), so every path,
 * parameter and body is checked against the document at compile time; plus a
 * timeout, bearer auth, retries of busy answers, and errors mapped to CLI exit
 * codes. Answers are not validated: the views stay tolerant of fields that
 * are missing.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '#schemas/generated/openapi.js';
import type {
  Budget,
  BudgetList,
  BudgetRequest,
  CostReport,
  FieldIssue,
  HealthResponse,
  InputPlan,
  ListSimulationsQuery,
  ListSimulationsResponse,
  LocalTokenRequest,
  LocalTokenResponse,
  LogPage,
  ResultFileLink,
  ResultsComparison,
  RunEstimate,
  Simulation,
  Campaign,
  CampaignList,
  Ensemble,
  EnsembleMemberPage,
  EnsembleResults,
  EnsembleRequest,
  PurgeReport,
  SimulationCost,
  SimulationPlan,
  SimulationResults,
  SimulationSpec,
  Site,
  SiteCredential,
  SiteList,
  SiteRequest,
  Subscription,
  SubscriptionList,
  SubscriptionRequest,
  SubscriptionTestResult,
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

/** What every call may add: a caller's abort, and retries of busy answers. */
export interface CallOptions {
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
  /** Bearer token; no Authorization header when absent (nor `getToken`). */
  token?: string;
  /** Asked before each request, so a token can be refreshed while the client lives; wins over `token`. */
  getToken?: () => string | undefined | Promise<string | undefined>;
  /** Whole-request timeout (connect, headers and body). Default 15 s. */
  timeoutMs?: number;
  fetch?: FetchLike;
  /** What to tell the user when the API cannot be reached. */
  unreachableHint?: string;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

/** One answer as it came: the status, the body's text, and Retry-After. */
interface RawAnswer {
  url: string;
  status: number;
  text: string;
  retryAfter: string | null;
}

/** What each attempt of a call does: one request, with these headers and signal, through this fetch. */
type Attempt = (init: {
  headers: Record<string, string>;
  signal: AbortSignal;
  fetch: (request: Request) => Promise<Response>;
}) => Promise<unknown>;

/** Statuses whose answer has no body (a Response with one cannot be built). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** The query without the values the API does not want sent (absent or empty). */
function sentQuery<Q extends Record<string, string | number | boolean | undefined>>(query: Q): Q {
  return Object.fromEntries(
    Object.entries(query).filter(([, value]) => value !== undefined && value !== ''),
  ) as Q;
}

/** Sends a body that is already text (a spec file as the user wrote it: the API reports its JSON errors). */
const asIs = (body: unknown): string => body as string;

export class ApiClient {
  readonly baseUrl: string;
  private readonly tokenSource: () => string | undefined | Promise<string | undefined>;
  private readonly timeoutMs: number;
  private readonly fetchImpl: FetchLike;
  private readonly unreachableHint: string;
  /** The client generated from the OpenAPI document: typed paths, parameters and bodies. */
  private readonly api: Client<paths>;

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.tokenSource = options.getToken ?? (() => options.token);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.unreachableHint =
      options.unreachableHint ?? 'check the URL given with --api or GCR_API_URL, and your network';
    this.api = createClient<paths>({ baseUrl: this.baseUrl });
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
    return this.call<Simulation>(
      'POST',
      (init) =>
        this.api.POST('/simulations', {
          ...init,
          params: { header: idempotencyKey !== undefined ? { 'Idempotency-Key': idempotencyKey } : {} },
          body: specText as unknown as SimulationSpec,
          bodySerializer: asIs,
        }),
      idempotencyKey !== undefined && retry ? { retry } : {},
    );
  }

  /** POST /simulation-plans: the dry run of a spec file's text. */
  planSimulation(specText: string): Promise<ApiResponse<SimulationPlan>> {
    return this.postSpecText<SimulationPlan>('/simulation-plans', specText);
  }

  /** POST /estimates: wall time and cost of a spec file's text. */
  estimateSimulation(specText: string): Promise<ApiResponse<RunEstimate>> {
    return this.postSpecText<RunEstimate>('/estimates', specText);
  }

  /** The dry runs: a spec file's text, as written, to a route that stores nothing. */
  private postSpecText<T>(
    route: '/simulation-plans' | '/estimates',
    specText: string,
  ): Promise<ApiResponse<T>> {
    return this.call<T>('POST', (init) =>
      this.api.POST(route, { ...init, body: specText as unknown as SimulationSpec, bodySerializer: asIs }),
    );
  }

  async getSimulation(id: string, options: { signal?: AbortSignal } = {}): Promise<Simulation> {
    return (
      await this.call<Simulation>(
        'GET',
        (init) => this.api.GET('/simulations/{id}', { ...init, params: { path: { id } } }),
        options,
      )
    ).body;
  }

  getInputs(id: string): Promise<ApiResponse<InputPlan>> {
    return this.call<InputPlan>('GET', (init) =>
      this.api.GET('/simulations/{id}/inputs', { ...init, params: { path: { id } } }),
    );
  }

  /** A page of the job's log (409 NoLogsYet before the job has a log stream). */
  async getLogs(
    id: string,
    query: LogQuery = {},
    options: { signal?: AbortSignal } = {},
  ): Promise<ReceivedLogPage> {
    const { body } = await this.call<Partial<LogPage> | undefined>(
      'GET',
      (init) =>
        this.api.GET('/simulations/{id}/logs', {
          ...init,
          params: {
            path: { id },
            query: sentQuery({
              limit: query.limit,
              nextToken: query.nextToken,
              startFromHead: query.startFromHead,
            }),
          },
        }),
      options,
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
    const { body } = await this.call<ListSimulationsResponse>('GET', (init) =>
      this.api.GET('/simulations', {
        ...init,
        params: { query: sentQuery({ status: query.status, limit: query.limit, cursor: query.cursor }) },
      }),
    );
    return { ...body, items: Array.isArray(body?.items) ? body.items : [] };
  }

  async cancelSimulation(id: string): Promise<Simulation> {
    return (
      await this.call<Simulation>('POST', (init) =>
        this.api.POST('/simulations/{id}/cancel', { ...init, params: { path: { id } } }),
      )
    ).body;
  }

  /** POST /simulations/{id}/pause (`now`: stop at once rather than at the next restart). */
  async pauseSimulation(id: string, options: { now?: boolean } = {}): Promise<Simulation> {
    return (
      await this.call<Simulation>('POST', (init) =>
        this.api.POST('/simulations/{id}/pause', {
          ...init,
          params: { path: { id }, query: options.now ? { now: 'true' } : {} },
        }),
      )
    ).body;
  }

  /** POST /simulations/{id}/resume. */
  async resumeSimulation(id: string): Promise<Simulation> {
    return (
      await this.call<Simulation>('POST', (init) =>
        this.api.POST('/simulations/{id}/resume', { ...init, params: { path: { id } } }),
      )
    ).body;
  }

  /** POST /ensembles with the request file's text as it is (the API validates it: an EnsembleRequest). */
  async submitEnsemble(requestText: string, idempotencyKey?: string): Promise<ApiResponse<Ensemble>> {
    return this.call<Ensemble>('POST', (init) =>
      this.api.POST('/ensembles', {
        ...init,
        params: { header: idempotencyKey !== undefined ? { 'Idempotency-Key': idempotencyKey } : {} },
        body: requestText as unknown as EnsembleRequest,
        bodySerializer: asIs,
      }),
    );
  }

  /** GET /ensembles/{id}: the roll-up and a page of members. */
  async getEnsemble(id: string): Promise<Ensemble> {
    return (
      await this.call<Ensemble>('GET', (init) =>
        this.api.GET('/ensembles/{id}', { ...init, params: { path: { id } } }),
      )
    ).body;
  }

  /** GET /ensembles/{id}/members, filtered by status, a page at a time. */
  async listEnsembleMembers(
    id: string,
    query: { status?: string; limit?: number; cursor?: string } = {},
  ): Promise<EnsembleMemberPage> {
    return (
      await this.call<EnsembleMemberPage>('GET', (init) =>
        this.api.GET('/ensembles/{id}/members', {
          ...init,
          params: {
            path: { id },
            query: sentQuery({ status: query.status, limit: query.limit, cursor: query.cursor }) as never,
          },
        }),
      )
    ).body;
  }

  /** POST /ensembles/{id}/cancel, /retry, /pause or /resume. */
  async controlEnsemble(id: string, action: 'cancel' | 'retry' | 'pause' | 'resume'): Promise<Ensemble> {
    const route = `/ensembles/{id}/${action}` as const;
    return (
      await this.call<Ensemble>('POST', (init) => this.api.POST(route, { ...init, params: { path: { id } } }))
    ).body;
  }

  /** POST /campaigns with the request file's text as it is (the API validates it: a CampaignRequest). */
  async submitCampaign(requestText: string, idempotencyKey?: string): Promise<ApiResponse<Campaign>> {
    return this.call<Campaign>('POST', (init) =>
      this.api.POST('/campaigns', {
        ...init,
        params: { header: idempotencyKey !== undefined ? { 'Idempotency-Key': idempotencyKey } : {} },
        // The file's text as written; the API validates it (the generated type of `period` and `overrides` is loose).
        body: requestText as never,
        bodySerializer: asIs,
      }),
    );
  }

  /** GET /campaigns/{id}: the stages and the roll-up. */
  async getCampaign(id: string): Promise<Campaign> {
    return (
      await this.call<Campaign>('GET', (init) =>
        this.api.GET('/campaigns/{id}', { ...init, params: { path: { id } } }),
      )
    ).body;
  }

  /** GET /campaigns: the caller's campaigns, newest first. */
  async listCampaigns(query: { limit?: number; cursor?: string } = {}): Promise<CampaignList> {
    return (
      await this.call<CampaignList>('GET', (init) =>
        this.api.GET('/campaigns', { ...init, params: { query: sentQuery(query) } }),
      )
    ).body;
  }

  /** POST /campaigns/{id}/pause, /resume or /cancel. */
  async controlCampaign(id: string, action: 'pause' | 'resume' | 'cancel'): Promise<Campaign> {
    const route = `/campaigns/{id}/${action}` as const;
    return (
      await this.call<Campaign>('POST', (init) => this.api.POST(route, { ...init, params: { path: { id } } }))
    ).body;
  }

  /** DELETE /simulations|ensembles|campaigns/{id}: the preview (`dryRun`), or the purge with its confirmation. */
  async purge(
    kind: PurgeReport['kind'],
    id: string,
    query: { dryRun: true } | { confirm: string },
  ): Promise<PurgeReport> {
    const params = {
      path: { id },
      query: 'dryRun' in query ? { dryRun: 'true' as const } : { confirm: query.confirm },
    };
    return (
      await this.call<PurgeReport>('DELETE', (init) =>
        kind === 'simulation'
          ? this.api.DELETE('/simulations/{id}', { ...init, params })
          : kind === 'ensemble'
            ? this.api.DELETE('/ensembles/{id}', { ...init, params })
            : this.api.DELETE('/campaigns/{id}', { ...init, params }),
      )
    ).body;
  }

  /** GET /ensembles/{id}/results: the aggregation's state and its products' download links. */
  async getEnsembleResults(id: string): Promise<EnsembleResults> {
    return (
      await this.call<EnsembleResults>('GET', (init) =>
        this.api.GET('/ensembles/{id}/results', { ...init, params: { path: { id } } }),
      )
    ).body;
  }

  /** GET /simulations/{id}/results, optionally of one collection. */
  async getResults(id: string, collection?: string): Promise<SimulationResults> {
    return (
      await this.call<SimulationResults>('GET', (init) =>
        this.api.GET('/simulations/{id}/results', {
          ...init,
          params: { path: { id }, query: sentQuery({ collection }) },
        }),
      )
    ).body;
  }

  /** A presigned link to one file; the key keeps its slashes (the route is `{key+}`). */
  async getResultFileLink(id: string, key: string): Promise<ResultFileLink> {
    return (
      await this.call<ResultFileLink>('GET', (init) =>
        this.api.GET('/simulations/{id}/results/files/{key}', {
          ...init,
          params: { path: { id, key } },
          pathSerializer: (template) =>
            template
              .replace('{id}', encodeURIComponent(id))
              .replace('{key}', key.split('/').map(encodeURIComponent).join('/')),
        }),
      )
    ).body;
  }

  /** POST /simulations/{ref}/compare/{dev}: the stored comparison, or a new one with `refresh`. */
  async compare(ref: string, dev: string, refresh = false): Promise<ResultsComparison> {
    return (
      await this.call<ResultsComparison>('POST', (init) =>
        this.api.POST('/simulations/{id}/compare/{otherId}', {
          ...init,
          params: { path: { id: ref, otherId: dev }, query: refresh ? { refresh: true } : {} },
        }),
      )
    ).body;
  }

  /** What a simulation cost: itemised, per attempt, accrued or final. */
  async getSimulationCost(id: string): Promise<SimulationCost> {
    return (
      await this.call<SimulationCost>('GET', (init) =>
        this.api.GET('/simulations/{id}/cost', { ...init, params: { path: { id } } }),
      )
    ).body;
  }

  /** `groupBy` as the user typed it: the API answers a wrong one with a 400 naming `query.groupBy` and the choices. */
  async costReport(query: { month?: string; groupBy?: string }): Promise<CostReport> {
    type Grouping = NonNullable<NonNullable<paths['/costs']['get']['parameters']['query']>['groupBy']>;
    return (
      await this.call<CostReport>('GET', (init) =>
        this.api.GET('/costs', {
          ...init,
          params: {
            query: sentQuery({ month: query.month, groupBy: query.groupBy as Grouping | undefined }),
          },
        }),
      )
    ).body;
  }

  async listBudgets(month?: string): Promise<BudgetList> {
    return (
      await this.call<BudgetList>('GET', (init) =>
        this.api.GET('/budgets', { ...init, params: { query: sentQuery({ month }) } }),
      )
    ).body;
  }

  /** As the user typed it (a limit may be text): the API validates the request and names a wrong field. */
  async putBudget(request: Record<string, unknown>): Promise<Budget> {
    return (
      await this.call<Budget>('PUT', (init) =>
        this.api.PUT('/budgets', { ...init, body: request as unknown as BudgetRequest }),
      )
    ).body;
  }

  async deleteBudget(query: { tag?: string; owner?: string }): Promise<void> {
    await this.call<unknown>('DELETE', (init) =>
      this.api.DELETE('/budgets', { ...init, params: { query: sentQuery(query) } }),
    );
  }

  async listSites(): Promise<SiteList> {
    return (await this.call<SiteList>('GET', (init) => this.api.GET('/sites', init))).body;
  }

  /** As the user typed it: the API validates the site and names a wrong field. */
  async putSite(request: Record<string, unknown>): Promise<Site> {
    return (
      await this.call<Site>('POST', (init) =>
        this.api.POST('/sites', { ...init, body: request as unknown as SiteRequest }),
      )
    ).body;
  }

  async deleteSite(name: string): Promise<void> {
    await this.call<unknown>('DELETE', (init) =>
      this.api.DELETE('/sites/{name}', { ...init, params: { path: { name } } }),
    );
  }

  async createSiteCredential(name: string): Promise<SiteCredential> {
    return (
      await this.call<SiteCredential>('POST', (init) =>
        this.api.POST('/sites/{name}/credentials', { ...init, params: { path: { name } } }),
      )
    ).body;
  }

  async createSubscription(request: SubscriptionRequest): Promise<Subscription> {
    return (
      await this.call<Subscription>('POST', (init) =>
        this.api.POST('/subscriptions', { ...init, body: request }),
      )
    ).body;
  }

  /** The caller's subscriptions, or with scope `team` the team subscriptions (admins). */
  async listSubscriptions(scope: 'owner' | 'team' = 'owner'): Promise<SubscriptionList> {
    return (
      await this.call<SubscriptionList>('GET', (init) =>
        this.api.GET('/subscriptions', { ...init, params: { query: scope === 'team' ? { scope } : {} } }),
      )
    ).body;
  }

  async testSubscription(id: string): Promise<SubscriptionTestResult> {
    return (
      await this.call<SubscriptionTestResult>('POST', (init) =>
        this.api.POST('/subscriptions/{id}/test', { ...init, params: { path: { id } } }),
      )
    ).body;
  }

  async deleteSubscription(id: string): Promise<void> {
    await this.call<unknown>('DELETE', (init) =>
      this.api.DELETE('/subscriptions/{id}', { ...init, params: { path: { id } } }),
    );
  }

  async health(): Promise<HealthResponse> {
    return (await this.call<HealthResponse>('GET', (init) => this.api.GET('/health', init))).body;
  }

  /**
   * POST a JSON body to a URL outside the API document (the local platform's
   * token route): the same timeout, errors and answer handling as the API's calls.
   */
  async postOutsideApi<T>(
    url: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<ApiResponse<T>> {
    return this.call<T>('POST', (init) =>
      init.fetch(
        new Request(url, {
          method: 'POST',
          body,
          headers: { ...init.headers, 'Content-Type': 'application/json', ...headers },
          signal: init.signal,
        }),
      ),
    );
  }

  /**
   * One call, attempted until it is answered or its retries are spent: each
   * attempt runs `attempt` (a request of the generated client) through a fetch
   * that records the answer as it came, which is then mapped here: 2xx with a
   * JSON body (or none) is the answer, anything else a CliError.
   */
  private async call<T>(
    method: string,
    attempt: Attempt,
    options: CallOptions = {},
  ): Promise<ApiResponse<T>> {
    const attempts = Math.max(1, options.retry?.attempts ?? 1);
    for (let number = 1; ; number++) {
      const answer = await this.send(method, attempt, options);
      const { status, text } = answer;
      let body: unknown = undefined;
      let parsed = true;
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          parsed = false;
        }
      }
      if (number < attempts && options.retry && isBusyAnswer(status, body)) {
        const waitMs = Math.min(
          MAX_RETRY_WAIT_MS,
          retryAfterMs(answer.retryAfter) ?? 1000 * 2 ** (number - 1),
        );
        options.retry.onRetry?.({ status, waitMs, attempt: number, attempts });
        await options.retry.sleep(waitMs);
        continue;
      }
      if (status >= 200 && status < 300) {
        if (!parsed) {
          throw new ApiError(
            `the API answered ${method} ${answer.url} with HTTP ${status} but the body is not JSON: ${snippet(text)}`,
            { code: 'BadResponse', httpStatus: status },
          );
        }
        return { status, body: body as T };
      }
      const error = errorFromResponse(method, answer.url, status, parsed ? body : undefined, text);
      if (attempts > 1 && isBusyAnswer(status, body)) {
        error.details.push(`still busy after ${attempts} attempts: try again later`);
      }
      throw error;
    }
  }

  /** One attempt: the answer as it came, or the ConnectionError saying why there was none. */
  private async send(method: string, attempt: Attempt, options: CallOptions): Promise<RawAnswer> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = await this.tokenSource();
    if (token) headers.Authorization = `Bearer ${token}`;
    let url = this.baseUrl;
    let answer: RawAnswer | undefined;
    const recordingFetch = async (request: Request): Promise<Response> => {
      url = request.url;
      const body = request.body === null ? undefined : await request.text();
      const response = await this.fetchImpl(request.url, {
        method: request.method,
        headers: Object.fromEntries(request.headers),
        body,
        signal,
      });
      const text = await response.text();
      answer = { url, status: response.status, text, retryAfter: response.headers.get('retry-after') };
      // What the generated client reads: the same answer, its body already read here.
      return new Response(NULL_BODY_STATUSES.has(response.status) || text === '' ? null : text, {
        status: response.status,
        headers: response.headers,
      });
    };
    try {
      await attempt({ headers, signal, fetch: recordingFetch });
    } catch (error) {
      // The generated client refuses a 2xx body that is not JSON; the answer was recorded, and is mapped as such.
      if (answer) return answer;
      if (options.signal?.aborted) throw error; // the caller stopped waiting: not a connection problem
      throw this.connectionError(method, url, error, timeout.aborted);
    }
    if (!answer) throw new Error(`${method} ${url}: the generated client answered without a request`);
    return answer;
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
 * the platform's per-start secret (`headers`, from platform.json) only. The
 * route is the local platform's own, not the API's: it is not in the OpenAPI
 * document, so it is posted to as a plain URL.
 */
export async function requestLocalToken(
  tokenUrl: string,
  request: LocalTokenRequest,
  options: Pick<ApiClientOptions, 'fetch' | 'timeoutMs' | 'unreachableHint'> & {
    headers: Record<string, string>;
  },
): Promise<LocalTokenResponse> {
  const { headers, ...clientOptions } = options;
  const client = new ApiClient({ ...clientOptions, baseUrl: tokenUrl });
  const { status, body } = await client.postOutsideApi<Partial<LocalTokenResponse> | undefined>(
    tokenUrl,
    JSON.stringify(request),
    headers,
  );
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
