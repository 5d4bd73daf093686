/**
 * Reads a generated HEMCO_Config.rc the way HEMCO decides what to read: the
 * settings ($ROOT, $METDIR ...), the extension switches and their options,
 * the (((bracket ... )))bracket conditions, and the data lines of the base
 * emissions, scale factor and mask sections, following `>>>include` files.
 * The result is the list of files HEMCO would open, as path templates with
 * their time attribute; dates are resolved elsewhere (hemco-dates.ts).
 */

export type HemcoSection = 'emissions' | 'extension-data' | 'non-emissions' | 'scale-factors' | 'masks';

export interface HemcoFileRef {
  /** Container field name, e.g. "CEDS_NO_AGR". */
  name: string;
  /** Path after the settings tokens are replaced; date tokens ($YYYY ...) remain. */
  path: string;
  /** Variable read from the file. */
  sourceVar: string;
  /** HEMCO time attribute, e.g. "1980-2019/1-12/1/0" or "1900-2100/1-12/1-31/1/+1day". */
  time: string;
  /** Time flag, e.g. "C", "RF", "EFY". */
  flag: string;
  /** "xy" or "xyz" (or "xyL=..."). */
  dims: string;
  section: HemcoSection;
  /** The file it came from (HEMCO_Config.rc or an included file). */
  file: string;
  /** Extension number of a base-emissions line ("0", "*", "103" ...). */
  extNr?: string;
}

export interface HemcoConfig {
  settings: Map<string, string>;
  /** Extension names and `-->` options with a true/false value; "on"/"true" is true. */
  switches: Map<string, boolean>;
  /** Extension number -> on. */
  extensions: Map<string, boolean>;
  files: HemcoFileRef[];
  /** File paths given as extension options (e.g. Volcano_Table), for extensions that are on. */
  optionFiles: { name: string; path: string; extension: string }[];
}

