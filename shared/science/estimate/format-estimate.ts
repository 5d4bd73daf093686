/**
 * Plain-text rendering of a RunEstimate for the CLI: a table of the options
 * (time and cost, low / expected / high), the recommendation, then the
 * basis, assumptions, uncertainty and warnings.
 */
import type { RunEstimate } from '#schemas/generated/types.js';

/** "45 min", "3.8 h", "2.1 d". */
export function formatDuration(seconds: number): string {
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

const usd = (value: number): string => `$${value.toFixed(2)}`;

export function formatEstimate(estimate: RunEstimate): string {
  const lines: string[] = [];
  const days = Number.isInteger(estimate.simulatedDays)
    ? String(estimate.simulatedDays)
    : estimate.simulatedDays.toFixed(2);
  lines.push(`Estimate for ${days} simulated day(s), ${estimate.model}, ${estimate.purchase}:`, '');
  const rows = estimate.options.map((option) => [
    `${option.instanceType === estimate.recommended.instanceType ? '*' : ' '} ${option.instanceType}${option.nodes > 1 ? ` x${option.nodes}` : ''}`,
    option.architecture,
    String(option.threads ?? option.vcpus),
    `${usd(option.pricePerHourUsd)}/h`,
    `${formatDuration(option.wallSeconds.expected)} (${formatDuration(option.wallSeconds.low)}-${formatDuration(option.wallSeconds.high)})`,
    `${usd(option.costUsd.expected)} (${usd(option.costUsd.low)}-${usd(option.costUsd.high)})`,
    option.fitsMaxRuntime ? '' : 'exceeds maxRuntime',
  ]);
  const header = ['  instance', 'arch', 'threads', 'price', 'wall time (range)', 'cost (range)', ''];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  for (const row of [header, ...rows])
    lines.push(
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
  lines.push('', `Recommended: ${estimate.recommended.instanceType} (${estimate.recommended.reason})`);
  lines.push('', `Uncertainty (x${estimate.uncertainty.factor}): ${estimate.uncertainty.statement}`);
  if (estimate.warnings.length > 0) {
    lines.push('', 'Warnings:');
    for (const warning of estimate.warnings) lines.push(`  ${warning.field}: ${warning.message}`);
  }
  lines.push('', 'Based on:');
  for (const row of estimate.basis) lines.push(`  - ${row.figure} [${row.citation}]`);
  lines.push('', 'Assumptions:');
  for (const assumption of estimate.assumptions) lines.push(`  - ${assumption}`);
  lines.push(
    '',
    `Prices: EC2 on-demand ${estimate.pricing.region} as of ${estimate.pricing.generatedAt}` +
      (estimate.pricing.spotFraction !== undefined
        ? `; spot taken as ${estimate.pricing.spotFraction * 100}% of on-demand`
        : ''),
  );
  return lines.join('\n');
}
