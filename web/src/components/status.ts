/**
 * A simulation's status as every page words it, and which statuses are
 * final (the status model: SUCCEEDED, FAILED, CANCELLED, TIMED_OUT).
 */
import type { SimulationStatus } from '#schemas/generated/types.js';

export const TERMINAL_STATUSES: readonly SimulationStatus[] = [
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'TIMED_OUT',
];

export function isTerminal(status: SimulationStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** "TIMED_OUT" -> "Timed out". */
export function statusLabel(status: SimulationStatus): string {
  const words = status.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
