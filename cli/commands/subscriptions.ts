/**
 * `gcr subscribe webhook <url>`, `gcr subscriptions`, `gcr unsubscribe <id>`
 * and `gcr subscriptions test <id>`: who is told about your simulations (with
 * `--team`, admins: a team's, about every owner's runs its tags match)
 * (docs/NOTIFICATIONS.md). The API checks everything; a bad value answers 400
 * naming the field.
 */
import type { Command } from 'commander';
import type {
  NotificationKind,
  SimulationStatus,
  Subscription,
  SubscriptionRequest,
} from '#schemas/generated/types.js';
import type { CommandContext, RegisterCommand } from '../context.js';
import { clean, keyValues, table } from '../format.js';
import { simulationStatus } from '../options.js';

interface SubscribeOptions {
  name?: string;
  events?: NotificationKind[];
  status?: SimulationStatus[];
  costAbove?: number;
  tag?: [string, string][];
  secret?: string;
  team?: string;
}

/** `key=value` as given; the API checks key and value (a 400 naming `tags.<key>`). */
function tagPair(value: string): [string, string] {
  const at = value.indexOf('=');
  return at < 0 ? [value, ''] : [value.slice(0, at), value.slice(at + 1)];
}

const collect =
  <T>(parse: (value: string) => T) =>
  (value: string, previous: T[] = []): T[] => [...previous, parse(value)];

function subscriptionBlock(sub: Subscription, ctx: CommandContext): string {
  return keyValues(
    [
      ['id', clean(sub.id)],
      ['team', sub.team === undefined ? undefined : clean(sub.team)],
      ['channel', clean(sub.channel)],
      ['target', clean(sub.target)],
      ['name', sub.name === undefined ? undefined : clean(sub.name)],
      ['events', sub.events.join(', ')],
      ['statuses', sub.statuses.join(', ')],
      ['cost above', sub.costAboveUsd === undefined ? undefined : `$${sub.costAboveUsd}`],
      [
        'tags',
        sub.tags === undefined
          ? undefined
          : clean(
              Object.entries(sub.tags)
                .map(([k, v]) => `${k}=${v}`)
                .join(', '),
            ),
      ],
    ],
    ctx.colors,
  );
}

/** What every channel may filter on: the options behind `filters`. */
function withFilters(command: Command): Command {
  return command
    .option('--name <name>', 'a label for you')
    .option(
      '--events <kind>',
      'status, results, budget or cost (repeatable; default status, results, budget)',
      collect((v) => v.trim() as NotificationKind),
    )
    .option(
      '--status <status>',
      'statuses to be told about (repeatable; default the terminal ones)',
      collect(simulationStatus),
    )
    .option('--cost-above <usd>', 'cost updates only above this many US dollars', Number)
    .option('--tag <key=value>', 'only runs with this tag (repeatable: all of them)', collect(tagPair))
    .option('--team <name>', "a team's subscription: every owner's runs that its --tag match (admins)");
}

function registerSubscribe(program: Command, ctx: CommandContext): void {
  const subscribe = program
    .command('subscribe')
    .description(
      'be told when your simulations finish (default: terminal states, results, budget thresholds)',
    );
  withFilters(subscribe.command('email'))
    .description('an email (HTML and text, with a one-click unsubscribe link) for each event')
    .argument('<address>', 'where to send it')
    .action(async (address: string, opts: SubscribeOptions) => {
      await create(ctx, { channel: 'email', address, ...filters(opts) });
    });
  withFilters(subscribe.command('slack'))
    .description(
      'Slack: an incoming webhook (one message per event), or a bot token and channel (one message per run, updated)',
    )
    .option('--webhook-url <url>', 'an incoming webhook (https://hooks.slack.com/services/...)')
    .option('--token <xoxb>', 'a bot token with chat:write (or GCR_SLACK_TOKEN), with --channel')
    .option('--channel <id>', 'the channel id (C0123ABCD), with --token')
    .action(async (opts: SubscribeOptions & { webhookUrl?: string; token?: string; channel?: string }) => {
      const token = opts.token ?? ctx.io.env['GCR_SLACK_TOKEN'];
      await create(ctx, {
        channel: 'slack',
        ...(opts.webhookUrl !== undefined ? { url: opts.webhookUrl } : {}),
        ...(token !== undefined && opts.webhookUrl === undefined ? { token } : {}),
        ...(opts.channel !== undefined ? { slackChannel: opts.channel } : {}),
        ...filters(opts),
      });
    });
  withFilters(subscribe.command('webhook'))
    .description('signed HTTPS POSTs (Standard Webhooks) to your endpoint')
    .argument('<url>', 'https URL of your endpoint')
    .option('--secret <whsec>', 'your own signing secret (whsec_...); otherwise one is made and shown once')
    .action(async (url: string, opts: SubscribeOptions) => {
      await create(ctx, {
        channel: 'webhook',
        url,
        ...filters(opts),
        ...(opts.secret !== undefined ? { secret: opts.secret } : {}),
      });
    });
}

