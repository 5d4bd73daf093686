/**
 * What every command gets: the process boundary (streams, env, cwd) and lazy
 * access to global options, the data directory and an API client. Nothing here
 * touches `process` directly, so `runCli` can run in-process under test.
 */
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Command } from 'commander';
import { ApiClient } from './api-client.js';
import type { TokenHttp } from './auth/oauth.js';
import { resolveProfile, type Profile } from './auth/profiles.js';
import { endpointsFor, loginAccessToken } from './auth/session.js';
import { readCachedLogin } from './auth/token-cache.js';
import {
  localPlatformHint,
  resolveApiTarget,
  resolveDataDir,
  resolveToken,
  timeoutMs,
  type ApiTarget,
  type HttpSettings,
} from './config.js';
import { InterruptedError, UsageError } from './errors.js';
import { colorEnabled, makeColors, toJson, type Colors } from './format.js';
import type { CliIo } from './io.js';
import { untilAborted } from './polling.js';

/** A signal that aborts on Ctrl-C, while `dispose` has not been called. */
export interface Interruptible {
  signal: AbortSignal;
  dispose(): void;
}

export interface GlobalOptions {
  json: boolean;
  api?: string;
  dataDir?: string;
  profile?: string;
}

export class CommandContext {
  /** Exit code to return when the command finishes without throwing. */
  exitCode = 0;
  private clientPromise?: Promise<ApiClient>;
  private targetPromise?: Promise<ApiTarget>;
  private profilePromise?: Promise<{ name: string; profile: Profile }>;

  constructor(
    readonly io: CliIo,
    private readonly program: Command,
  ) {}

  get globals(): GlobalOptions {
    const o = this.program.opts<{ json?: boolean; api?: string; dataDir?: string; profile?: string }>();
    return { json: o.json === true, api: o.api, dataDir: o.dataDir, profile: o.profile };
  }

  get json(): boolean {
    return this.globals.json;
  }

  get colors(): Colors {
    return makeColors(!this.json && colorEnabled(this.io.stdout, this.io.env));
  }

  now(): Date {
    return this.io.now ? this.io.now() : new Date();
  }

  /** Wait `ms`; rejects with InterruptedError as soon as `signal` aborts. */
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new InterruptedError();
    const waiting = this.io.sleep ? this.io.sleep(ms) : delay(ms, undefined, signal ? { signal } : {});
    await untilAborted(waiting, signal);
  }

  /** Catch Ctrl-C until `dispose()`: the returned signal aborts instead of the process dying. */
  interruptible(): Interruptible {
    const controller = new AbortController();
    const off = this.io.onInterrupt?.(() => controller.abort()) ?? (() => undefined);
    return { signal: controller.signal, dispose: off };
  }

  /** Absolute data directory (`--data-dir`, GCR_DATA_DIR, `.gcr`). */
  dataDir(): string {
    return resolveDataDir(this.globals.dataDir, this.io.env, this.io.cwd);
  }

  /** A path the user typed, resolved against the CLI's working directory. */
  resolvePath(p: string): string {
    return path.resolve(this.io.cwd, p);
  }

  /** The profile in use (`--profile`, GCR_PROFILE, the profiles file's current, `local`). */
  profile(): Promise<{ name: string; profile: Profile }> {
    this.profilePromise ??= resolveProfile(this.globals.profile, this.io.env);
    return this.profilePromise;
  }

  target(): Promise<ApiTarget> {
    this.targetPromise ??= this.profile().then(({ profile }) =>
      resolveApiTarget({ api: this.globals.api, dataDir: this.dataDir(), profile }, this.io.env),
    );
    return this.targetPromise;
  }

  /** What token requests need: fetch, timeout and the clock. */
  tokenHttp(): TokenHttp {
    return { ...this.http(), now: () => this.now().getTime() };
  }

  /** The access token of the profile's login (refreshed when needed), or undefined without one. */
  private async loginToken(name: string, profile: Profile): Promise<string | undefined> {
    if (!(await readCachedLogin(this.io.env, name))) return undefined;
    let endpoints;
    try {
      endpoints = await endpointsFor(name, profile, this.dataDir());
    } catch (error) {
      // A profile that cannot sign in (no provider announced) has no login to use.
      if (error instanceof UsageError) return undefined;
      throw error;
    }
    return loginAccessToken(name, endpoints, this.io.env, this.tokenHttp());
  }

  /** How requests are made: the io's fetch and GCR_HTTP_TIMEOUT. */
  http(): HttpSettings {
    return { fetch: this.io.fetch, timeoutMs: timeoutMs(this.io.env) };
  }

  /** The API client, with the target and token resolved on first use. */
  client(): Promise<ApiClient> {
    this.clientPromise ??= (async () => {
      const target = await this.target();
      const http = this.http();
      const { name, profile } = await this.profile();
      const token = await resolveToken(target, this.io.env, http, {
        profile: name,
        accessToken: () => this.loginToken(name, profile),
      });
      return new ApiClient({
        baseUrl: target.url,
        token,
        ...http,
        unreachableHint:
          target.localTokenUrl !== undefined
            ? localPlatformHint(target.dataDir)
            : `check the URL (from ${target.source}) and your network`,
      });
    })();
    return this.clientPromise;
  }

  /** Write to stdout (a newline is added when missing). */
  out(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** The machine-readable result of a command with --json. */
  outJson(value: unknown): void {
    this.io.stdout.write(toJson(value));
  }

  /** One compact JSON document on one line (JSON Lines, for commands that stream results). */
  outJsonLine(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** Is stdout a terminal we may redraw (and not --json)? */
  get interactive(): boolean {
    return !this.json && this.io.stdout.isTTY === true;
  }

  /** A remark for people on stderr (never with --json). */
  note(text: string): void {
    if (!this.json) this.io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}

/** Adds one subcommand to the program. New commands are one file and one line in commands/index.ts. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;
