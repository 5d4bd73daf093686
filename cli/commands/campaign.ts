/**
 * `gcr campaign submit FILE | status ID [--wait] | list | pause ID | resume ID
 * | cancel ID | purge ID`: staged campaigns, each stage starting from the
 * final restart of the one before (docs/CAMPAIGNS.md). `status --wait`
 * redraws the progress bar with the counts by status until every stage ended.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Campaign } from '#schemas/generated/types.js';
import type { CommandContext, RegisterCommand } from '../context.js';
import { clean, paintStatus } from '../format.js';
import { ensembleLine } from './ensemble.js';
import { runPurge } from './purge.js';

function showCampaign(ctx: CommandContext, campaign: Campaign): void {
  const c = ctx.colors;
  ctx.out(
    `${clean(campaign.id)}  ${clean(campaign.name)}  ${campaign.stages.length} stages  ${paintStatus(campaign.status, c)}`,
  );
  ctx.out(`  ${ensembleLine(campaign, c)}`);
  for (const stage of campaign.stages) {
    const from = stage.initialRestart
      ? c.dim(`  from ${clean(stage.initialRestart)}`)
      : stage.stageIndex > 0 && stage.restartFrom === 'previous'
        ? c.dim('  from the previous stage')
        : '';
    ctx.out(
      `  ${String(stage.stageIndex).padStart(3)}  ${clean(stage.name).padEnd(12)}  ${clean(stage.simulationId)}  ${paintStatus(stage.status, c)}  ${stage.period.start.slice(0, 10)} .. ${stage.period.end.slice(0, 10)}${from}`,
    );
  }
  const cost = campaign.cost;
  ctx.out(
    c.dim(
      `  cost: $${cost.finalUsd.toFixed(2)} final + $${cost.accruedUsd.toFixed(2)} accruing` +
        (cost.estimateUsd !== undefined ? ` (estimate $${cost.estimateUsd.toFixed(2)})` : '') +
        (campaign.paused ? '  paused: no stage is released until gcr campaign resume' : ''),
    ),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const registerCampaign: RegisterCommand = (program, ctx) => {
  const campaign = program
    .command('campaign')
    .description('staged campaigns: stages in order, each from the final restart of the one before');

  campaign
    .command('submit')
    .description(
      'submit a campaign request (JSON: name, base, stages); safe to repeat with --idempotency-key',
    )
    .argument('<file>', 'CampaignRequest JSON file')
    .option('--idempotency-key <key>', 'the same key gives the same campaign (default: a new UUID)')
    .action(async (file: string, opts: { idempotencyKey?: string }) => {
      const text = await readFile(path.resolve(file), 'utf8');
      const client = await ctx.client();
      const { body } = await client.submitCampaign(text, opts.idempotencyKey ?? randomUUID());
      if (ctx.json) return ctx.outJson(body);
      showCampaign(ctx, body);
      ctx.out(ctx.colors.dim(`  follow it with: gcr campaign status ${clean(body.id)} --wait`));
    });

  campaign
    .command('status')
    .description('the stages and the roll-up; --wait follows it until every stage ended')
    .argument('<id>', 'campaign id')
    .option('--wait', 'redraw until every stage has ended')
    .option('--interval <seconds>', 'seconds between polls with --wait', '10')
    .action(async (id: string, opts: { wait?: boolean; interval: string }) => {
      const client = await ctx.client();
      let current = await client.getCampaign(id);
      while (opts.wait && (current.status === 'ACTIVE' || current.status === 'PAUSED')) {
        if (!ctx.json)
          ctx.out(`${new Date().toISOString().slice(11, 19)}  ${ensembleLine(current, ctx.colors)}`);
        await sleep(Math.max(1, Number(opts.interval) || 10) * 1000);
        current = await client.getCampaign(id);
      }
      if (ctx.json) return ctx.outJson(current);
      showCampaign(ctx, current);
    });

  campaign
    .command('list')
    .description('your campaigns, newest first')
    .option('--limit <n>', 'campaigns per page (1 to 100)', '25')
    .option('--cursor <cursor>', 'the page after a previous one')
    .action(async (opts: { limit: string; cursor?: string }) => {
      const client = await ctx.client();
      const page = await client.listCampaigns({
        limit: Number(opts.limit),
        ...(opts.cursor ? { cursor: opts.cursor } : {}),
      });
      if (ctx.json) return ctx.outJson(page);
      for (const c of page.campaigns) {
        ctx.out(
          `${clean(c.id)}  ${paintStatus(c.status, ctx.colors)}  ${ensembleLine(c, ctx.colors)}  ${clean(c.name)}`,
        );
      }
      if (page.nextCursor) ctx.out(ctx.colors.dim(`more: --cursor ${page.nextCursor}`));
    });

  const actions = {
    pause: 'release no further stage (running stages continue)',
    resume: 'release what became due while paused, and go on',
    cancel: 'cancel every waiting and active stage',
  } as const;
  for (const [action, description] of Object.entries(actions) as [keyof typeof actions, string][]) {
    campaign
      .command(action)
      .description(description)
      .argument('<id>', 'campaign id')
      .action(async (id: string) => {
        const client = await ctx.client();
        const after = await client.controlCampaign(id, action);
        if (ctx.json) return ctx.outJson(after);
        showCampaign(ctx, after);
      });
  }

  campaign
    .command('purge')
    .description(
      'delete a finished campaign, its stages and their results, after a preview and a confirmation',
    )
    .argument('<id>', 'campaign id')
    .option('--yes', 'do not ask (scripts): purge after the preview')
    .action((id: string, opts: { yes?: boolean }) => runPurge(ctx, id, opts));
};
