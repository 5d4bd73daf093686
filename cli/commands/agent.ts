/**
 * `gcr agent --site NAME --config FILE`: the site agent, in the foreground,
 * for a Slurm cluster's login node (docs/SLURM.md, "Running the agent";
 * examples/gcr-agent.service runs it under systemd). It logs one line per
 * thing it does; Ctrl-C stops it after the current step. Stopping it at any
 * moment (SIGTERM, SIGKILL) is safe: its state file is written atomically and
 * a message it had not acted on comes back from the queue.
 */
import os from 'node:os';
import path from 'node:path';
import { createSiteAgent } from '../agent/main.js';
import type { RegisterCommand } from '../context.js';
import { InterruptedError } from '../errors.js';

/** `~/.config/gcr/agent-<site>.json` unless --config or GCR_AGENT_CONFIG says otherwise. */
export function defaultAgentConfigPath(site: string, home = os.homedir()): string {
  return path.join(home, '.config', 'gcr', `agent-${site}.json`);
}

export const registerAgent: RegisterCommand = (program, ctx) => {
  program
    .command('agent')
    .description("run a Slurm site's agent in the foreground (on the cluster's login node)")
    .requiredOption('--site <name>', 'the site this agent serves (gcr site add)')
    .option('--config <file>', 'the agent configuration (default ~/.config/gcr/agent-<site>.json)')
    .action(async (opts: { site: string; config?: string }) => {
      const configFile = ctx.resolvePath(
        opts.config ?? ctx.io.env['GCR_AGENT_CONFIG'] ?? defaultAgentConfigPath(opts.site),
      );
      const log = (line: string) =>
        ctx.io.stderr.write(`${new Date().toISOString()} gcr agent ${opts.site}: ${line}\n`);
      const interrupt = ctx.interruptible();
      try {
        const { agent, config, statePath } = await createSiteAgent(configFile, opts.site, {
          log,
          ...(ctx.io.fetch ? { fetch: ctx.io.fetch } : {}),
          sleep: (ms, signal) => ctx.sleep(ms, signal).catch(() => undefined),
        });
        log(
          `started: platform ${config.platformUrl}, work root ${config.workRoot}, ExtData ${config.extDataRoot}, ` +
            `${config.geosChemExecutable ? `GEOS-Chem ${config.geosChemExecutable}` : 'the demo model (no GEOS-Chem executable configured)'}, state ${statePath}`,
        );
        await agent.run(interrupt.signal);
        log('stopped');
        throw new InterruptedError();
      } finally {
        interrupt.dispose();
      }
    });
};
