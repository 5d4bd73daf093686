/**
 * `gcr logs <id>`: the job's log lines (`GET /simulations/{id}/logs`), paged
 * through `nextToken`; with --follow, new lines as they arrive until the
 * simulation ends.
 */
import type { LogEvent } from '#schemas/generated/types.js';
import type { ApiClient, ReceivedLogPage } from '../api-client.js';
import type { CommandContext, RegisterCommand } from '../context.js';
import { ApiError, ExitCode, InterruptedError, UsageError } from '../errors.js';
import { clean } from '../format.js';
import { integerInRange } from '../options.js';
import { transientSummary, withRetries } from '../polling.js';
import { isTerminal, isSimulationStatus } from '#shared/kernel/status.js';

/** The API's largest page. */
export const MAX_LOG_PAGE = 10_000;
/** With --follow: wait between polls for new lines … */
export const FOLLOW_INTERVAL_MS = 2_000;
/** … and look at the simulation's status every this many polls (and on the first). */
export const STATUS_EVERY_POLLS = 3;

interface LogsOptions {
  follow?: boolean;
  limit?: number;
  head?: boolean;
  timestamps?: boolean;
}

function terminal(status: unknown): boolean {
  return isSimulationStatus(status) && isTerminal(status);
}

function isNoLogsYet(error: unknown): boolean {
  return error instanceof ApiError && error.httpStatus === 409 && error.code === 'NoLogsYet';
}

/** What to tell people when there is no log stream yet. */
export function noLogsNote(status: string | undefined, following: boolean): string {
  if (status !== undefined && terminal(status)) {
    return `no logs: the simulation ended (${clean(status)}) before its job started`;
  }
  const note = `no logs yet: the job has not started${status ? ` (status ${clean(status)})` : ''}`;
  return following ? `${note}; waiting for it (Ctrl-C to stop)` : note;
}

// Control characters other than tab and newline would act on a terminal.
// eslint-disable-next-line no-control-regex
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

class LogPrinter {
  private token?: string;
  private printed = 0;
  private stream?: string;
  private readonly tty: boolean;

  constructor(
    private readonly ctx: CommandContext,
    private readonly client: ApiClient,
    private readonly id: string,
    private readonly options: LogsOptions,
    private readonly signal?: AbortSignal,
  ) {
    this.tty = ctx.io.stdout.isTTY === true;
  }

  /** With --head --limit N: lines still to print; otherwise unbounded. */
  private get remaining(): number {
    return this.options.head && this.options.limit !== undefined
      ? this.options.limit - this.printed
      : Number.POSITIVE_INFINITY;
  }

  get hasToken(): boolean {
    return this.token !== undefined;
  }

  /** --follow retries transient failures; a one-off read fails fast. */
  call<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.options.follow) return fn();
    return withRetries(this.ctx, fn, {
      signal: this.signal,
      onRetry: (error, retry, retries, delayMs) =>
        this.ctx.note(
          `${clean(this.id)}: ${transientSummary(error)}; retry ${retry}/${retries} in ${delayMs / 1000} s`,
        ),
    });
  }

  /**
   * Read and print pages until one brings nothing new (no events, no token, or
   * the token sent). False when the job has no log stream yet (409 NoLogsYet).
   */
  async drain(): Promise<boolean> {
    for (;;) {
      if (this.remaining <= 0) return true;
      const sent = this.token;
      const limit = Number.isFinite(this.remaining)
        ? Math.min(this.remaining, MAX_LOG_PAGE)
        : this.options.limit;
      let page: ReceivedLogPage;
      try {
        page = await this.call(() =>
          this.client.getLogs(
            this.id,
            // A nextToken is a forward token: the direction only matters for the first page.
            {
              limit,
              nextToken: sent,
              startFromHead: sent === undefined ? this.options.head === true : undefined,
            },
            { signal: this.signal },
          ),
        );
      } catch (error) {
        if (isNoLogsYet(error)) return false;
        throw error;
      }
      this.noteStream(page.logStreamName);
      this.print(page.events.slice(0, Number.isFinite(this.remaining) ? this.remaining : undefined));
      if (page.nextToken) this.token = page.nextToken;
      if (page.events.length === 0 || !page.nextToken || page.nextToken === sent) return true;
    }
  }

  private noteStream(name: string | undefined): void {
    if (name === undefined) return;
    if (this.stream !== undefined && this.stream !== name) {
      this.ctx.note(`-- log stream is now ${clean(name)} (a new attempt of the job) --`);
    }
    this.stream = name;
  }

  private print(events: LogEvent[]): void {
    for (const event of events) {
      this.printed++;
      if (this.ctx.json) {
        this.ctx.outJsonLine(event);
        continue;
      }
      // The message as is, without its own line end; on a terminal, control characters are neutralised.
      let text = String(event.message ?? '').replace(/\r?\n$/, '');
      if (this.tty) text = text.replace(TERMINAL_UNSAFE, ' ');
      if (this.options.timestamps) {
        const time = new Date(event.timestamp);
        text = `${Number.isNaN(time.getTime()) ? '-' : time.toISOString()} ${text}`;
      }
      this.ctx.io.stdout.write(`${text}\n`);
    }
  }
}

