/** `gcr inputs <id>`: GET /simulations/{id}/inputs; the input data a submitted simulation reads. */
import type { InputPlan } from '#schemas/generated/types.js';
import type { RegisterCommand } from '../context.js';
import { expectShape, INPUT_PLAN_FIELDS, inputPlanText } from './plan-views.js';

export const registerInputs: RegisterCommand = (program, ctx) => {
  program
    .command('inputs')
    .description('list the input data a simulation reads from the public GEOS-Chem buckets, with volumes')
    .argument('<id>', 'simulation id, e.g. sim_01jd3k9x2m4q8r7t6v5w3y1z0a')
    .option('--keys', 'also list the object keys of every item (up to 400 per item)')
    .action(async (id: string, opts: { keys?: boolean }) => {
      const client = await ctx.client();
      const { status, body } = await client.getInputs(id);
      const plan = expectShape<InputPlan>(body, 'input plan', INPUT_PLAN_FIELDS, status);
      if (ctx.json) {
        ctx.outJson(plan);
        return;
      }
      ctx.out(inputPlanText(plan, { keys: opts.keys === true }));
    });
};