const SECTION_MARKERS: [RegExp, HemcoSection | 'settings' | 'switches' | 'end'][] = [
  [/^###\s*BEGIN SECTION SETTINGS/, 'settings'],
  [/^###\s*BEGIN SECTION EXTENSION SWITCHES/, 'switches'],
  [/^###\s*BEGIN SECTION BASE EMISSIONS/, 'emissions'],
  [/^###\s*EXTENSION DATA/, 'extension-data'],
  [/^###\s*NON-EMISSIONS DATA/, 'non-emissions'],
  [/^###\s*BEGIN SECTION SCALE FACTORS/, 'scale-factors'],
  [/^###\s*BEGIN SECTION MASKS/, 'masks'],
  [/^###\s*END OF HEMCO INPUT FILE/, 'end'],
];

/** True for a token that is a file path rather than "-", a value like "0.1/0.2" or "MATH:...". */
function isFilePath(token: string): boolean {
  return /^(\$|\/|\.\/)/.test(token);
}

/** Evaluates "A", ".not.A", "A.or.B.or.C", "A.and.B" against the switches (unknown names are false, as in HEMCO). */
export function evaluateCondition(condition: string, switches: Map<string, boolean>): boolean {
  const value = (name: string): boolean => switches.get(name) ?? false;
  if (condition.startsWith('.not.')) return !evaluateCondition(condition.slice(5), switches);
  if (condition.includes('.or.')) return condition.split('.or.').some((part) => value(part));
  if (condition.includes('.and.')) return condition.split('.and.').every((part) => value(part));
  return value(condition);
}

/** Replaces $NAME tokens (longest names first, so $METDIR wins over $MET). */
export function replaceTokens(text: string, tokens: Map<string, string>): string {
  const names = [...tokens.keys()].sort((a, b) => b.length - a.length);
  if (names.length === 0) return text;
  const pattern = new RegExp(`\\$(${names.map((n) => n.replace(/[^A-Za-z0-9_]/g, '')).join('|')})`, 'g');
  return text.replace(pattern, (whole, name: string) => tokens.get(name) ?? whole);
}

/**
 * Parses HEMCO_Config.rc. `includes` holds the files `>>>include` may name
 * (e.g. HEMCO_Config.rc.gmao_metfields); `builtins` the tokens GEOS-Chem
 * defines itself ($MET, $RES, $NC, $CNYR).
 */
export function parseHemcoConfig(
  text: string,
  includes: Record<string, string>,
  builtins: Record<string, string>,
  fileName = 'HEMCO_Config.rc',
): HemcoConfig {
  const config: HemcoConfig = {
    settings: new Map(),
    switches: new Map(),
    extensions: new Map(),
    files: [],
    optionFiles: [],
  };
  const tokens = (): Map<string, string> => new Map([...Object.entries(builtins), ...config.settings]);
  parseInto(config, text, includes, tokens, fileName);
  return config;
}

function parseInto(
  config: HemcoConfig,
  text: string,
  includes: Record<string, string>,
  tokens: () => Map<string, string>,
  fileName: string,
): void {
  let section: HemcoSection | 'settings' | 'switches' | 'end' | 'preamble' = 'preamble';
  const conditions: boolean[] = [];
  let currentExtension = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const marker = SECTION_MARKERS.find(([pattern]) => pattern.test(line));
    if (marker) {
      section = marker[1];
      continue;
    }
    if (line.startsWith('(((')) {
      conditions.push(evaluateCondition(line.slice(3).trim(), config.switches));
      continue;
    }
    if (line.startsWith(')))')) {
      conditions.pop();
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    if (!conditions.every(Boolean)) continue;
    const include = /^>>>include\s+(\S+)/.exec(line);
    if (include) {
      const included = includes[include[1]!];
      if (included === undefined) throw new Error(`${fileName} includes ${include[1]}, which was not given`);
      parseInto(config, included, includes, tokens, include[1]!);
      continue;
    }
    if (section === 'settings') {
      const setting = /^([A-Za-z][A-Za-z0-9_ ]*?)\s*:\s*(\S.*?)\s*$/.exec(line);
      if (setting) config.settings.set(setting[1]!, setting[2]!);
      continue;
    }
    if (section === 'switches') {
      readSwitch(config, line, tokens, (ext) => (currentExtension = ext), currentExtension);
      continue;
    }
    if (section === 'preamble' || section === 'end') continue;
    const ref = readDataLine(line, section, fileName, config);
    if (ref) config.files.push({ ...ref, path: replaceTokens(ref.path, tokens()) });
  }
}

function readSwitch(
  config: HemcoConfig,
  line: string,
  tokens: () => Map<string, string>,
  setExtension: (ext: string) => void,
  currentExtension: string,
): void {
  const extension = /^(\d+)\s+(\S+)\s*:\s*(on|off)\b/i.exec(line);
  if (extension) {
    const on = extension[3]!.toLowerCase() === 'on';
    config.extensions.set(extension[1]!, on);
    config.switches.set(extension[2]!, on);
    setExtension(extension[1]!);
    return;
  }
  const option = /^-->\s*(.+?)\s*:\s*(\S+)/.exec(line);
  if (!option) return;
  const [, name, value] = option as unknown as [string, string, string];
  if (/^(true|false)$/i.test(value)) {
    config.switches.set(name, value.toLowerCase() === 'true');
  } else if (value.startsWith('$ROOT') && config.extensions.get(currentExtension)) {
    config.optionFiles.push({ name, path: replaceTokens(value, tokens()), extension: currentExtension });
  }
}

function readDataLine(
  line: string,
  section: HemcoSection,
  fileName: string,
  config: HemcoConfig,
): (Omit<HemcoFileRef, 'path'> & { path: string }) | undefined {
  const cols = line.split(/\s+/);
  if (section === 'emissions' || section === 'extension-data' || section === 'non-emissions') {
    // ExtNr Name sourceFile sourceVar sourceTime C/R/E SrcDim SrcUnit Species ScalIDs Cat Hier
    const [extNr, name, file, sourceVar, time, flag, dims] = cols;
    if (!extNr || !name || !file || !isFilePath(file)) return undefined;
    if (extNr !== '0' && extNr !== '*' && config.extensions.get(extNr) !== true) return undefined;
    return {
      name,
      path: file,
      sourceVar: sourceVar ?? '',
      time: time ?? '',
      flag: flag ?? '',
      dims: dims ?? 'xy',
      section,
      file: fileName,
      extNr,
    };
  }
  // ScalID Name sourceFile sourceVar sourceTime C/R/E SrcDim SrcUnit Oper [Box]
  const [, name, file, sourceVar, time, flag, dims] = cols;
  if (!name || !file || !isFilePath(file)) return undefined;
  return {
    name,
    path: file,
    sourceVar: sourceVar ?? '',
    time: time ?? '',
    flag: flag ?? '',
    dims: dims ?? 'xy',
    section,
    file: fileName,
  };
}
