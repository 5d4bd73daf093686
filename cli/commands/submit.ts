/**
 * `gcr submit <spec.json>`: send a spec to POST /simulations; the new id is the
 * first line. With --dry-run, POST /simulation-plans instead: what would be
 * generated, read and spent, and nothing submitted.
 *
 * A platform under more load than it takes answers 429 or 503 with
 * Retry-After: the submission is repeated (at most SUBMIT_ATTEMPTS requests,
 * waiting what Retry-After says), always with one Idempotency-Key (the user's,
 * or one made for this run), so a repeat can never make a second simulation.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { SimulationPlan } from '#schemas/generated/types.js';
import { ApiError, InputError } from '../errors.js';
import { locateJsonError } from '../json-locate.js';
import { nonEmpty } from '../options.js';
import type { CommandContext, RegisterCommand } from '../context.js';
import { clean, paintStatus } from '../format.js';
import { specFacts } from '../views.js';
import { expectShape, PLAN_FIELDS, planText } from './plan-views.js';

/**
 * Read a spec file and check that it is JSON; returns the text unchanged (minus
 * a byte-order mark) so the API sees exactly what the user wrote.
 */
export async function readSpecFile(ctx: CommandContext, file: string): Promise<string> {
  const abs = ctx.resolvePath(file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'not found'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : code === 'EACCES'
            ? 'is not readable (permission denied)'
            : `cannot be read (${(error as Error).message})`;
    throw new InputError(`spec file ${file} ${why}`, {
      code: 'SpecFileUnreadable',
      details: abs !== file ? [`looked for ${abs}`] : [],
    });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    JSON.parse(text);
  } catch (error) {
    const problem = locateJsonError(text);
    const where = problem
      ? `${problem.message} at line ${problem.line}, column ${problem.column} (position ${problem.offset})`
      : (error as Error).message;
    throw new InputError(`spec file ${file} is not valid JSON: ${where}`, {
      code: 'SpecFileNotJson',
      details: problem ? problem.excerpt : [],
    });
  }
  return text;
}

/** Requests per `gcr submit`, the first included, while the platform answers "busy". */
export const SUBMIT_ATTEMPTS = 5;

export const registerSubmit: RegisterCommand = (program, ctx) => {
  program
    .command('submit')
    .description('submit a simulation spec; prints the new simulation id on the first line')
    .argument('<spec.json>', 'path to the simulation spec (JSON)')
    .option(
      '--idempotency-key <key>',
      'send Idempotency-Key: a retry with the same key returns the same simulation instead of a new one',
      nonEmpty('--idempotency-key'),
    )
    .option(
      '--dry-run',
      'submit nothing: show the run directory, input data and cost estimate the spec would get',
    )
    .action(async (file: string, opts: { idempotencyKey?: string; dryRun?: boolean }) => {
      const spec = await readSpecFile(ctx, file);
      const client = await ctx.client();
      if (opts.dryRun) {
        const answer = await client.planSimulation(spec);
        const plan = expectShape<SimulationPlan>(answer.body, 'plan', PLAN_FIELDS, answer.status);
        if (ctx.json) ctx.outJson(plan);
        else ctx.out(planText(plan, ctx.colors));
        return;
      }
      const { status, body: sim } = await client.submitSimulation(spec, opts.idempotencyKey ?? randomUUID(), {
        attempts: SUBMIT_ATTEMPTS,
        sleep: (ms) => ctx.sleep(ms),
        onRetry: ({ status: busy, waitMs, attempt, attempts }) =>
          ctx.note(
            `the API is busy (HTTP ${busy}): trying again in ${Math.ceil(waitMs / 1000)} s (attempt ${attempt + 1} of ${attempts})`,
          ),
      });
      if (typeof sim?.id !== 'string' || sim.id === '') {
        throw new ApiError(`the API accepted the spec (HTTP ${status}) but returned no simulation id`, {
          code: 'BadResponse',
          httpStatus: status,
        });
      }
      if (ctx.json) {
        ctx.outJson(sim);
        return;
      }
      const c = ctx.colors;
      const facts = specFacts(sim.spec);
      ctx.out(clean(sim.id));
      const lines = [
        `${status === 200 && opts.idempotencyKey !== undefined ? 'already submitted with this idempotency key: existing' : 'submitted'} simulation ${c.bold(
          JSON.stringify(sim.name ?? ''),
        )}, status ${paintStatus(String(sim.status), c)}`,
      ];
      const headline = [
        facts.type && `type ${facts.type}`,
        facts.grid && `grid ${facts.grid}`,
        facts.period && `period ${facts.period}`,
        facts.backend && `backend ${facts.backend}`,
      ].filter(Boolean);
      if (headline.length) lines.push(`  ${headline.join(', ')}`);
      lines.push(c.dim(`  follow it with: gcr status ${clean(sim.id)}`));
      ctx.out(lines.join('\n'));
    });
};