async function statusOf(printer: LogPrinter, client: ApiClient, id: string, signal?: AbortSignal) {
  return (await printer.call(() => client.getSimulation(id, { signal }))).status;
}

async function follow(ctx: CommandContext, client: ApiClient, id: string, opts: LogsOptions): Promise<void> {
  const interrupt = ctx.interruptible();
  const { signal } = interrupt;
  const printer = new LogPrinter(ctx, client, id, opts, signal);
  let noted = false;
  try {
    for (let poll = 0; ; poll++) {
      // The status first, then the lines: whatever was written before the end is read after it.
      let status: string | undefined;
      if (poll % STATUS_EVERY_POLLS === 0) status = await statusOf(printer, client, id, signal);
      const ended = status !== undefined && terminal(status);
      const hasLogs = await printer.drain();
      if (!hasLogs && (!noted || ended)) {
        ctx.note(noLogsNote(status, !ended));
        noted = true;
      }
      if (ended) {
        if (hasLogs) ctx.note(`${clean(id)} ended: ${clean(status)}`);
        return;
      }
      if (hasLogs && !printer.hasToken) {
        ctx.note('the API gave no nextToken to continue from; cannot follow the log');
        return;
      }
      await ctx.sleep(FOLLOW_INTERVAL_MS, signal);
    }
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error;
    ctx.exitCode = ExitCode.interrupted;
  } finally {
    interrupt.dispose();
  }
}

export const registerLogs: RegisterCommand = (program, ctx) => {
  program
    .command('logs')
    .description("print a simulation's job log; --follow keeps printing new lines until it ends")
    .argument('<id>', 'simulation id')
    .option('-f, --follow', 'keep printing new lines until the simulation ends (polls every 2 s)')
    .option(
      '--limit <n>',
      `the last n lines (with --head: the first n), 1 to ${MAX_LOG_PAGE}; default the API's page (100)`,
      integerInRange('--limit', 1, MAX_LOG_PAGE),
    )
    .option('--head', 'from the first line of the log instead of its end')
    .option('--timestamps', 'prefix each line with its time (ISO 8601, UTC)')
    .action(async (id: string, opts: LogsOptions) => {
      if (opts.follow && opts.head && opts.limit !== undefined) {
        throw new UsageError(
          '--head --limit prints the first lines only; it cannot be combined with --follow',
        );
      }
      const client = await ctx.client();
      if (opts.follow) {
        await follow(ctx, client, id, opts);
        return;
      }
      const printer = new LogPrinter(ctx, client, id, opts);
      if (!(await printer.drain())) {
        const status = await client.getSimulation(id).then(
          (sim) => String(sim.status),
          () => undefined,
        );
        ctx.note(noLogsNote(status, false));
      }
    });
};
