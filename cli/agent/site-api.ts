/**
 * The agent's port to the platform's site routes (docs/SLURM.md, "Agent
 * protocol"): session, transfers, reports, each a POST with the site
 * credential. The answers are checked against their schemas: the agent acts
 * only on what the contract says.
 */
import type {
  SiteReportRequest,
  SiteReportResponse,
  SiteSession,
  SiteTransfer,
  SiteTransferRequest,
} from '#schemas/generated/types.js';
import { validatorFor } from '#schemas/validator.js';

export interface SiteApi {
  session(): Promise<SiteSession>;
  transfers(request: SiteTransferRequest): Promise<SiteTransfer>;
  report(request: SiteReportRequest): Promise<SiteReportResponse>;
}

/** The platform refused or failed a site request; `status` is the HTTP status (0: not reached). */
export class SiteApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** 401/403: the credential is revoked or wrong; retrying will not help. */
  get refused(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

const SCHEMAS = {
  session: 'https://gcr.dev/schemas/api/site-session.schema.json',
  transfers: 'https://gcr.dev/schemas/api/site-transfer.schema.json',
  reports: 'https://gcr.dev/schemas/api/site-report-response.schema.json',
} as const;

export interface HttpSiteApiOptions {
  platformUrl: string;
  site: string;
  credential: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export class HttpSiteApi implements SiteApi {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: HttpSiteApiOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  session(): Promise<SiteSession> {
    return this.post<SiteSession>('session', {});
  }

  transfers(request: SiteTransferRequest): Promise<SiteTransfer> {
    return this.post<SiteTransfer>('transfers', request);
  }

  report(request: SiteReportRequest): Promise<SiteReportResponse> {
    return this.post<SiteReportResponse>('reports', request);
  }

  private async post<T>(route: keyof typeof SCHEMAS, body: unknown): Promise<T> {
    const url = `${this.options.platformUrl.replace(/\/+$/, '')}/sites/${encodeURIComponent(this.options.site)}/${route}`;
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.credential}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
      });
    } catch (error) {
      throw new SiteApiError(`POST ${url}: ${(error as Error).message}`, 0);
    }
    const text = await response.text();
    if (!response.ok) {
      throw new SiteApiError(
        `POST ${url} answered ${response.status}: ${text.slice(0, 500)}`,
        response.status,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new SiteApiError(`POST ${url} answered something that is not JSON`, response.status);
    }
    const validate = validatorFor<T>(SCHEMAS[route]);
    if (!validate(parsed)) {
      throw new SiteApiError(
        `POST ${url} answered outside its schema: ${validate.errors?.map((e) => `${e.instancePath} ${e.message}`).join('; ')}`,
        response.status,
      );
    }
    return parsed;
  }
}
