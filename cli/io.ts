/**
 * The CLI's process boundary: its streams, environment and working directory,
 * plus the optional seams tests and embedders use. Only types: every module
 * may import this one, and it imports no CLI module that could import it back.
 */
import type { FetchLike } from './api-client.js';

export type Env = Record<string, string | undefined>;

export interface CliStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** The CLI's whole view of its process. Optional members exist for tests and embedding. */
export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  env: Env;
  cwd: string;
  /** Replaces global fetch (every request: the API, the local token route, downloads). */
  fetch?: FetchLike;
  /** Clock for relative times, token expiry, elapsed times and `watch --timeout`. */
  now?: () => Date;
  /** Waits between polls and retries (`watch`, `logs --follow`). Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Registers a Ctrl-C handler for a command that polls and returns its
   * removal; while registered, Ctrl-C ends the command (exit 130) instead of
   * the process. Default: none (main() binds SIGINT).
   */
  onInterrupt?: (handler: () => void) => () => void;
  /** Asks the user for one line (`gcr login --manual`). Default: a prompt on stderr, read from stdin. */
  readLine?: (prompt: string) => Promise<string>;
}
