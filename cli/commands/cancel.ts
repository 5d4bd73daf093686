/** `gcr cancel <id>`: ask the platform to stop a simulation. */
import type { RegisterCommand } from '../context.js';
import { clean, paintStatus } from '../format.js';

export const registerCancel: RegisterCommand = (program, ctx) => {
  program
    .command('cancel')
    .description('cancel a simulation that has not finished (it moves to CANCELLING, then CANCELLED)')
    .argument('<id>', 'simulation id')
    .action(async (id: string) => {
      const client = await ctx.client();
      const sim = await client.cancelSimulation(id);
      if (ctx.json) {
        ctx.outJson(sim);
        return;
      }
      const c = ctx.colors;
      ctx.out(`cancellation requested for ${clean(sim.id)}: status ${paintStatus(String(sim.status), c)}`);
      ctx.out(c.dim(`  follow it with: gcr status ${clean(sim.id)}`));
    });
};
