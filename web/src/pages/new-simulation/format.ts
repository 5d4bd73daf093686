/** Figures of the review and the compute step, as a researcher reads them. */
import type { EstimateRange } from '#schemas/generated/types.js';

export function formatUsd(value: number): string {
  return value < 0.01 && value > 0 ? '< $0.01' : `$${value.toFixed(2)}`;
}

/** "45 s", "12 min", "3.5 h", "2.1 days". */
export function formatWall(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

/** "low to high (expected x)". */
export function formatRange(range: EstimateRange, format: (value: number) => string): string {
  return `${format(range.low)} to ${format(range.high)} (expected ${format(range.expected)})`;
}
