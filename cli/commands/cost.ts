/** `gcr cost <id>`: what a simulation cost, itemised and per attempt (accrued while it runs, final after). */
import type { RegisterCommand } from '../context.js';
import { table } from '../format.js';
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

/** `gcr costs --month 2026-12 --by tag`: a month's costs, grouped (yours; admins: everyone's). */
export const registerCosts: RegisterCommand = (program, ctx) => {
  program
    .command('costs')
    .description("a month's simulation costs, grouped by owner, tag, simulationType or instanceType")
    .option('--month <YYYY-MM>', 'the month the simulations were submitted in (default: this one, UTC)')
    .option('--by <grouping>', 'owner (default), tag, simulationType or instanceType')
    .action(async (opts: { month?: string; by?: string }) => {
      const client = await ctx.client();
      const report = await client.costReport({ month: opts.month, groupBy: opts.by });
      if (ctx.json) {
        ctx.outJson(report);
        return;
      }
      const usd = (value: number): string => `$${value.toFixed(2)}`;
      ctx.out(
        `${report.month}: ${usd(report.totalUsd)} over ${report.simulations} simulations, by ${report.groupBy}`,
      );
      ctx.out(
        table(
          [report.groupBy, 'total', 'final', 'accrued (running)', 'simulations'],
          report.groups.map((g) => [
            g.key,
            usd(g.totalUsd),
            usd(g.finalUsd),
            usd(g.accruedUsd),
            String(g.simulations),
          ]),
          ctx.colors,
        ),
      );
    });
};
