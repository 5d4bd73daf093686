/**
 * The collections a HISTORY.rc switches on, with their frequency, duration
 * and mode: what GEOS-Chem will write, for the expected-outputs check.
 */
import { parseSpan, type Span } from './schedule.js';

export type CollectionMode = 'time-averaged' | 'instantaneous';

export interface CollectionSchedule {
  name: string;
  /** How often a record is written (the averaging interval of time-averaged collections). */
  frequency: Span;
  /** How long one file covers. */
  duration: Span;
  mode: CollectionMode;
}

export class HistoryRcError extends Error {
  override readonly name = 'HistoryRcError';
}

/** Uncommented entries of the COLLECTIONS list, up to its closing "::". */
function activeCollections(lines: string[]): string[] {
  const start = lines.findIndex((line) => /^\s*COLLECTIONS:/.test(line));
  if (start < 0) throw new HistoryRcError('HISTORY.rc has no COLLECTIONS list');
  const names: string[] = [];
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!.replace(/^\s*COLLECTIONS:/, '');
    if (/^\s*::/.test(line)) break;
    const match = /^\s*'([A-Za-z][A-Za-z0-9_]*)'/.exec(line);
    if (match) names.push(match[1]!);
  }
  return names;
}

function attribute(lines: string[], collection: string, key: string): string | undefined {
  const pattern = new RegExp(`^\\s*${collection}\\.${key}:\\s*(.*?)\\s*,?\\s*$`);
  for (const line of lines) {
    const match = pattern.exec(line);
    if (match) return match[1]!;
  }
  return undefined;
}

/**
 * Parses the active collections of a HISTORY.rc. A collection whose frequency
 * or duration cannot be read is an error naming it (the run's HISTORY.rc is
 * then not one GEOS-Chem would accept either).
 */
export function parseHistoryRc(text: string): CollectionSchedule[] {
  // Commented-out lines start with '#', which the patterns below never match.
  const lines = text.split(/\r?\n/);
  return activeCollections(lines).map((name) => {
    const frequencyText = attribute(lines, name, 'frequency');
    const frequency = frequencyText === undefined ? undefined : parseSpan(frequencyText);
    if (!frequency) {
      throw new HistoryRcError(
        `HISTORY.rc: collection ${name} has no readable frequency (${frequencyText ?? 'missing'})`,
      );
    }
    const durationText = attribute(lines, name, 'duration');
    const duration = durationText === undefined ? frequency : parseSpan(durationText);
    if (!duration) {
      throw new HistoryRcError(`HISTORY.rc: collection ${name} has no readable duration (${durationText})`);
    }
    const modeText = (attribute(lines, name, 'mode') ?? '').replace(/'/g, '').trim();
    const mode: CollectionMode = modeText === 'instantaneous' ? 'instantaneous' : 'time-averaged';
    return { name, frequency, duration, mode };
  });
}
