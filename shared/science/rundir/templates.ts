/**
 * GEOS-Chem's own run-directory templates and settings files
 * (shared/science/geoschem/templates/): reading them, parsing createRunDir's
 * settings files, filling ${RUNDIR_*} placeholders and switching HISTORY.rc
 * collections. Used by the GC Classic and GCHP generators alike.
 */
import { readFileSync } from 'node:fs';

export const TEMPLATES = new URL('../geoschem/templates/', import.meta.url);

/** Where GEOS-Chem's input data (ExtData) lives inside the run's container. */
export const DEFAULT_DATA_ROOT = '/ExtData';

export interface GenerateOptions {
  /** RUNDIR_DATA_ROOT (createRunDir.sh's GC_DATA_ROOT). Default DEFAULT_DATA_ROOT. */
  dataRoot?: string;
}

export interface GeneratedRunDirectory {
  /** createRunDir.sh's default run-directory name, e.g. gc_4x5_merra2_fullchem. */
  name: string;
  /** File name -> content. */
  files: Record<string, string>;
  /** Values chosen by the platform where the 14.7.0 script's logic is not in the reference copy. */
  assumptions: string[];
}

const cache = new Map<string, string>();

export function readTemplate(relative: string): string {
  let text = cache.get(relative);
  if (text === undefined) {
    text = readFileSync(new URL(relative, TEMPLATES), 'utf8');
    cache.set(relative, text);
  }
  return text;
}

/**
 * Parses a createRunDir settings file: KEY='v', KEY="v", KEY=v and
 * KEY="""multi-line""". Quotes are dropped; `${VAR}` inside double quotes is
 * expanded later, as bash does when it sources the file.
 */
export function parseSettings(text: string): [string, string][] {
  const out: [string, string][] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(lines[i]!);
    if (!match) continue;
    const key = match[1]!;
    let raw = match[2]!;
    if (raw.startsWith('"""')) {
      const body: string[] = [raw.slice(3)];
      while (i + 1 < lines.length && !lines[i + 1]!.startsWith('"""')) body.push(lines[++i]!);
      i++;
      out.push([key, body.join('\n')]);
      continue;
    }
    raw = raw.trimEnd();
    if ((raw.startsWith("'") && raw.endsWith("'")) || (raw.startsWith('"') && raw.endsWith('"'))) {
      raw = raw.slice(1, -1);
    }
    out.push([key, raw]);
  }
  return out;
}

/** Replaces every ${RUNDIR_*}; throws naming every placeholder without a value. */
export function fillTemplate(template: string, vars: Map<string, string>, fileName: string): string {
  const missing = new Set<string>();
  const text = template.replace(/\$\{(RUNDIR_[A-Za-z0-9_]+)\}/g, (whole, name: string) => {
    const value = vars.get(name);
    if (value === undefined) {
      missing.add(name);
      return whole;
    }
    return value;
  });
  if (missing.size > 0) {
    throw new Error(`${fileName}: no value for ${[...missing].map((n) => `\${${n}}`).join(', ')}`);
  }
  return text;
}

/** Switches on exactly `collections` in HISTORY.rc's COLLECTIONS list; the rest are commented out. */
export function selectCollections(history: string, collections: readonly string[]): string {
  const lines = history.split('\n');
  const start = lines.findIndex((line) => line.startsWith('COLLECTIONS:'));
  if (start < 0) throw new Error('HISTORY.rc has no COLLECTIONS list');
  const end = lines.findIndex((line, i) => i > start && line.startsWith('::'));
  const listed = new Set<string>();
  const entries: string[] = [];
  for (let i = start; i < end; i++) {
    const match = /^(COLLECTIONS:)?(\s*)#*\s*'([A-Za-z0-9_]+)',?\s*$/.exec(lines[i]!);
    if (!match) continue;
    const name = match[3]!;
    listed.add(name);
    const on = collections.includes(name);
    const indent = match[1] ? 'COLLECTIONS: ' : ' '.repeat(13);
    entries.push(`${indent}${on ? '' : '#'}'${name}',`);
  }
  for (const name of collections) if (!listed.has(name)) entries.push(`${' '.repeat(13)}'${name}',`);
  const head = lines.slice(0, start);
  // Keep the list's opening keyword on the first entry.
  if (entries.length > 0 && !entries[0]!.startsWith('COLLECTIONS:')) {
    entries[0] = `COLLECTIONS: ${entries[0]!.trimStart()}`;
  }
  return [...head, ...entries, ...lines.slice(end)].join('\n');
}

/** The collections switched on in a HISTORY.rc (uncommented entries of COLLECTIONS). */
export function activeCollections(history: string): string[] {
  const lines = history.split('\n');
  const start = lines.findIndex((line) => line.startsWith('COLLECTIONS:'));
  const end = lines.findIndex((line, i) => i > start && line.startsWith('::'));
  const names: string[] = [];
  for (const line of lines.slice(start, end)) {
    const match = /^(?:COLLECTIONS:)?\s*'([A-Za-z0-9_]+)'/.exec(line);
    if (match) names.push(match[1]!);
  }
  return names;
}
