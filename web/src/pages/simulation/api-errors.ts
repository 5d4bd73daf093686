/** Errors the simulation page's queries throw, named so the components can tell them apart. */
import { describeApiError } from '../../api/client.js';

/** 404: no such simulation, or another user's (the API does not tell them apart). */
export class SimulationNotFoundError extends Error {
  constructor() {
    super('Simulation not found');
    this.name = 'SimulationNotFoundError';
  }
}

/** Any other refusal, with the platform's own words and code. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

export function apiRequestError(body: unknown, response: Response): Error {
  if (response.status === 404) return new SimulationNotFoundError();
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return new ApiRequestError(
    response.status,
    typeof code === 'string' ? code : undefined,
    describeApiError(body, response.status),
  );
}

/** The body of an answer the generated client gives, or the error its refusal stands for. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) throw apiRequestError(result.error, result.response);
  return result.data;
}
