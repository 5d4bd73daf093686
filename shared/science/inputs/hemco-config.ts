/**
 * Reads a generated HEMCO_Config.rc the way HEMCO decides what to read: the
 * settings ($ROOT, $METDIR ...), the extension switches and their options,
 * the (((bracket ... )))bracket conditions, and the data lines of the base
 * emissions, scale factor and mask sections, following `>>>include` files.
 * The result is the list of files HEMCO would open, as path templates with
 * their time attribute; dates are resolved elsewhere (hemco-dates.ts).
 */

export type HemcoSection = 'emissions' | 'extension-data' | 'non-emissions' | 'scale-factors' | 'masks';

/**
 * One data line (a HEMCO "container") of an active section: a base field
 * (emissions, extension data and non-emissions data, which HEMCO reads as
 * one kind), a scale factor or a mask, with what decides whether HEMCO reads
 * it (species, scale factor IDs, category, hierarchy, mask box).
 */
export interface HemcoContainer {
  kind: 'base' | 'scale' | 'mask';
  /** Container field name, e.g. "CEDS_NO_AGR". */
  name: string;
  /** Path after the settings tokens are replaced, date tokens ($YYYY ...) left; absent for values ("0.45/0.6", "MATH:...", a mask box). */
  path?: string;
  /** Set when the line's file is "-": it reads the data of the line before it, whose name this is. */
  sharesDataOf?: string;
  /** Variable read from the file. */
  sourceVar: string;
  /** HEMCO time attribute, e.g. "1980-2019/1-12/1/0" or "1900-2100/1-12/1-31/1/+1day". */
  time: string;
  /** Time flag, e.g. "C", "RF", "EFY". */
  flag: string;
  /** "xy" or "xyz" (or "xyL=1:scal300" ...). */
  dims: string;
  section: HemcoSection;
  /** The file it came from (HEMCO_Config.rc or an included file). */
  file: string;
  /** Extension number of a base field ("0", "*", "103" ...). */
  extNr?: string;
  /** Species of a base field ("NO", "*" for every species). */
  species?: string;
  /** Scale factor and mask IDs a base field applies, including level scale factors of its dims ("xyL=1:scal300"). */
  scalIds: number[];
  /** Emission categories of a base field ("1/2" -> [1, 2]). */
  cats: number[];
  /** Hierarchy of a base field. */
  hier?: number;
  /** ID of a scale factor or mask. */
  scalId?: number;
  /** Mask box lon1/lat1/lon2/lat2. */
  box?: [number, number, number, number];
  /** A mask marked "y": always read. */
  alwaysRead?: boolean;
}

/** A container with a file of its own. */
export type HemcoFileRef = HemcoContainer & { path: string };

export interface HemcoConfig {
  settings: Map<string, string>;
  /** Extension names and `-->` options with a true/false value; "on"/"true" is true. */
  switches: Map<string, boolean>;
  /** Extension number -> on. */
  extensions: Map<string, boolean>;
  /** Every data line of the active sections, brackets and extension switches applied. */
  containers: HemcoContainer[];
  /** The containers with a file of their own. */
  files: HemcoFileRef[];
  /** File paths given as extension options (e.g. Volcano_Table), for extensions that are on. */
  optionFiles: { name: string; path: string; extension: string }[];
  /** Every `-->` option of an extension that is on, by "<extension number>/<option name>" (e.g. "102/LUT data format" -> "nc"). */
  extensionOptions: Map<string, string>;
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
    containers: [],
    files: [],
    optionFiles: [],
    extensionOptions: new Map(),
  };
  const tokens = (): Map<string, string> => new Map([...Object.entries(builtins), ...config.settings]);
  parseInto(config, text, includes, tokens, fileName);
  config.files = config.containers.filter((c): c is HemcoFileRef => c.path !== undefined && !c.sharesDataOf);
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
  // The line a "-" file reads its data from: the last active line with a file or value, per kind
  let home: HemcoContainer | undefined;
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
    const container = readDataLine(line, section, fileName, config);
    if (!container) continue;
    if (container.path !== undefined) container.path = replaceTokens(container.path, tokens());
    if (container.sharesDataOf !== undefined) {
      if (!home || home.kind !== container.kind) continue; // HEMCO stops here: nothing to share
      container.sharesDataOf = home.name;
      Object.assign(container, {
        ...(home.path !== undefined ? { path: home.path } : {}),
        sourceVar: home.sourceVar,
        time: home.time,
        flag: home.flag,
      });
    } else {
      home = container;
    }
    config.containers.push(container);
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
  if (config.extensions.get(currentExtension))
    config.extensionOptions.set(`${currentExtension}/${name}`, value);
  if (/^(true|false)$/i.test(value)) {
    config.switches.set(name, value.toLowerCase() === 'true');
  } else if (value.startsWith('$ROOT') && config.extensions.get(currentExtension)) {
    config.optionFiles.push({ name, path: replaceTokens(value, tokens()), extension: currentExtension });
  }
}

/** "26/52/1002" -> [26, 52, 1002]; "-" -> []. */
function integers(text: string | undefined): number[] {
  if (!text || text === '-') return [];
  return text
    .split('/')
    .map(Number)
    .filter((value) => Number.isInteger(value));
}

function readDataLine(
  line: string,
  section: HemcoSection,
  fileName: string,
  config: HemcoConfig,
): HemcoContainer | undefined {
  const cols = line.split(/\s+/);
  const [first, name, file, sourceVar = '', time = '', flag = '', dims = 'xy'] = cols;
  if (!first || !name || !file) return undefined;
  const common = {
    name,
    ...(isFilePath(file) ? { path: file } : {}),
    ...(file === '-' ? { sharesDataOf: '' } : {}),
    sourceVar,
    time,
    flag,
    dims,
    section,
    file: fileName,
  };
  if (section === 'emissions' || section === 'extension-data' || section === 'non-emissions') {
    // ExtNr Name sourceFile sourceVar sourceTime C/R/E SrcDim SrcUnit Species ScalIDs Cat Hier
    const extNr = first;
    if (!/^(\d+|\*)$/.test(extNr)) return undefined;
    if (extNr !== '0' && extNr !== '*' && config.extensions.get(extNr) !== true) return undefined;
    const levelScales = [...dims.matchAll(/scal(\d+)/g)].map((match) => Number(match[1]));
    return {
      ...common,
      kind: 'base',
      extNr,
      species: cols[8] ?? '',
      scalIds: [...integers(cols[9]), ...levelScales],
      cats: integers(cols[10]),
      ...(cols[11] !== undefined && Number.isInteger(Number(cols[11])) ? { hier: Number(cols[11]) } : {}),
    };
  }
  // ScalID Name sourceFile sourceVar sourceTime C/R/E SrcDim SrcUnit Oper [Box [y]]
  const scalId = Number(first);
  if (!Number.isInteger(scalId)) return undefined;
  if (section === 'masks') {
    const box = integers(cols[9]);
    return {
      ...common,
      kind: 'mask',
      scalIds: [],
      cats: [],
      scalId,
      ...(box.length === 4 ? { box: box as [number, number, number, number] } : {}),
      ...(/^y$/i.test(cols[10] ?? '') ? { alwaysRead: true } : {}),
    };
  }
  return { ...common, kind: 'scale', scalIds: [], cats: [], scalId };
}
