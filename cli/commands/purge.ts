/**
 * `gcr purge ID [--yes]`: deletes a finished simulation, ensemble or
 * campaign (by its id's prefix: sim_, ens_, cmp_) with its results, after
 * showing what goes (DELETE ...?dryRun=true) and asking for the id again;
 * `--yes` skips the question (scripts). docs/CAMPAIGNS.md, "Purge".
 */
import { formatBytes } from '#shared/science/inputs/format-input-plan.js';
import type { PurgeReport } from '#schemas/generated/types.js';
import type { CommandContext, RegisterCommand } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { clean } from '../format.js';
import { progressBar } from '../views.js';
import { askLine } from './login.js';

export function purgeKindOfId(id: string): PurgeReport['kind'] {
  if (id.startsWith('ens_')) return 'ensemble';
  if (id.startsWith('cmp_')) return 'campaign';
  return 'simulation';
}

/** The preview: what a purge deletes, in a few lines. */
export function purgeSummary(report: PurgeReport): string[] {
  const verb = report.dryRun ? 'would delete' : 'deleted';
  return [
    `${report.kind} ${clean(report.id)} ${verb}:`,
    `  ${report.records} record(s): ${report.simulations.length} simulation(s)${report.kind === 'simulation' ? '' : ` and the ${report.kind}`}`,
    `  ${report.objects.count} object(s), ${formatBytes(report.objects.bytes)}, under ${report.objects.prefixes.length} prefix(es)`,
  ];
}

/** Preview, confirmation, purge: what `gcr purge` and `gcr campaign|ensemble purge` do. */
export async function runPurge(ctx: CommandContext, id: string, opts: { yes?: boolean }): Promise<void> {
  const client = await ctx.client();
  const kind = purgeKindOfId(id);
  const preview = await client.purge(kind, id, { dryRun: true });
  if (!ctx.json) for (const line of purgeSummary(preview)) ctx.out(line);
  if (!opts.yes) {
    const answer = (
      await askLine(ctx, `type the id (${id}) to delete all of this, anything else to stop: `)
    ).trim();
    if (answer !== id)
      throw new CliError(`not purged: ${clean(answer) || 'no answer'} is not ${id}`, ExitCode.failed);
  }
  if (!ctx.json)
    ctx.out(
      `${progressBar(0)}  deleting ${preview.objects.count} object(s) and ${preview.records} record(s)`,
    );
  const done = await client.purge(kind, id, { confirm: id });
  if (ctx.json) return ctx.outJson(done);
  ctx.out(
    `${progressBar(100)}  purged ${clean(done.id)}: ${done.records} record(s), ${done.objects.count} object(s), ${formatBytes(done.objects.bytes)}`,
  );
}

export const registerPurge: RegisterCommand = (program, ctx) => {
  program
    .command('purge')
    .description(
      'delete a finished simulation, ensemble or campaign and its results, after a preview and a confirmation',
    )
    .argument('<id>', 'sim_..., ens_... or cmp_...')
    .option('--yes', 'do not ask (scripts): purge after the preview')
    .action((id: string, opts: { yes?: boolean }) => runPurge(ctx, id, opts));
};
