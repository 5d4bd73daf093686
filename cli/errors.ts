/**
 * Errors the CLI reports. Each carries the exit code it maps to, so commands
 * just throw and `runCli` prints one clear line (plus field issues) and exits.
 */
import type { FieldIssue } from '#schemas/generated/types.js';

/** Exit codes of `gcr` (documented in docs/CLI.md). */
export const ExitCode = {
  ok: 0,
  /** The API refused the request (4xx), the server failed (5xx), or an input file is bad. */
  failed: 1,
  /** The command line itself is wrong: unknown command or option, bad option value. */
  usage: 2,
  /** The API could not be reached: connection refused, DNS, timeout, no local platform. */
  connection: 3,
  /** Not authenticated or not allowed (401/403), or no token available. */
  auth: 4,
  /** `gcr watch --timeout` elapsed before the simulation ended. */
  timedOut: 5,
  /** Stopped by Ctrl-C (SIGINT), as shells report 128 + 2. */
  interrupted: 130,
} as const;

export interface CliErrorOptions {
  /** Machine-readable code, e.g. `ValidationError`, `ConnectionError`. */
  code?: string;
  /** Field-level problems, printed indented under the message. */
  issues?: FieldIssue[];
  /** HTTP status when the error came from the API. */
  httpStatus?: number;
  /** Extra lines of explanation, printed indented under the message. */
  details?: string[];
  cause?: unknown;
}

export class CliError extends Error {
  readonly code: string;
  readonly issues: FieldIssue[];
  readonly httpStatus?: number;
  readonly details: string[];

  constructor(
    message: string,
    readonly exitCode: number,
    options: CliErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? new.target.name;
    this.issues = options.issues ?? [];
    this.httpStatus = options.httpStatus;
    this.details = options.details ?? [];
  }
}

/** Bad command line (exit 2). */
export class UsageError extends CliError {
  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, ExitCode.usage, { code: 'UsageError', ...options });
  }
}

/** A local input (spec file, events file) is missing or malformed (exit 1). */
export class InputError extends CliError {
  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, ExitCode.failed, { code: 'InputError', ...options });
  }
}

/** The API answered with an error other than 401/403 (exit 1). */
export class ApiError extends CliError {
  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, ExitCode.failed, { code: 'ApiError', ...options });
  }
}

/** The API could not be reached (exit 3). */
export class ConnectionError extends CliError {
  constructor(
    message: string,
    readonly url: string,
    options: CliErrorOptions = {},
  ) {
    super(message, ExitCode.connection, { code: 'ConnectionError', ...options });
  }
}

/** 401/403, or no credentials to send (exit 4). */
export class AuthError extends CliError {
  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, ExitCode.auth, { code: 'AuthError', ...options });
  }
}

/** `gcr watch --timeout` elapsed (exit 5). */
export class WatchTimeoutError extends CliError {
  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, ExitCode.timedOut, { code: 'WatchTimeout', ...options });
  }
}

/** Ctrl-C while a command was waiting (exit 130). Commands that poll catch it and clean up. */
export class InterruptedError extends CliError {
  constructor(options: CliErrorOptions = {}) {
    super('interrupted', ExitCode.interrupted, { code: 'Interrupted', ...options });
  }
}
