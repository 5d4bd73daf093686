import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  DomainError,
  BudgetExhaustedError,
  ForbiddenError,
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
  RateLimitedError,
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
  [BudgetExhaustedError, 403],
  [ForbiddenError, 403],
  [LimitExceededError, 429],
  [RateLimitedError, 429],
];

/**
 * The names AWS SDK errors carry when a service throttles us (DynamoDB's
 * ProvisionedThroughputExceededException and RequestLimitExceeded, the generic
 * ThrottlingException, S3's SlowDown, ...). They reach the caller only after
 * the SDK's own retries, and they pass: a 503 with Retry-After, never a 500.
 */
const THROTTLING_ERROR_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

/** Seconds a throttled caller is asked to wait: DynamoDB's adaptive capacity reacts within seconds. */
export const THROTTLED_RETRY_AFTER_SECONDS = 2;

export function isThrottlingError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const retryable = (err as { $retryable?: { throttling?: boolean } }).$retryable;
  return THROTTLING_ERROR_NAMES.has(err.name) || retryable?.throttling === true;
}

function retryAfterHeader(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { 'retry-after': String(Math.max(1, Math.ceil(seconds))) };
}

/**
 * The one place where errors become HTTP answers: domain errors their 4xx,
 * throttling by an AWS service a 503 with Retry-After. Anything else is a 500,
 * and a bug.
 */
export function errorResponse(err: unknown): APIGatewayProxyStructuredResultV2 {
  if (err instanceof DomainError) {
    const match = STATUS_BY_ERROR.find(([type]) => err instanceof type);
    if (match) {
      const body: ErrorResponse = { error: { code: err.code, message: err.message } };
      if ((err instanceof ValidationError || err instanceof ForbiddenError) && err.issues.length > 0)
        body.error.issues = err.issues;
      if (err instanceof LimitExceededError || err instanceof BudgetExhaustedError) {
        body.error.limit = err.limit;
        body.error.current = err.current;
      }
      if (err instanceof BudgetExhaustedError) body.error.budget = err.budget;
      if (err instanceof PayloadTooLargeError) body.error.limit = err.limitBytes;
      const retryAfter =
        err instanceof RateLimitedError || err instanceof ConflictError ? err.retryAfterSeconds : undefined;
      if (retryAfter !== undefined) body.error.retryAfterSeconds = Math.max(1, Math.ceil(retryAfter));
      return json(match[1], body, retryAfterHeader(retryAfter));
    }
  }
  if (isThrottlingError(err)) {
    const body: ErrorResponse = {
      error: {
        code: 'ServiceUnavailable',
        message: `the service is busy (its database is throttling requests); retry in ${THROTTLED_RETRY_AFTER_SECONDS} s`,
        retryAfterSeconds: THROTTLED_RETRY_AFTER_SECONDS,
      },
    };
    return json(503, body, retryAfterHeader(THROTTLED_RETRY_AFTER_SECONDS));
  }
  return json(500, { error: { code: 'InternalError', message: 'internal error; it has been logged' } });
}
