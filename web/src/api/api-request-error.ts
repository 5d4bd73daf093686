import { describeApiError } from './client.js';

/** A refused API call: the platform's error body and status, for forms to show by field. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(describeApiError(body, status));
    this.name = 'ApiRequestError';
  }
}

/** An openapi-fetch answer's data, or its error as an ApiRequestError (for react-query). */
export function dataOrThrow<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.error !== undefined || !answer.response.ok) {
    throw new ApiRequestError(answer.response.status, answer.error);
  }
  return answer.data as T;
}
