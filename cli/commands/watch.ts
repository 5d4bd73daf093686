/**
 * `gcr watch <id>`: follow a simulation to its end. On a terminal, one status
 * line redrawn in place (status, progress bar, model time, elapsed) with each
 * status transition printed above it as a permanent line; otherwise (or with
 * --json) just the transitions. Exit 0 only on SUCCEEDED.
 */
import type { Simulation, SimulationStatus } from '#schemas/generated/types.js';
import type { ApiClient } from '../api-client.js';
import type { CommandContext, RegisterCommand } from '../context.js';
import { ExitCode, InterruptedError, WatchTimeoutError, type CliError } from '../errors.js';
import { clean, fitParts } from '../format.js';
import { positiveSeconds } from '../options.js';
import { transientSummary, withRetries } from '../polling.js';
import { transitionLine, watchLineParts, watchSummary, type Transition } from '../views.js';
import { isTerminal, isSimulationStatus } from '#shared/kernel/status.js';

export const DEFAULT_WATCH_INTERVAL_SECONDS = 2;
/** On a terminal the line is redrawn at least this often (elapsed time), whatever the poll interval. */
const REDRAW_MS = 1_000;

const CLEAR_LINE = '\r\u001b[2K';
const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';

interface WatchOptions {
  interval: number;
  timeout?: number;
}

function terminal(status: unknown): boolean {
  return isSimulationStatus(status) && isTerminal(status);
}

class Watch {
  /** Redraw a status line in place (stdout is a terminal, no --json). */
  private readonly live: boolean;
  private readonly printed = new Set<string>();
  private lastStatus?: SimulationStatus;
  private sim?: Simulation;
  /** Shown on the live line while a transient failure is being retried. */
  private remark?: string;
  private drawn = false;

  constructor(
    private readonly ctx: CommandContext,
    private readonly client: ApiClient,
    private readonly id: string,
    private readonly options: WatchOptions,
  ) {
    this.live = ctx.interactive;
  }

  async run(): Promise<void> {
    const { ctx } = this;
    const interrupt = ctx.interruptible();
    const { signal } = interrupt;
    const deadline =
      this.options.timeout === undefined ? undefined : ctx.now().getTime() + this.options.timeout * 1000;
    if (this.live) ctx.io.stdout.write(HIDE_CURSOR);
    try {
      for (;;) {
        const sim = await withRetries(ctx, () => this.client.getSimulation(this.id, { signal }), {
          signal,
          onRetry: (error, retry, retries, delayMs) => this.retrying(error, retry, retries, delayMs),
        });
        this.remark = undefined;
        this.update(sim);
        if (terminal(sim.status)) {
          this.finish(sim);
          return;
        }
        if (deadline !== undefined && ctx.now().getTime() >= deadline) throw this.timedOut(sim);
        await this.wait(this.options.interval * 1000, deadline, signal);
      }
    } catch (error) {
      if (!(error instanceof InterruptedError)) throw error;
      this.clear();
      const where = this.sim ? `: it is ${clean(this.sim.status)} and goes on running` : '';
      ctx.note(`stopped watching ${clean(this.id)}${where}`);
      ctx.exitCode = ExitCode.interrupted;
    } finally {
      this.clear();
      if (this.live) ctx.io.stdout.write(SHOW_CURSOR);
      interrupt.dispose();
    }
  }

  /** Print the transitions not printed yet, then redraw the live line. */
  private update(sim: Simulation): void {
    this.sim = sim;
    for (const entry of this.newTransitions(sim)) {
      if (this.ctx.json) {
        this.ctx.outJsonLine({ type: 'transition', simulationId: sim.id, ...entry });
      } else {
        this.clear();
        this.ctx.out(transitionLine(entry, this.ctx.colors));
      }
    }
    this.lastStatus = sim.status;
    this.draw();
  }

