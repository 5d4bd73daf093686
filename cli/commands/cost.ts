/** `gcr cost <id>`: what a simulation cost, itemised and per attempt (accrued while it runs, final after). */
import type { RegisterCommand } from '../context.js';
import { costBlock } from '../views.js';

export const registerCost: RegisterCommand = (program, ctx) => {
  program
    .command('cost')
    .description(
      'show what a simulation cost: itemised, per attempt, accrued while it runs, final once it ended',
    )
    .argument('<id>', 'simulation id')
    .action(async (id: string) => {
      const client = await ctx.client();
      const cost = await client.getSimulationCost(id);
      if (ctx.json) {
        ctx.outJson(cost);
        return;
      }
      ctx.out(costBlock(cost, ctx.colors));
    });
};
