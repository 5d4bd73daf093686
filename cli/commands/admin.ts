/**
 * `gcr admin …`: on-call commands. Unlike the rest of the CLI they talk to AWS
 * APIs (SQS here) with the operator's AWS credentials, not to the simulations
 * API; `--local` aims them at the running local platform's AWS endpoints.
 *
 * `gcr admin redrive <queue>`: moves a dead-letter queue's messages back to the
 * queue they came from (SQS message-move task) and prints the counts;
 * `--dry-run` prints what would move and a sample of the messages.
 */
import { planRedrive, redrive, sampleDeadLetters, type RedrivePlan } from '../admin/redrive.js';
import { sqsClient, type SqsTarget } from '../admin/sqs.js';
import { runningPlatform } from '../config.js';
import type { CommandContext, RegisterCommand } from '../context.js';
import { CliError, ExitCode, InterruptedError, UsageError } from '../errors.js';
import { clean } from '../format.js';
import { integerInRange, nonEmpty } from '../options.js';

interface RedriveOptions {
  dryRun?: boolean;
  local?: boolean;
  region?: string;
  rate?: number;
}

async function target(ctx: CommandContext, opts: RedriveOptions): Promise<SqsTarget> {
  if (!opts.local) return opts.region ? { region: opts.region } : {};
  const dataDir = ctx.dataDir();
  const platform = await runningPlatform(
    dataDir,
    'start it with `npm start`, or leave out --local to use AWS',
  );
  if (!platform.sqsEndpoint) {
    throw new UsageError(
      `the local platform in ${dataDir} names no SQS endpoint in platform.json: restart it`,
    );
  }
  return { localEndpoint: platform.sqsEndpoint, ...(opts.region ? { region: opts.region } : {}) };
}

function describePlan(plan: RedrivePlan): string {
  const sources = plan.sources.map((s) => clean(s.name)).join(', ');
  const inFlight = plan.inFlight ? ` (${plan.inFlight} more in flight)` : '';
  return `${clean(plan.deadLetterQueue.name)}: ${plan.messages} message${plan.messages === 1 ? '' : 's'}${inFlight}, dead letters of ${sources}`;
}

export const registerAdmin: RegisterCommand = (program, ctx) => {
  const admin = program
    .command('admin')
    .description(
      'on-call commands: they use AWS APIs and credentials (or --local: the local platform), not the API',
    );
  admin
    .command('redrive')
    .description('move the messages of a dead-letter queue back to the queue they came from')
    .argument(
      '<queue>',
      'the dead-letter queue, by name or URL (e.g. gcr-execution-poller-prod-poll-dlq)',
      nonEmpty('queue'),
    )
    .option('--dry-run', 'move nothing: show how many messages would move, where, and a sample of them')
    .option('--local', "use the running local platform's SQS endpoint (platform.json of the data directory)")
    .option('--region <region>', 'AWS region (default: AWS_REGION or your AWS profile)', nonEmpty('--region'))
    .option(
      '--rate <n>',
      'at most n messages a second (1-500; default: as fast as SQS moves them)',
      integerInRange('--rate', 1, 500),
    )
    .action(async (queue: string, opts: RedriveOptions) => {
      const sqs = sqsClient(await target(ctx, opts));
      try {
        const plan = await planRedrive(sqs, queue);
        if (opts.dryRun) {
          const sample = plan.messages > 0 ? await sampleDeadLetters(sqs, plan) : [];
          if (ctx.json) {
            ctx.outJson({ ...plan, dryRun: true, sample });
            return;
          }
          ctx.out(describePlan(plan));
          ctx.out(
            `dry run: would move ${plan.messages} message${plan.messages === 1 ? '' : 's'} back to ${plan.sources
              .map((s) => clean(s.name))
              .join(', ')}; nothing moved`,
          );
          for (const m of sample) {
            const what = [
              m.detailType ?? '(not an event)',
              m.simulationIds.join(',') || '-',
              m.from ?? '',
            ].filter(Boolean);
            ctx.out(`  ${clean(m.messageId)}  received ${m.receiveCount}x  ${clean(what.join('  '))}`);
          }
          return;
        }
        if (plan.messages === 0 && plan.inFlight === 0) {
          if (ctx.json)
            ctx.outJson({ ...plan, dryRun: false, moved: 0, status: 'NOTHING_TO_MOVE', remaining: 0 });
          else ctx.out(`${describePlan(plan)}; nothing to move`);
          return;
        }
        ctx.note(`${describePlan(plan)}; moving them back…`);
        const watch = ctx.interruptible();
        let outcome;
        try {
          outcome = await redrive(sqs, plan, {
            ...(opts.rate ? { ratePerSecond: opts.rate } : {}),
            wait: (ms) => ctx.sleep(ms, watch.signal),
          });
        } catch (error) {
          if (error instanceof InterruptedError) {
            ctx.note(
              `stopped watching; the move task goes on: aws sqs list-message-move-tasks --source-arn ${plan.deadLetterQueue.arn}`,
            );
          }
          throw error;
        } finally {
          watch.dispose();
        }
        if (ctx.json) ctx.outJson({ ...plan, dryRun: false, ...outcome });
        else {
          ctx.out(
            `moved ${outcome.moved} of ${outcome.toMove} messages from ${clean(plan.deadLetterQueue.name)}: ${outcome.status}; ${outcome.remaining} left in it`,
          );
        }
        if (outcome.status !== 'COMPLETED') {
          throw new CliError(
            `the move task ended ${outcome.status}${outcome.failureReason ? `: ${outcome.failureReason}` : ''}`,
            ExitCode.failed,
            { code: 'RedriveFailed' },
          );
        }
      } finally {
        sqs.destroy();
      }
    });
};