  private newTransitions(sim: Simulation): Transition[] {
    if (!Array.isArray(sim.history)) {
      // No history from the API: report the status changes we see ourselves.
      if (sim.status === this.lastStatus) return [];
      const reason = typeof sim.job?.statusReason === 'string' ? sim.job.statusReason : undefined;
      return [
        {
          at: sim.updatedAt ?? this.ctx.now().toISOString(),
          from: this.lastStatus ?? null,
          to: sim.status,
          ...(reason ? { reason } : {}),
        },
      ];
    }
    const fresh: Transition[] = [];
    for (const entry of sim.history) {
      if (typeof entry !== 'object' || entry === null) continue;
      const key = JSON.stringify([entry.at, entry.from, entry.to]);
      if (this.printed.has(key)) continue;
      this.printed.add(key);
      fresh.push(entry);
    }
    return fresh;
  }

  private draw(): void {
    if (!this.live) return;
    // One column short of the terminal so the line never wraps; a pty may report 0 columns (unknown).
    const columns = (this.ctx.io.stdout as { columns?: number }).columns;
    const width = Math.max(20, (columns !== undefined && columns > 0 ? columns : 80) - 1);
    const c = this.ctx.colors;
    const parts = this.sim
      ? watchLineParts(this.sim, c, this.ctx.now(), this.remark)
      : [`waiting for ${clean(this.id)}`, ...(this.remark ? [c.yellow(this.remark)] : [])];
    this.ctx.io.stdout.write(`${CLEAR_LINE}${fitParts(parts, width)}`);
    this.drawn = true;
  }

  /** Remove the live line (before a permanent line, and at the end). */
  private clear(): void {
    if (!this.drawn) return;
    this.ctx.io.stdout.write(CLEAR_LINE);
    this.drawn = false;
  }

  private retrying(error: CliError, retry: number, retries: number, delayMs: number): void {
    const what = `${transientSummary(error)}; retry ${retry}/${retries} in ${delayMs / 1000} s`;
    if (this.live) {
      this.remark = what;
      this.draw();
    } else {
      this.ctx.note(`${clean(this.id)}: ${what}`);
    }
  }

  /** Wait one poll interval, redrawing the live line (elapsed time) meanwhile; never past the deadline. */
  private async wait(intervalMs: number, deadline: number | undefined, signal: AbortSignal): Promise<void> {
    let remaining = intervalMs;
    while (remaining > 0) {
      let step = this.live ? Math.min(remaining, REDRAW_MS) : remaining;
      if (deadline !== undefined) {
        const left = deadline - this.ctx.now().getTime();
        if (left <= 0) return;
        step = Math.min(step, left);
      }
      await this.ctx.sleep(step, signal);
      remaining -= step;
      this.draw();
    }
  }

  private timedOut(sim: Simulation): WatchTimeoutError {
    const id = clean(this.id);
    return new WatchTimeoutError(
      `stopped watching ${id} after --timeout ${this.options.timeout} s: it is still ${clean(sim.status)}`,
      {
        details: [
          `it goes on running; watch again with \`gcr watch ${id}\`, or stop it with \`gcr cancel ${id}\``,
        ],
      },
    );
  }

  private finish(sim: Simulation): void {
    this.clear();
    const { ctx } = this;
    ctx.exitCode = sim.status === 'SUCCEEDED' ? ExitCode.ok : ExitCode.failed;
    if (ctx.json) {
      ctx.outJsonLine(sim);
      return;
    }
    ctx.out(watchSummary(sim, ctx.colors));
  }
}

export const registerWatch: RegisterCommand = (program, ctx) => {
  program
    .command('watch')
    .description(
      'follow a simulation until it ends: a live status line and each status change; exit 0 only if it SUCCEEDED',
    )
    .argument('<id>', 'simulation id')
    .option(
      '--interval <seconds>',
      'seconds between polls',
      positiveSeconds('--interval'),
      DEFAULT_WATCH_INTERVAL_SECONDS,
    )
    .option(
      '--timeout <seconds>',
      'stop watching after this many seconds (exit 5)',
      positiveSeconds('--timeout'),
    )
    .action(async (id: string, opts: WatchOptions) => {
      const client = await ctx.client();
      await new Watch(ctx, client, id, opts).run();
    });
};