function filters(opts: SubscribeOptions): Omit<SubscriptionRequest, 'channel'> {
  return {
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.events ? { events: opts.events } : {}),
    ...(opts.status ? { statuses: opts.status } : {}),
    ...(opts.costAbove !== undefined ? { costAboveUsd: opts.costAbove } : {}),
    ...(opts.tag ? { tags: Object.fromEntries(opts.tag) } : {}),
    ...(opts.team !== undefined ? { team: opts.team } : {}),
  };
}

async function create(ctx: CommandContext, request: SubscriptionRequest): Promise<void> {
  const client = await ctx.client();
  const body = await client.createSubscription(request);
  if (ctx.json) return ctx.outJson(body);
  ctx.out(`subscribed: ${clean(body.id)}`);
  ctx.out(subscriptionBlock(body, ctx));
  if (body.signingSecret) {
    ctx.out(`signing secret (shown once; verify each delivery with it): ${clean(body.signingSecret)}`);
  }
}

function registerList(program: Command, ctx: CommandContext): void {
  const list = program
    .command('subscriptions')
    .description('list your subscriptions (--team: the team subscriptions, admins)')
    .option('--team', 'the team subscriptions instead of yours (admins)')
    .action(async (opts: { team?: boolean }) => {
      const client = await ctx.client();
      const body = await client.listSubscriptions(opts.team ? 'team' : 'owner');
      if (ctx.json) return ctx.outJson(body);
      if (body.subscriptions.length === 0) {
        ctx.out('no subscriptions (gcr subscribe webhook <url> makes one)');
        return;
      }
      ctx.out(
        table(
          ['ID', 'TEAM', 'CHANNEL', 'TARGET', 'EVENTS', 'NAME'],
          body.subscriptions.map((s) => [
            clean(s.id),
            clean(s.team ?? '-'),
            clean(s.channel),
            clean(s.target),
            s.events.join(','),
            clean(s.name ?? ''),
          ]),
          ctx.colors,
        ),
      );
    });
  list
    .command('test')
    .description('send one signed test message to a subscription')
    .argument('<id>', 'subscription id')
    .action(async (id: string) => {
      const client = await ctx.client();
      const body = await client.testSubscription(id);
      if (ctx.json) return ctx.outJson(body);
      ctx.out(
        body.delivered
          ? `delivered (HTTP ${body.statusCode})`
          : `not delivered: ${clean(body.error ?? `HTTP ${body.statusCode}`)}`,
      );
      if (!body.delivered) ctx.exitCode = 1;
    });
}

function registerUnsubscribe(program: Command, ctx: CommandContext): void {
  program
    .command('unsubscribe')
    .description('delete a subscription (its secret too)')
    .argument('<id>', 'subscription id')
    .action(async (id: string) => {
      const client = await ctx.client();
      await client.deleteSubscription(id);
      if (ctx.json) return ctx.outJson({ id, deleted: true });
      ctx.out(`unsubscribed: ${clean(id)}`);
    });
}

export const registerSubscriptions: RegisterCommand = (program, ctx) => {
  registerSubscribe(program, ctx);
  registerList(program, ctx);
  registerUnsubscribe(program, ctx);
};
