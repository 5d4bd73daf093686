/** `gcr status <id>`: one simulation, its facts and its status history. */
import type { RegisterCommand } from '../context.js';
import { historyTable, simulationBlock } from '../views.js';

export const registerStatus: RegisterCommand = (program, ctx) => {
  program
    .command('status')
    .description("show a simulation's status, facts and history")
    .argument('<id>', 'simulation id, e.g. sim_01jd3k9x2m4q8r7t6v5w3y1z0a')
    .action(async (id: string) => {
      const client = await ctx.client();
      const sim = await client.getSimulation(id);
      if (ctx.json) {
        ctx.outJson(sim);
        return;
      }
      const c = ctx.colors;
      ctx.out(`${simulationBlock(sim, c, ctx.now())}\n${c.bold('History')}\n${historyTable(sim, c)}`);
    });
};
