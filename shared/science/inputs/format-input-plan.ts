/**
 * Plain-text rendering of an InputPlan for the CLI: one line per item
 * (category, size, files, where), then warnings and notes.
 */
import type { InputPlan } from '#schemas/generated/types.js';
import { instantText } from './hemco-dates.js';

/** "1.2 GB", "350 MB", "12 kB" (decimal units, as S3 and AWS bill). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** An item's short name: "MERRA-2 A1", "OFFLINE_DUST/v2025-03", "UCX_201403". */
function shortName(description: string): string {
  return description
    .replace(/, end instant .*$/, '')
    .split(' (')[0]!
    .replace(/ met fields$/, '');
}

/**
 * One line on the files read only at the end instant (GEOS-Chem reads its
 * inputs once more then, before it exits), by category; undefined when none.
 */
export function endInstantSummary(plan: Pick<InputPlan, 'items' | 'period'>): string | undefined {
  const items = plan.items.filter((item) => item.readAt === 'end');
  if (items.length === 0) return undefined;
  const files = items.reduce((sum, item) => sum + item.keyCount, 0);
  const byCategory = new Map<string, string[]>();
  for (const item of items)
    byCategory.set(item.category, [...(byCategory.get(item.category) ?? []), shortName(item.description)]);
  const parts = [...byCategory].map(([category, names]) => `${category} ${names.join(', ')}`);
  return `${files} file${files === 1 ? ' is' : 's are'} read at the end instant (${instantText(new Date(plan.period.end))}): ${parts.join('; ')}`;
}

export interface FormatInputPlanOptions {
  /** Also list every key of each item (up to the plan's listed keys). Default false. */
  keys?: boolean;
}

export function formatInputPlan(plan: InputPlan, options: FormatInputPlanOptions = {}): string {
  const lines: string[] = [];
  lines.push(
    `Input data for ${plan.period.start} to ${plan.period.end} (${plan.period.days} day${plan.period.days === 1 ? '' : 's'}): ` +
      `${plan.itemCount} item(s), about ${formatBytes(plan.totalBytes)} from ${plan.buckets.join(', ')}`,
  );
  if (plan.unavailableCount > 0)
    lines.push(`${plan.unavailableCount} item(s) are NOT in the public buckets for this run (marked !)`);
  const atEnd = endInstantSummary(plan);
  if (atEnd) lines.push(atEnd);
  lines.push('');
  const width = Math.max(...plan.items.map((item) => item.category.length), 8);
  for (const item of plan.items) {
    const where = item.s3Uri ?? item.prefix ?? item.bucket;
    const files = item.keyCount > 0 ? `${item.keyCount} file${item.keyCount === 1 ? '' : 's'}` : 'directory';
    lines.push(
      `${item.available ? ' ' : '!'} ${item.category.padEnd(width)} ${formatBytes(item.estimatedBytes).padStart(8)}  ${files.padEnd(10)} ${item.description}`,
    );
    lines.push(`  ${' '.repeat(width)} ${' '.repeat(8)}  ${where}`);
    if (item.reason)
      lines.push(
        `  ${' '.repeat(width)} ${' '.repeat(8)}  ${item.available ? 'note' : 'unavailable'}: ${item.reason}`,
      );
    if (options.keys && item.keys) {
      for (const key of item.keys) lines.push(`  ${' '.repeat(width)} ${' '.repeat(8)}    ${key}`);
      if (item.keysTruncated)
        lines.push(`  ${' '.repeat(width)} ${' '.repeat(8)}    ... ${item.keyCount - item.keys.length} more`);
    }
  }
  if (plan.warnings.length > 0) {
    lines.push('', 'Warnings:');
    for (const warning of plan.warnings) lines.push(`  ${warning.field}: ${warning.message}`);
  }
  if (plan.notes.length > 0) {
    lines.push('', 'Notes:');
    for (const note of plan.notes) lines.push(`  - ${note}`);
  }
  return lines.join('\n');
}
