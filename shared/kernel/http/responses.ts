import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  DomainError,
  LimitExceededError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  ValidationError,
  ConflictError,
  IdempotencyMismatchError,
  StaleVersionError,
  InvalidTransitionError,
  NoLogsYetError,
} from '../errors.js';
import type { ErrorResponse } from '#schemas/generated/types.js';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

const STATUS_BY_ERROR: [new (...args: never[]) => DomainError, number][] = [
  [ValidationError, 400],
  [UnauthorizedError, 401],
  [NotFoundError, 404],
  [ConflictError, 409],
  [StaleVersionError, 409],
  [InvalidTransitionError, 409],
  [NoLogsYetError, 409],
  [PayloadTooLargeError, 413],
  [IdempotencyMismatchError, 422],
  [LimitExceededError, 429],
];

/** The one place where domain errors become HTTP answers. Unknown errors are 500s, and a bug. */
export function errorResponse(err: unknown): APIGatewayProxyStructuredResultV2 {
  if (err instanceof DomainError) {
    const match = STATUS_BY_ERROR.find(([type]) => err instanceof type);
    if (match) {
      const body: ErrorResponse = { error: { code: err.code, message: err.message } };
      if (err instanceof ValidationError && err.issues.length > 0) body.error.issues = err.issues;
      if (err instanceof LimitExceededError) {
        body.error.limit = err.limit;
        body.error.current = err.current;
      }
      if (err instanceof PayloadTooLargeError) body.error.limit = err.limitBytes;
      return json(match[1], body);
    }
  }
  return json(500, { error: { code: 'InternalError', message: 'internal error; it has been logged' } });
}
