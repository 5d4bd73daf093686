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
  /** Directories the run directory has besides those of `files` (GEOS-Chem writes into them). */
  directories: string[];
  /** What the platform chose itself where GEOS-Chem's createRunDir.sh has no answer (e.g. a custom domain). */
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

/**
 * Replaces every ${RUNDIR_*} that has a value, as init_rd.sh's envsubst does
 * with the variables createRunDir.sh defined; the others are left as they are.
 */
export function envsubst(template: string, vars: Map<string, string>): string {
  return template.replace(/\$\{(RUNDIR_[A-Za-z0-9_]+)\}/g, (whole, name: string) => vars.get(name) ?? whole);
}

/** The ${RUNDIR_*} placeholders left in a text, each once. */
export function unfilledPlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{(RUNDIR_[A-Za-z0-9_]+)\}/g)].map((match) => match[1]!))];
}

/** Replaces every ${RUNDIR_*}; throws naming every placeholder without a value. */
export function fillTemplate(template: string, vars: Map<string, string>, fileName: string): string {
  const text = envsubst(template, vars);
  const missing = unfilledPlaceholders(text);
  if (missing.length > 0) {
    throw new Error(`${fileName}: no value for ${missing.map((n) => `\${${n}}`).join(', ')}`);
  }
  return text;
}

/**
 * Switches on exactly `collections` in HISTORY.rc's COLLECTIONS list, touching
 * only the entries whose state changes: one switched on loses its `#`s, one
 * switched off gains a `#`; entries already in the wanted state keep their line
 * as GEOS-Chem wrote it. A collection defined in the file but not listed is
 * appended to the list.
 */
export function selectCollections(history: string, collections: readonly string[]): string {
  const lines = history.split('\n');
  const start = lines.findIndex((line) => line.startsWith('COLLECTIONS:'));
  if (start < 0) throw new Error('HISTORY.rc has no COLLECTIONS list');
  const end = lines.findIndex((line, i) => i > start && line.startsWith('::'));
  const listed = new Set<string>();
  for (let i = start; i < end; i++) {
    const match = /^((?:COLLECTIONS:)?\s*)(#*)('([A-Za-z0-9_]+)',?.*)$/.exec(lines[i]!);
    if (!match) continue;
    const [, lead, hashes, entry, name] = match as unknown as [string, string, string, string, string];
    listed.add(name);
    const wanted = collections.includes(name);
    if (wanted && hashes !== '') lines[i] = `${lead}${entry}`;
    if (!wanted && hashes === '') lines[i] = `${lead}#${entry}`;
  }
  const added = collections.filter((name) => !listed.has(name)).map((name) => `${' '.repeat(13)}'${name}',`);
  return [...lines.slice(0, end), ...added, ...lines.slice(end)].join('\n');
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

/** GEOS-Chem stops at once without ./species_database.yml. */
export const SPECIES_DATABASE = 'species_database.yml';

export function speciesDatabase(extraOption: string): string {
  const stock = readTemplate(`shared/${SPECIES_DATABASE}`);
  // createRunDir.sh appends the TOMAS or APM species to the stock database (`cat >>`).
  if (/TOMAS/.test(extraOption)) return stock + readTemplate('shared/species_database_tomas.yml');
  if (/APM/.test(extraOption)) return stock + readTemplate('shared/species_database_apm.yml');
  return stock;
}
