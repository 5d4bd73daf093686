/**
 * `gcr pause <id> [--now] [--no-wait]` and `gcr resume <id>`: pause a
 * simulation without losing anything and resume it from its latest restart
 * (docs/CAMPAIGNS.md, "Pause and resume of a simulation"). A running
 * checkpointed run stops at its next restart: the command prints its progress
 * until it has stopped (WAITING), unless --no-wait.
 */
import type { Simulation } from '#schemas/generated/types.js';
import type { RegisterCommand } from '../context.js';
import { InterruptedError } from '../errors.js';
import { clean, paintStatus } from '../format.js';
import { withRetries } from '../polling.js';

const WAIT_INTERVAL_MS = 2_000;

/** "2019-07-01T12:00Z". */
function modelTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}

/**
 * What a PAUSING simulation is waiting for, e.g. "waiting for the next restart
 * (every 6 h of model time; last at 2019-07-01T12:00Z)"; the last restart is
 * the latest checkpoint at or before the model time it reported.
 */
export function pausingLine(sim: Simulation): string {
  if (sim.pause?.stoppingAt) {
    const at = sim.pause.restart
      ? ` at its restart for model time ${modelTime(Date.parse(sim.pause.restart.modelTime))}`
      : '';
    return `stopping its job${at}`;
  }
  const hours = (sim.spec as { checkpoint?: { intervalHours?: number } }).checkpoint?.intervalHours;
  if (sim.pause?.now || !hours) return 'stopping its job now';
  const start = Date.parse(String((sim.spec as { period?: { start?: string } }).period?.start));
  const reached = sim.progress?.simulatedTime ? Date.parse(sim.progress.simulatedTime) : undefined;
  const interval = hours * 3_600_000;
  const last =
    reached !== undefined && Number.isFinite(start) && reached >= start + interval
      ? `; last at ${modelTime(start + Math.floor((reached - start) / interval) * interval)}`
      : '';
  const now = reached !== undefined ? `, model time now ${modelTime(reached)}` : '';
  return `waiting for the next restart (every ${hours} h of model time${last})${now}`;
}

export const registerPause: RegisterCommand = (program, ctx) => {
  program
    .command('pause')
    .description(
      'pause a simulation: held before its job starts, or stopped at its next restart; resume it with gcr resume',
    )
    .argument('<id>', 'simulation id')
    .option('--now', 'stop a running job at once (without checkpoints its resume starts from the beginning)')
    .option('--no-wait', 'return once asked, without following it until it has stopped')
    .action(async (id: string, options: { now?: boolean; wait: boolean }) => {
      const client = await ctx.client();
      let sim = await client.pauseSimulation(id, { now: options.now === true });
      const c = ctx.colors;
      if (!ctx.json)
        ctx.out(`pause requested for ${clean(sim.id)}: status ${paintStatus(String(sim.status), c)}`);
      const interrupt = ctx.interruptible();
      try {
        let shown = '';
        while (options.wait && sim.status === 'PAUSING') {
          const line = pausingLine(sim);
          if (!ctx.json && line !== shown) ctx.out(c.dim(`  ${line}`));
          shown = line;
          await ctx.sleep(WAIT_INTERVAL_MS, interrupt.signal);
          sim = await withRetries(ctx, () => client.getSimulation(id, { signal: interrupt.signal }), {
            signal: interrupt.signal,
          });
        }
      } catch (error) {
        if (!(error instanceof InterruptedError)) throw error;
        ctx.note(`stopped following ${clean(id)}: it is ${clean(sim.status)} and stops by itself`);
        return;
      } finally {
        interrupt.dispose();
      }
      if (ctx.json) {
        ctx.outJson(sim);
        return;
      }
      if (sim.status !== 'PAUSING') {
        const entry = sim.history.at(-1);
        ctx.out(
          `${clean(sim.id)} is ${paintStatus(String(sim.status), c)}${entry ? `: ${clean(entry.reason)}` : ''}`,
        );
      }
      if (sim.status === 'WAITING') ctx.out(c.dim(`  resume it with: gcr resume ${clean(sim.id)}`));
    });

  program
    .command('resume')
    .description('resume a paused simulation: its next attempt starts from its latest restart')
    .argument('<id>', 'simulation id')
    .action(async (id: string) => {
      const client = await ctx.client();
      const sim = await client.resumeSimulation(id);
      if (ctx.json) {
        ctx.outJson(sim);
        return;
      }
      const c = ctx.colors;
      const entry = sim.history.at(-1);
      ctx.out(
        `${clean(sim.id)} is ${paintStatus(String(sim.status), c)}${entry ? `: ${clean(entry.reason)}` : ''}`,
      );
      ctx.out(c.dim(`  follow it with: gcr watch ${clean(sim.id)}`));
    });
};
