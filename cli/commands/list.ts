/** `gcr list`: your simulations, newest first, one page or all of them. */
import type { SimulationStatus, SimulationSummary } from '#schemas/generated/types.js';
import { ApiError } from '../errors.js';
import type { RegisterCommand } from '../context.js';
import { nonEmpty, positiveInteger, simulationStatus } from '../options.js';
import { summariesTable } from '../views.js';

interface ListOptions {
  status?: SimulationStatus;
  limit?: number;
  cursor?: string;
  allPages?: boolean;
}

export const registerList: RegisterCommand = (program, ctx) => {
  program
    .command('list')
    .description('list your simulations, newest first')
    .option('--status <status>', 'only simulations in this status (e.g. RUNNING)', simulationStatus)
    .option('--limit <n>', 'at most this many per page (the API caps it)', positiveInteger('--limit'))
    .option('--cursor <cursor>', 'continue from the nextCursor of an earlier page', nonEmpty('--cursor'))
    .option('--all-pages', 'follow nextCursor until the last page (--limit is then the page size)')
    .action(async (opts: ListOptions) => {
      const client = await ctx.client();
      const items: SimulationSummary[] = [];
      let cursor = opts.cursor;
      let nextCursor: string | undefined;
      const seen = new Set<string>();
      for (;;) {
        const page = await client.listSimulations({ status: opts.status, limit: opts.limit, cursor });
        items.push(...page.items);
        nextCursor = page.nextCursor || undefined;
        if (!opts.allPages || !nextCursor) break;
        if (seen.has(nextCursor)) {
          throw new ApiError(`the API returned the same nextCursor twice (${nextCursor}); stopping`, {
            code: 'PaginationLoop',
          });
        }
        seen.add(nextCursor);
        cursor = nextCursor;
      }

      if (ctx.json) {
        ctx.outJson(nextCursor && !opts.allPages ? { items, nextCursor } : { items });
        return;
      }
      if (items.length === 0) {
        ctx.out(opts.status ? `no simulations with status ${opts.status}` : 'no simulations');
      } else {
        ctx.out(summariesTable(items, ctx.colors));
      }
      if (nextCursor && !opts.allPages) {
        ctx.note(`more simulations: use --all-pages, or --cursor ${nextCursor}`);
      }
    });
};
