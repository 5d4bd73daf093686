/**
 * `gcr ensemble submit FILE | status ID [--wait] | members ID [--status S] | cancel | retry | pause | resume
 * | purge ID | results ID [--download DIR]`: ensembles of member simulations
 * (docs/CAMPAIGNS.md). `status --wait` redraws a progress bar with the counts
 * by status until every member has ended, as `gcr watch` does for one
 * simulation; `results` shows the aggregation's products and downloads them.
 * `submit` of more than 200 members (answered 202, created in batches) draws
 * a creation bar until every member exists, then shows the usual status.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Ensemble, EnsembleMemberPage, EnsembleResults } from '#schemas/generated/types.js';
import type { CommandContext, RegisterCommand } from '../context.js';
import { ApiError, InputError } from '../errors.js';
import { clean, paintStatus } from '../format.js';
import { humanBytes, progressBar } from '../views.js';
import { fetchToFile, Progress } from './download.js';
import { runPurge } from './purge.js';

/** `[####----]  40.0%  SUCCEEDED 8 · RUNNING 10 · FAILED 2`: the roll-up in one line. */
export function ensembleLine(
  ensemble: Pick<Ensemble, 'progress' | 'counts'>,
  colors: CommandContext['colors'],
): string {
  const counts = Object.entries(ensemble.counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${paintStatus(status, colors)} ${n}`)
    .join(' · ');
  return `${progressBar(ensemble.progress)}  ${counts}`;
}

function showEnsemble(ctx: CommandContext, ensemble: Ensemble): void {
  const c = ctx.colors;
  ctx.out(
    `${clean(ensemble.id)}  ${clean(ensemble.name)}  ${ensemble.memberCount} members (${ensemble.sweepKind})  ${paintStatus(ensemble.status, c)}`,
  );
  ctx.out(`  ${ensembleLine(ensemble, c)}`);
  const cost = ensemble.cost;
  ctx.out(
    c.dim(
      `  cost: $${cost.finalUsd.toFixed(2)} final + $${cost.accruedUsd.toFixed(2)} accruing over ${cost.membersWithCost} members` +
        (cost.estimateUsd !== undefined ? ` (estimate $${cost.estimateUsd.toFixed(2)})` : ''),
    ),
  );
}

function showMembers(ctx: CommandContext, page: Pick<EnsembleMemberPage, 'members' | 'nextCursor'>): void {
  for (const m of page.members) {
    ctx.out(
      `  ${String(m.memberIndex).padStart(5)}  ${clean(m.simulationId)}  ${paintStatus(m.status, ctx.colors)}  ${clean(m.label ?? '')}`,
    );
  }
  if (page.nextCursor) ctx.out(ctx.colors.dim(`  more: --cursor ${page.nextCursor}`));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `creating [#####---------------]  25.0%  250 of 1000 members`: a batched creation's progress. */
export function creationLine(creation: NonNullable<Ensemble['creation']>): string {
  const percent = (100 * creation.membersCreated) / creation.membersTotal;
  return `creating ${progressBar(percent)}  ${creation.membersCreated} of ${creation.membersTotal} members`;
}

/**
 * Redraws the creation bar of an ensemble answered CREATING until its members
 * all exist (COMPLETE); a failed creation is an error naming its reason.
 */
export async function followCreation(
  ctx: CommandContext,
  client: Awaited<ReturnType<CommandContext['client']>>,
  ensemble: Ensemble,
  intervalSeconds: number,
): Promise<Ensemble> {
  let current = ensemble;
  let last = '';
  while (current.status === 'CREATING' && current.creation) {
    const line = creationLine(current.creation);
    if (!ctx.json && line !== last) ctx.out(`${new Date().toISOString().slice(11, 19)}  ${line}`);
    last = line;
    await sleep(intervalSeconds * 1000);
    current = await client.getEnsemble(current.id);
  }
  if (current.status === 'CREATION_FAILED') {
    throw new ApiError(`ensemble ${clean(current.id)} could not be created`, {
      code: 'EnsembleCreationFailed',
      details: [clean(current.creation?.reason ?? 'no reason recorded')],
    });
  }
  return current;
}

function showResults(ctx: CommandContext, results: EnsembleResults): void {
  ctx.out(`${clean(results.ensembleId)}  results ${paintStatus(results.status, ctx.colors)}`);
  if (results.reason) ctx.out(ctx.colors.dim(`  ${clean(results.reason)}`));
  const counts = results.manifest?.['counts'];
  if (counts && typeof counts === 'object') {
    const line = Object.entries(counts as Record<string, number>)
      .map(([status, n]) => `${paintStatus(status, ctx.colors)} ${n}`)
      .join(' · ');
    ctx.out(`  members: ${line}`);
  }
  for (const file of results.files) {
    ctx.out(`  ${clean(file.key).padEnd(16)}  ${humanBytes(file.size ?? 0).padStart(9)}`);
  }
}

/** Each product through its presigned link into `dir` (written whole, then renamed into place). */
async function downloadProducts(ctx: CommandContext, results: EnsembleResults, dir: string): Promise<void> {
  if (results.status !== 'READY') {
    throw new InputError(
      `ensemble ${results.ensembleId} has no products to download yet (results ${results.status}${results.reason ? `: ${results.reason}` : ''})`,
    );
  }
  await mkdir(dir, { recursive: true });
  const total = results.files.reduce((sum, f) => sum + (f.size ?? 0), 0);
  const progress = new Progress(ctx, total, results.files.length);
  const controller = new AbortController();
  for (const [index, file] of results.files.entries()) {
    const target = path.join(dir, path.basename(file.key));
    const { size } = await fetchToFile(ctx, file.url, target, file.key, progress, controller.signal);
    await rename(`${target}.part`, target);
    progress.fileDone(index, { key: file.key, path: target, status: 'downloaded', size });
  }
  progress.finish();
}

export const registerEnsemble: RegisterCommand = (program, ctx) => {
  const ensemble = program
    .command('ensemble')
    .description('ensembles: one base spec and a sweep of member simulations');

  ensemble
    .command('submit')
    .description(
      'submit an ensemble request (JSON: name, base, sweep); safe to repeat with --idempotency-key',
    )
    .argument('<file>', 'EnsembleRequest JSON file')
    .option('--idempotency-key <key>', 'the same key gives the same ensemble (default: a new UUID)')
    .option('--interval <seconds>', 'seconds between polls while a large ensemble is created', '2')
    .action(async (file: string, opts: { idempotencyKey?: string; interval: string }) => {
      const text = await readFile(path.resolve(file), 'utf8');
      const client = await ctx.client();
      const submitted = await client.submitEnsemble(text, opts.idempotencyKey ?? randomUUID());
      const body = await followCreation(ctx, client, submitted.body, Math.max(1, Number(opts.interval) || 2));
      if (ctx.json) return ctx.outJson(body);
      showEnsemble(ctx, body);
      ctx.out(ctx.colors.dim(`  follow it with: gcr ensemble status ${clean(body.id)} --wait`));
    });

  ensemble
    .command('status')
    .description('the roll-up: counts by status, progress, cost; --wait follows it until every member ended')
    .argument('<id>', 'ensemble id')
    .option('--wait', 'redraw until every member has ended')
    .option('--interval <seconds>', 'seconds between polls with --wait', '10')
    .action(async (id: string, opts: { wait?: boolean; interval: string }) => {
      const client = await ctx.client();
      let current = await client.getEnsemble(id);
      while (opts.wait && (current.status === 'ACTIVE' || current.status === 'CREATING')) {
        const line =
          current.status === 'CREATING' && current.creation
            ? creationLine(current.creation)
            : ensembleLine(current, ctx.colors);
        if (!ctx.json) ctx.out(`${new Date().toISOString().slice(11, 19)}  ${line}`);
        await sleep(Math.max(1, Number(opts.interval) || 10) * 1000);
        current = await client.getEnsemble(id);
      }
      if (ctx.json) return ctx.outJson(current);
      showEnsemble(ctx, current);
    });

  ensemble
    .command('members')
    .description('the members in member-index order, filtered by status')
    .argument('<id>', 'ensemble id')
    .option('--status <status>', 'only members in this status (e.g. FAILED)')
    .option('--limit <n>', 'members per page (1 to 1000)', '100')
    .option('--cursor <cursor>', 'the page after a previous one')
    .action(async (id: string, opts: { status?: string; limit: string; cursor?: string }) => {
      const client = await ctx.client();
      const page = await client.listEnsembleMembers(id, {
        ...(opts.status ? { status: opts.status } : {}),
        limit: Number(opts.limit),
        ...(opts.cursor ? { cursor: opts.cursor } : {}),
      });
      if (ctx.json) return ctx.outJson(page);
      showMembers(ctx, page);
    });

  ensemble
    .command('results')
    .description("the aggregation's products (manifest, metrics, Jacobian) and their download links")
    .argument('<id>', 'ensemble id')
    .option('--download <dir>', 'download every product into this directory')
    .action(async (id: string, opts: { download?: string }) => {
      const client = await ctx.client();
      const results = await client.getEnsembleResults(id);
      if (opts.download) await downloadProducts(ctx, results, path.resolve(opts.download));
      if (ctx.json) return ctx.outJson(results);
      showResults(ctx, results);
      if (opts.download) ctx.out(ctx.colors.dim(`  downloaded into ${clean(path.resolve(opts.download))}`));
    });

  const actions = {
    cancel: 'cancel every active member',
    retry: 'run every FAILED or TIMED_OUT member again, each as its next attempt',
    pause: 'hold every member not yet submitted (WAITING); submitted ones run on',
    resume: 'release every held member',
  } as const;
  for (const [action, description] of Object.entries(actions) as [keyof typeof actions, string][]) {
    ensemble
      .command(action)
      .description(description)
      .argument('<id>', 'ensemble id')
      .action(async (id: string) => {
        const client = await ctx.client();
        const after = await client.controlEnsemble(id, action);
        if (ctx.json) return ctx.outJson(after);
        showEnsemble(ctx, after);
        if (action === 'retry')
          ctx.out(`  retried: ${(after.retried ?? []).map(clean).join(', ') || 'none'}`);
      });
  }

  ensemble
    .command('purge')
    .description(
      'delete a finished ensemble, its members and their results, after a preview and a confirmation',
    )
    .argument('<id>', 'ensemble id')
    .option('--yes', 'do not ask (scripts): purge after the preview')
    .action((id: string, opts: { yes?: boolean }) => runPurge(ctx, id, opts));
};
