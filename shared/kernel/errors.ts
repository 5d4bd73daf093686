/**
 * Named errors of the domain. Handlers never build HTTP answers for them by
 * hand: `toHttpError` (shared/kernel/http/responses.ts) maps each class to a status once.
 */

import type { FieldIssue } from '#schemas/generated/types.js';

/** One problem with one field of an input, e.g. `{ field: 'grid.resolution', message: '...' }` (schemas/api/error-response.schema.json). */
export type { FieldIssue };

export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input is malformed or breaks a rule: 400. */
export class ValidationError extends DomainError {
  readonly code = 'ValidationError';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** The body is larger than the API accepts: 413. */
export class PayloadTooLargeError extends DomainError {
  readonly code = 'PayloadTooLarge';
  constructor(
    readonly limitBytes: number,
    readonly actualBytes: number,
  ) {
    super(`request body is ${actualBytes} bytes; the limit is ${limitBytes} bytes`);
  }
}

/** No caller identity: 401. */
export class UnauthorizedError extends DomainError {
  readonly code = 'Unauthorized';
}

/** The caller is known but may not do this (an admin-only action): 403, naming why and the field that asked for it. */
export class ForbiddenError extends DomainError {
  readonly code = 'Forbidden';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** The resource does not exist, or belongs to someone else (we do not tell which): 404. */
export class NotFoundError extends DomainError {
  readonly code = 'NotFound';
}

/**
 * The request conflicts with the resource's state, e.g. cancelling a finished
 * run: 409. With `retryAfterSeconds` when the state is passing (a processing
 * under way): the answer then carries Retry-After.
 */
export class ConflictError extends DomainError {
  readonly code = 'Conflict';
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The owner is over a quota, e.g. too many active simulations: 429. */
export class LimitExceededError extends DomainError {
  readonly code = 'LimitExceeded';
  constructor(
    message: string,
    readonly limit: number,
    readonly current: number,
  ) {
    super(message);
  }
}

/** A budget covering the request is spent for the month (and not "alert only"): 403 naming it, its limit and its spend. */
export class BudgetExhaustedError extends DomainError {
  readonly code = 'BudgetExhausted';
  constructor(
    message: string,
    readonly budget: string,
    readonly limit: number,
    readonly current: number,
  ) {
    super(message);
  }
}

/** The caller repeats a costly request faster than its rate allows: 429 with Retry-After. */
export class RateLimitedError extends DomainError {
  readonly code = 'RateLimited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** A conditional write lost a race on the version number; callers re-read and retry or give up. */
export class StaleVersionError extends DomainError {
  readonly code = 'StaleVersion';
}

/** A status transition the state machine forbids. */
export class InvalidTransitionError extends DomainError {
  readonly code = 'InvalidTransition';
}

/** Configuration is missing or invalid at module load: fail fast, never at first request. */
export class ConfigError extends DomainError {
  readonly code = 'ConfigError';
}

/** An Idempotency-Key was reused with a different request body: 422. */
export class IdempotencyMismatchError extends DomainError {
  readonly code = 'IdempotencyKeyReused';
}

/** Logs were asked for before the job wrote any (no log stream yet): 409. */
export class NoLogsYetError extends DomainError {
  readonly code = 'NoLogsYet';
}

/**
 * A received event that can never be processed, however often it is
 * delivered. Consumers let it fail, so its queue moves it to the dead-letter
 * queue after maxReceiveCount (docs/ARCHITECTURE.md, "Received events").
 */
export abstract class UnprocessableEventError extends DomainError {}

/** The event is not JSON, lacks its envelope, or its detail breaks its detail-type's schema. */
export class MalformedEventError extends UnprocessableEventError {
  readonly code = 'MalformedEvent';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** The event's detail-type (or its source) is not one this consumer handles. */
export class UnknownEventError extends UnprocessableEventError {
  readonly code = 'UnknownEvent';
}
