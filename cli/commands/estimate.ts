/** `gcr estimate <spec.json>`: POST /estimates; the expected wall time and cost of the spec's run. */
import type { RunEstimate } from '#schemas/generated/types.js';
import type { RegisterCommand } from '../context.js';
import { ESTIMATE_FIELDS, estimateText, expectShape } from './plan-views.js';
import { readSpecFile } from './submit.js';

export const registerEstimate: RegisterCommand = (program, ctx) => {
  program
    .command('estimate')
    .description(
      'estimate the wall time and cost of a spec on the instance types that fit it (submits nothing)',
    )
    .argument('<spec.json>', 'path to the simulation spec (JSON)')
    .action(async (file: string) => {
      const spec = await readSpecFile(ctx, file);
      const client = await ctx.client();
      const { status, body } = await client.estimateSimulation(spec);
      const estimate = expectShape<RunEstimate>(body, 'estimate', ESTIMATE_FIELDS, status);
      if (ctx.json) {
        ctx.outJson(estimate);
        return;
      }
      ctx.out(estimateText(estimate));
    });
};
