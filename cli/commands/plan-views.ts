/**
 * Text for the issue-4 answers (SimulationPlan, RunEstimate, InputPlan): the
 * shared renderers for the inputs and the estimate, plus the run-directory
 * summary of a plan. API text passes through `cleanText` (no terminal escapes).
 */
import { formatEstimate } from '#shared/science/estimate/format-estimate.js';
import { endInstantSummary, formatBytes, formatInputPlan } from '#shared/science/inputs/format-input-plan.js';
import type { InputPlan, RunEstimate, SimulationPlan } from '#schemas/generated/types.js';
import { ApiError } from '../errors.js';
import type { Colors } from '../format.js';
import { clean } from '../format.js';

/** Control characters out, line breaks kept. */
export function cleanText(text: string): string {
  return text
    .split('\n')
    .map((line) => clean(line))
    .join('\n');
}

/** The shape checks the CLI relies on before rendering; a wrong answer is a clear error, not a crash. */
export function expectShape<T>(body: unknown, what: string, required: string[], status: number): T {
  const obj = body as Record<string, unknown> | null;
  const missing = required.filter((key) => obj === null || typeof obj !== 'object' || !(key in obj));
  if (missing.length > 0) {
    throw new ApiError(`the API answered HTTP ${status} but the ${what} lacks ${missing.join(', ')}`, {
      code: 'BadResponse',
      httpStatus: status,
    });
  }
  return body as T;
}

export const PLAN_FIELDS = ['spec', 'runDirectory', 'inputs', 'estimate', 'warnings'];
export const ESTIMATE_FIELDS = [
  'options',
  'recommended',
  'uncertainty',
  'basis',
  'assumptions',
  'warnings',
  'pricing',
];
export const INPUT_PLAN_FIELDS = [
  'items',
  'itemCount',
  'totalBytes',
  'period',
  'buckets',
  'warnings',
  'notes',
];

export function inputPlanText(plan: InputPlan, options: { keys?: boolean } = {}): string {
  return cleanText(formatInputPlan(plan, options));
}

export function estimateText(estimate: RunEstimate): string {
  return cleanText(formatEstimate(estimate));
}

/** The run directory a plan would generate, with the spec's own warnings. */
export function runDirectoryText(plan: SimulationPlan, c: Colors): string {
  const { name, files, summary: s } = plan.runDirectory;
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  const lines = [
    c.bold(`Run directory ${name}`) + ` (${files.length} files, ${formatBytes(total)})`,
    `  model       ${s.model}`,
    `  simulation  ${s.simulation}`,
    `  met         ${s.met}`,
    `  grid        ${s.grid} ${s.domain}, ${s.levels} levels`,
    `  period      ${s.period.start} to ${s.period.end} (${s.period.hours} h)`,
    ...(s.timesteps
      ? [
          `  timesteps   transport ${s.timesteps.transportSeconds} s, chemistry ${s.timesteps.chemistrySeconds} s`,
        ]
      : []),
    `  collections ${s.collections.join(', ') || '(none)'} (${s.frequency})`,
    `  files       ${files.map((f) => `${f.name} (${formatBytes(f.bytes)})`).join(', ')}`,
    ...plan.warnings
      .filter((w) => w.source === 'spec')
      .map((w) => c.yellow(`  warning: ${w.field}: ${w.message}`)),
  ];
  return cleanText(lines.join('\n'));
}

/**
 * The inputs in a few lines: total volume, volume per category, the files
 * read only at the end instant, what the buckets lack and the warnings
 * (every file: `gcr inputs` or --json).
 */
export function inputSummaryText(inputs: InputPlan, c: Colors): string {
  const byCategory = new Map<string, { items: number; bytes: number }>();
  for (const item of inputs.items) {
    const total = byCategory.get(item.category) ?? { items: 0, bytes: 0 };
    total.items += 1;
    total.bytes += item.estimatedBytes;
    byCategory.set(item.category, total);
  }
  const width = Math.max(0, ...[...byCategory.keys()].map((k) => k.length));
  const lines = [
    c.bold('Input data') +
      ` about ${formatBytes(inputs.totalBytes)} in ${inputs.itemCount} item(s) from ${inputs.buckets.join(', ')},` +
      ` ${inputs.period.start} to ${inputs.period.end} (${inputs.period.days} day(s))`,
    ...[...byCategory].map(
      ([category, t]) =>
        `  ${category.padEnd(width)}  ${formatBytes(t.bytes).padStart(8)}  ${t.items} item(s)`,
    ),
    ...[endInstantSummary(inputs)]
      .filter((line): line is string => line !== undefined)
      .map((line) => `  ${line}`),
    ...inputs.items
      .filter((item) => !item.available)
      .map((item) => c.red(`  unavailable: ${item.description}${item.reason ? `: ${item.reason}` : ''}`)),
    ...inputs.warnings.map((w) => c.yellow(`  warning: ${w.field}: ${w.message}`)),
  ];
  return cleanText(lines.join('\n'));
}

/** The whole dry run: run directory, inputs, estimate, each with its own warnings. */
export function planText(plan: SimulationPlan, c: Colors): string {
  return [
    c.dim('dry run: nothing was submitted (every input file: --json; after submitting, gcr inputs <id>)'),
    runDirectoryText(plan, c),
    inputSummaryText(plan.inputs, c),
    estimateText(plan.estimate),
  ].join('\n\n');
}
