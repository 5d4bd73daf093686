/** `gcr budget set|list|rm`: monthly budgets for your runs (or a tag's, or another owner's: admins). */
import type { Budget } from '#schemas/generated/types.js';
import type { RegisterCommand } from '../context.js';
import { clean, table, type Colors } from '../format.js';

/** A number when the text is one; else the text itself, so the API's 400 names the field. */
const numberOrText = (text: string): number | string => {
  const value = Number(text);
  return text.trim() !== '' && Number.isFinite(value) ? value : text;
};

function budgetsTable(items: Budget[], c: Colors): string {
  return table(
    ['budget', 'month', 'spent', 'limit', 'used', 'thresholds', 'crossed', 'at 100 %'],
    items.map((b) => [
      clean(b.budget),
      b.month,
      `$${b.spentUsd.toFixed(2)}`,
      `$${b.limitUsd.toFixed(2)}`,
      `${((b.spentUsd / b.limitUsd) * 100).toFixed(1)}%`,
      b.thresholds.map((t) => `${t}%`).join(' '),
      b.crossedThresholds.map((t) => `${t}%`).join(' ') || '-',
      b.alertOnly ? 'alert only' : 'refuses new runs',
    ]),
    c,
  );
}

export const registerBudget: RegisterCommand = (program, ctx) => {
  const budget = program.command('budget').description('monthly budgets: set, list, remove');

  budget
    .command('set')
    .description(
      "set (or replace) a monthly budget: yours, a tag's (--tag, admins) or another owner's (--owner, admins)",
    )
    .requiredOption('--limit <usd>', 'USD a calendar month (UTC)')
    .option('--tag <key=value>', 'cover every run with this tag, whoever submitted it (admins)')
    .option('--owner <owner>', "another owner's budget (admins)")
    .option(
      '--thresholds <list>',
      'percentages that announce Budget Threshold Crossed, e.g. 50,80,100 (default)',
    )
    .option('--alert-only', 'at 100 % only alert; keep accepting new runs')
    .action(
      async (opts: {
        limit: string;
        tag?: string;
        owner?: string;
        thresholds?: string;
        alertOnly?: boolean;
      }) => {
        const client = await ctx.client();
        const set = await client.putBudget({
          limitUsd: numberOrText(opts.limit),
          ...(opts.tag !== undefined ? { tag: opts.tag } : {}),
          ...(opts.owner !== undefined ? { owner: opts.owner } : {}),
          ...(opts.thresholds !== undefined
            ? { thresholds: opts.thresholds.split(',').map(numberOrText) }
            : {}),
          ...(opts.alertOnly ? { alertOnly: true } : {}),
        });
        if (ctx.json) {
          ctx.outJson(set);
          return;
        }
        ctx.out(budgetsTable([set], ctx.colors));
      },
    );

  budget
    .command('list')
    .description('the budgets covering your runs, with their spend in a month')
    .option('--month <YYYY-MM>', 'the month (default: this one, UTC)')
    .action(async (opts: { month?: string }) => {
      const client = await ctx.client();
      const list = await client.listBudgets(opts.month);
      if (ctx.json) {
        ctx.outJson(list);
        return;
      }
      ctx.out(list.items.length > 0 ? budgetsTable(list.items, ctx.colors) : `no budgets (${list.month})`);
    });

  budget
    .command('rm')
    .description('remove a budget: yours, or --tag / --owner (admins)')
    .option('--tag <key=value>', "the tag's budget")
    .option('--owner <owner>', "another owner's budget")
    .action(async (opts: { tag?: string; owner?: string }) => {
      const client = await ctx.client();
      await client.deleteBudget({ tag: opts.tag, owner: opts.owner });
      if (ctx.json) {
        ctx.outJson({ removed: true });
        return;
      }
      ctx.out('budget removed');
    });
};
