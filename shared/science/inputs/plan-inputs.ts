/**
 * The input data a run will read, as keys in the public GEOS-Chem buckets
 * (ExtData layout: s3://geos-chem/<key>, nested-grid met in s3://gcgrid),
 * with estimated volumes and the gaps the buckets are known to have.
 *
 * Met fields, emissions and other HEMCO inputs come from the run's generated
 * HEMCO_Config.rc (and the met-field file it includes), read as HEMCO reads
 * it (extension switches, brackets, time attributes) and narrowed to the
 * lines HEMCO really reads (hemco-reads.ts: species, replaced inventories,
 * masks outside the domain); the inputs GEOS-Chem's code opens by name from
 * the rules of chemistry-inputs.ts; the restart from download_data.yml.
 * GEOS-Chem reads its inputs once more at the period's end instant before
 * it exits: the files only that read needs are items of their own
 * (`readAt: "end"`). See docs/INPUTS-AND-ESTIMATES.md.
 */
import { parse as parseYaml } from 'yaml';
import type { InputPlan, InputPlanItem, InputPlanWarning } from '#schemas/generated/types.js';
import { generateRunDirectory, rundirVariables } from '../rundir/generate.js';
import { historyCollectionsFor, metFieldLabel } from '../spec/rundir-rules.js';
import type { ResolvedSimulationSpec } from '../spec/validate-spec.js';
import {
  DEFAULT_BUCKET,
  RECENT_DATA_BASIS,
  RECENT_DATA_DAYS,
  bucketForKey,
  gridAvailability,
  metArchiveOf,
  metFieldAvailability,
} from './availability.js';
import defaultRestarts from './default-restarts.json' with { type: 'json' };
import { chemistryInputs, chemistrySettings, type ChemistryInput } from './chemistry-inputs.js';
import {
  CHEMISTRY_DIRECTORIES,
  RESTART_BYTES,
  SIZE_MODEL_BASIS,
  chemistryFileBytes,
  inventoryFileBytes,
  metCollectionInfo,
  metCollectionOf,
  metFileBytes,
} from './file-sizes.js';
import { parseHemcoConfig, type HemcoConfig, type HemcoFileRef } from './hemco-config.js';
import { daysOf, instantText, resolveDatedPaths } from './hemco-dates.js';
import { hemcoDomain, hemcoReads, hemcoSpecies, type HemcoReads, type HemcoSkip } from './hemco-reads.js';

/** The data root the generated files are written with; stripped to get bucket keys. */
const DATA_ROOT = '/ExtData';
/** Keys listed per item; keyCount always counts them all. */
export const MAX_LISTED_KEYS = 400;
const DAY_MS = 86_400_000;

export interface PlanInputsOptions {
  /** "Today", for the warning that recent data may not be processed yet. Default: the current time. */
  now?: Date;
}

/** A spec field of the spec as the contract has it now (gchp fields land later; read them narrowly). */
function modelOf(spec: ResolvedSimulationSpec): string {
  return (spec as { model?: string }).model ?? 'gcclassic';
}

/**
 * GCHP reads the met fields on their native lat-lon grid and the same HEMCO
 * inventories; its plan is made from GC Classic's configuration at the met
 * field's native grid.
 */
const NATIVE_MET_GRID: Record<string, ResolvedSimulationSpec['grid']['resolution']> = {
  merra2: '0.5x0.625',
  geosfp: '0.25x0.3125',
  geosit: '0.5x0.625',
  'ModelE2.1': '2x2.5',
};

function classicEquivalent(spec: ResolvedSimulationSpec): ResolvedSimulationSpec {
  const { offered } = historyCollectionsFor(spec.simulation.type);
  return {
    ...spec,
    model: 'gcclassic',
    grid: {
      resolution: NATIVE_MET_GRID[spec.meteorology.field] ?? '0.5x0.625',
      levels: 72,
      nestedDomain: 'global',
    },
    diagnostics: {
      ...spec.diagnostics,
      collections: spec.diagnostics.collections.filter((name) => offered.includes(name)),
    },
  } as ResolvedSimulationSpec;
}

interface Group {
  category: InputPlanItem['category'];
  description: string;
  source: string;
  /** "end": files only the read at the period's end instant needs. */
  readAt: 'run' | 'end';
  /** key -> estimated bytes */
  keys: Map<string, number>;
  names: Set<string>;
  sizeKnown: boolean;
  /** Some file of the group is chosen by date ($YYYY in its name); constant files are not checked against the data's dates. */
  dated: boolean;
  /** First path template of the group, for the bucket and prefix when no key resolves. */
  template: string;
  /** Fields HEMCO reads only for some years with an exact flag, by year range and flag. */
  exactRanges: Map<
    string,
    { from: number; to: number; flag: string; names: Set<string>; years: Set<number> }
  >;
  unavailable: string[];
  notes: string[];
}

/** HEMCO flags whose data is read once, at the first time step (UpdtFlag ONCE: E, EF, EY, EFYO). */
const READ_ONCE_FLAG = /^E(F|Y|FYO)?$/i;

/** The HEMCO species and domain of a run, from its geoschem_config.yml. */
function hemcoContext(geoschemConfig: Record<string, unknown>): Parameters<typeof hemcoReads>[1] {
  const grid = (geoschemConfig['grid'] ?? {}) as {
    resolution?: string;
    longitude?: { range?: [number, number]; center_at_180?: boolean };
    latitude?: { range?: [number, number]; half_size_polar_boxes?: boolean };
  };
  const operations = (geoschemConfig['operations'] ?? {}) as {
    transport?: { transported_species?: unknown };
  };
  const transported = operations.transport?.transported_species;
  return {
    species: hemcoSpecies(Array.isArray(transported) ? transported.map(String) : []),
    domain: hemcoDomain({
      resolution: grid.resolution ?? '4.0x5.0',
      lonRange: grid.longitude?.range ?? [-180, 180],
      latRange: grid.latitude?.range ?? [-90, 90],
      centerAt180: grid.longitude?.center_at_180 ?? true,
      halfPolar: grid.latitude?.half_size_polar_boxes ?? true,
    }),
  };
}

/** The files of the extension options that name a directory of tables HEMCO opens by name. */
function optionDirectoryFiles(
  option: HemcoConfig['optionFiles'][number],
  config: HemcoConfig,
  directory: string,
): string[] | undefined {
  if (option.name === 'LUT source dir') {
    // ParaNOx (hcox_paranox_mod.F90): one table per wind speed, 2 to 18 m/s
    const format =
      config.extensionOptions.get(`${option.extension}/LUT data format`) === 'txt' ? 'txt' : 'nc';
    return [2, 6, 10, 14, 18].map(
      (speed) => `${directory}/ship_plume_lut_${String(speed).padStart(2, '0')}ms.${format}`,
    );
  }
  return undefined;
}

/** One note on the data lines HEMCO does not read, by reason, with examples. */
function skippedNote(skipped: readonly HemcoSkip[]): string | undefined {
  if (skipped.length === 0) return undefined;
  const words: Record<HemcoSkip['reason'], string> = {
    species: 'of species that are not transported (HEMCO species are the transported ones)',
    unused: 'scale factors or masks that no read field applies',
    'outside-domain': 'with a mask outside the model domain',
    overridden: 'replaced by a higher-hierarchy field of the same species, category and extension',
  };
  const parts = (Object.keys(words) as HemcoSkip['reason'][])
    .map((reason) => {
      const lines = skipped.filter((s) => s.reason === reason);
      if (lines.length === 0) return undefined;
      const examples = lines
        .slice(0, 3)
        .map((s) => `${s.container.name}${s.by ? ` by ${s.by}` : ''}`)
        .join(', ');
      return `${lines.length} ${words[reason]} (e.g. ${examples})`;
    })
    .filter((part): part is string => part !== undefined);
  return `HEMCO_Config.rc data lines HEMCO does not read, so not listed: ${parts.join('; ')}`;
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function commonPrefix(keys: readonly string[]): string {
  if (keys.length === 0) return '';
  let prefix = keys[0]!;
  for (const key of keys) {
    while (!key.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix.slice(0, prefix.lastIndexOf('/') + 1);
}

/** The date a met key is for (YYYYMMDD in its name), if any. */
function dateOfKey(key: string): string | undefined {
  const name = key.split('/').pop() ?? '';
  const match = /(?:^|\.)(\d{4})(\d{2})(\d{2})(?:\.|_)/.exec(name);
  return match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
}

function restartEntry(spec: ResolvedSimulationSpec): { remote: string; local: string } & { id: string } {
  const extra = spec.simulation.extraOption;
  const byType: Record<string, string> = {
    Hg: 'mercury',
    POPs: 'pops',
    tagO3: 'tago3',
    TransportTracers: 'transporttracers',
  };
  const id = /^TOMAS(15|40)$/.test(extra)
    ? extra.toLowerCase()
    : (byType[spec.simulation.type] ?? spec.simulation.type);
  const entry = (defaultRestarts.restarts as Record<string, { remote: string; local: string }>)[id];
  if (!entry) throw new Error(`download_data.yml names no default restart for ${spec.simulation.type}`);
  return { ...entry, id };
}

export function planInputs(spec: ResolvedSimulationSpec, options: PlanInputsOptions = {}): InputPlan {
  const now = options.now ?? new Date();
  const gchp = modelOf(spec) === 'gchp';
  const runSpec = gchp ? classicEquivalent(spec) : spec;
  const start = new Date(spec.period.start);
  const end = new Date(spec.period.end);
  const days = daysOf(start, end);
  // GEOS-Chem reads its inputs once more at the end instant; a new day only when the period ends at midnight
  const endDays = end.getTime() % DAY_MS === 0 ? [end] : [];
  const met = spec.meteorology.field;
  const metLabel = metFieldLabel(met);
  const warnings: InputPlanWarning[] = [];
  const warn = (field: string, message: string): void => {
    if (!warnings.some((w) => w.field === field && w.message === message)) warnings.push({ field, message });
  };
  const notes: string[] = [];

  const generated = generateRunDirectory(runSpec, { dataRoot: DATA_ROOT });
  const { vars } = rundirVariables(runSpec, { dataRoot: DATA_ROOT });
  const metConfig = vars.get('RUNDIR_MET_FIELD_CONFIG')!;
  const geoschemConfig = (parseYaml(generated.files['geoschem_config.yml']!) ?? {}) as Record<
    string,
    unknown
  >;
  const config = parseHemcoConfig(
    generated.files['HEMCO_Config.rc']!,
    { [metConfig]: generated.files[metConfig]! },
    {
      MET: vars.get('RUNDIR_MET') ?? '',
      RES: vars.get('RUNDIR_GRID_RES') ?? '',
      NC: vars.get('RUNDIR_MET_EXT') ?? 'nc4',
      CNYR: vars.get('RUNDIR_MET_CN_YR') ?? '',
    },
  );
  const reads: HemcoReads = hemcoReads(config, hemcoContext(geoschemConfig));

  // ---- HEMCO files, grouped: met by file template, the rest by inventory directory ----
  const byTemplate = new Map<string, HemcoFileRef[]>();
  for (const ref of reads.files) {
    if (!ref.path.startsWith(`${DATA_ROOT}/`)) continue; // ./Restarts, ./BoundaryConditions: written by runs
    const template = ref.path.slice(DATA_ROOT.length + 1);
    byTemplate.set(template, [...(byTemplate.get(template) ?? []), ref]);
  }
  const groups = new Map<string, Group>();
  const groupFor = (
    id: string,
    template: string,
    make: () => Pick<Group, 'category' | 'description' | 'source'>,
    readAt: Group['readAt'] = 'run',
  ): Group => {
    const key = readAt === 'end' ? `${id}|end` : id;
    let group = groups.get(key);
    if (!group) {
      group = {
        ...make(),
        readAt,
        template,
        keys: new Map(),
        names: new Set(),
        exactRanges: new Map(),
        unavailable: [],
        notes: [],
        sizeKnown: true,
        dated: false,
      };
      groups.set(key, group);
    }
    return group;
  };

  // Many fields share a file and its time attribute: resolve each combination once
  const resolvedCache = new Map<string, ReturnType<typeof resolveDatedPaths>>();
  const resolveOnce = (
    template: string,
    time: string,
    flag: string,
    readAt: Group['readAt'],
  ): ReturnType<typeof resolveDatedPaths> => {
    const id = `${template}|${time}|${flag}|${readAt}`;
    let resolved = resolvedCache.get(id);
    if (!resolved) {
      resolved = resolveDatedPaths(template, time, flag, readAt === 'end' ? endDays : days);
      resolvedCache.set(id, resolved);
    }
    return resolved;
  };
  const addRefs = (group: Group, template: string, refs: readonly HemcoFileRef[], isMet: boolean): void => {
    if (template.includes('$YYYY')) group.dated = true;
    const paths = new Set<string>();
    for (const ref of refs) {
      group.names.add(ref.name);
      const resolved = resolveOnce(template, ref.time, ref.flag, group.readAt);
      resolved.paths.forEach((path) => paths.add(path));
      if (resolved.missingYears.length > 0 && resolved.yearRange) {
        const [from, to] = resolved.yearRange;
        const id = `${from}-${to} ${ref.flag}`;
        const range = group.exactRanges.get(id) ?? {
          from,
          to,
          flag: ref.flag,
          names: new Set(),
          years: new Set(),
        };
        range.names.add(ref.name);
        resolved.missingYears.forEach((year) => range.years.add(year));
        group.exactRanges.set(id, range);
      }
    }
    // every file of a template has the same variables, grid and slices: size it once
    const first = paths.values().next().value as string | undefined;
    const bytes =
      first === undefined ? 0 : isMet ? metFileBytes(first, refs) : inventoryFileBytes(template, refs);
    if (bytes === undefined) group.sizeKnown = false;
    for (const path of paths) group.keys.set(path, bytes ?? 0);
  };
  for (const [template, refs] of byTemplate) {
    const isMet = refs[0]!.file === metConfig && template.startsWith('GEOS_');
    const segments = template.split('/');
    const directory = segments.slice(0, Math.min(3, segments.length - 1)).join('/');
    const make = isMet
      ? () => {
          const collection = metCollectionOf(segments.at(-1)!) ?? 'met';
          const info = metCollectionInfo(collection);
          return {
            category: 'met' as const,
            description: `${metLabel} ${collection} met fields${info ? ` (${info.basis})` : ''}`,
            source: metConfig,
          };
        }
      : () => ({
          category: template.startsWith('CHEM_INPUTS/')
            ? ('chemistry' as const)
            : refs[0]!.file === metConfig
              ? ('met' as const)
              : refs[0]!.section === 'non-emissions'
                ? ('other' as const)
                : ('emissions' as const),
          description: directory.replace(/^HEMCO\//, ''),
          source: refs[0]!.file,
        });
    const id = isMet ? `met:${template}` : `dir:${directory}`;
    const group = groupFor(id, template, make);
    if (template.includes('SAMPLE_BCs/')) {
      group.notes.push(
        "sample boundary conditions from GEOS-Chem's own global runs: they exist only for the periods those runs simulated",
      );
      warn(
        'grid.nestedDomain',
        `a nested run reads boundary conditions from ${template.split('/').slice(0, 4).join('/')}/, sample files written by ` +
          "GEOS-Chem's own global runs that cover only their periods; for other periods write boundary conditions with a global run first (HISTORY.rc BoundaryConditions)",
      );
    }
    addRefs(group, template, refs, isMet);
    // the read at the end instant: every field HEMCO updates (not those read once), for the end's date
    const again = refs.filter((ref) => !READ_ONCE_FLAG.test(ref.flag));
    if (endDays.length > 0 && again.length > 0)
      addRefs(groupFor(id, template, make, 'end'), template, again, isMet);
  }
  // an end-instant group keeps only the files the run has not read already
  const runKeys = new Set(
    [...groups.values()].filter((g) => g.readAt === 'run').flatMap((g) => [...g.keys.keys()]),
  );
  for (const [key, group] of groups) {
    if (group.readAt !== 'end') continue;
    for (const path of [...group.keys.keys()]) if (runKeys.has(path)) group.keys.delete(path);
    if (group.keys.size === 0 && group.exactRanges.size === 0) groups.delete(key);
  }

  for (const group of groups.values()) {
    for (const range of group.exactRanges.values()) {
      const names = [...range.names];
      const years = [...range.years].sort((a, b) => a - b);
      const message =
        `HEMCO_Config.rc reads ${group.template.split('/').slice(0, 3).join('/')} (${names.length} field(s), e.g. ${names[0]}) ` +
        `only for ${range.from}-${range.to} with the exact time flag ${range.flag}: GEOS-Chem stops when the period ` +
        `${group.readAt === 'end' ? `end instant (${instantText(end)}) leaves` : 'leaves'} those years (no data for ${years.join(', ')})`;
      group.unavailable.push(message);
      warn(years[0]! < range.from ? 'period.start' : 'period.end', message);
    }
  }

  // Extension options that name files (Volcano tables, ParaNOx look-up tables, lightning CDF); extensions run during the period only
  for (const option of config.optionFiles) {
    if (!option.path.startsWith(`${DATA_ROOT}/`)) continue;
    const template = option.path.slice(DATA_ROOT.length + 1);
    const segments = template.split('/');
    const directory = segments.slice(0, Math.min(3, segments.length - 1)).join('/');
    const group = groupFor(`dir:${directory}`, template, () => ({
      category: 'emissions',
      description: directory.replace(/^HEMCO\//, ''),
      source: 'HEMCO_Config.rc extension options',
    }));
    group.names.add(option.name);
    if (!/\.[A-Za-z0-9]+$/.test(template)) {
      const tables = optionDirectoryFiles(option, config, template.replace(/\/+$/, ''));
      if (tables) {
        for (const key of tables) group.keys.set(key, chemistryFileBytes(key).bytes);
        continue;
      }
      // a directory of look-up tables HEMCO reads by names this planner does not know: listed as a prefix
      group.keys.set(`${template.replace(/\/?$/, '/')}`, CHEMISTRY_DIRECTORIES.default!.bytes);
      group.notes.push(
        `${option.name} names the directory ${template}/ (all of it is read; size a coarse guess)`,
      );
      continue;
    }
    for (const path of resolveDatedPaths(template, '*/1-12/1-31/*', 'C', days).paths)
      group.keys.set(path, 100_000);
  }
  // ---- met-field availability (data-availability.json) ----
  const metAvailability = metFieldAvailability(met);
  for (const group of groups.values()) {
    if (group.category !== 'met' || !group.dated) continue;
    const archive = metArchiveOf(group.template);
    if (metAvailability?.publicBucket === false) {
      group.unavailable.push(
        `${metLabel} meteorology is not in the public buckets: ${metAvailability.basis}`,
      );
      warn(
        'meteorology.field',
        `${metLabel} meteorology is not in the public S3 buckets: ${metAvailability.basis}`,
      );
      continue;
    }
    if (!archive) continue;
    const grid = gridAvailability(archive.met, archive.resolution);
    if (grid?.offered === false) {
      group.unavailable.push(`no ${metLabel} archive at ${archive.resolution}: ${grid.basis}`);
      warn(
        'grid.resolution',
        `the buckets hold no ${metLabel} meteorology at ${archive.resolution}: ${grid.basis}`,
      );
      continue;
    }
    const fieldFirst = metFieldAvailability(archive.met)?.firstDate;
    const first = [fieldFirst, grid?.firstDate].filter(Boolean).sort().at(-1);
    const last = grid?.lastDate;
    const outside = [...group.keys.keys()].map(dateOfKey).filter((date): date is string => {
      return (
        date !== undefined && ((first !== undefined && date < first) || (last !== undefined && date > last))
      );
    });
    if (outside.length > 0) {
      const basis =
        grid?.firstDate || grid?.lastDate ? grid.basis : (metFieldAvailability(archive.met)?.basis ?? '');
      const range = `${first ?? 'the start'} to ${last ?? 'the latest processed month'}`;
      const message =
        `${metLabel} at ${archive.resolution} is available from ${range}, but the period runs ` +
        `${isoDay(start)} to ${isoDay(new Date(end.getTime() - 1))} (${basis})`;
      group.unavailable.push(`${outside.length} file(s) of this run fall outside: ${message}`);
      warn(
        outside.some((date) => first !== undefined && date < first) ? 'period.start' : 'period.end',
        message,
      );
    }
  }
  if (end.getTime() > now.getTime() - RECENT_DATA_DAYS * DAY_MS && metAvailability?.publicBucket !== false) {
    warn(
      'period.end',
      `the period ends within ${RECENT_DATA_DAYS} days of today (${isoDay(now)}): the processed ${metLabel} ` +
        `files for the last weeks may not be in the bucket yet (${RECENT_DATA_BASIS})`,
    );
  }

  const items: InputPlanItem[] = [];
  const endText = instantText(end);
  const pushGroup = (group: Group): void => {
    const keys = [...group.keys.keys()].sort();
    const bucket = bucketForKey(keys[0] ?? group.template);
    const bytes = [...group.keys.values()].reduce((sum, value) => sum + value, 0);
    const names = [...group.names];
    const atEnd = group.readAt === 'end' ? [`read only at the end instant (${endText})`] : [];
    const item: InputPlanItem = {
      category: group.category,
      description:
        (group.category === 'met'
          ? group.description
          : `${group.description} (${names.length} field${names.length === 1 ? '' : 's'}: ${names.slice(0, 4).join(', ')}${names.length > 4 ? ', ...' : ''})`) +
        (group.readAt === 'end' ? `, end instant ${endText}` : ''),
      bucket,
      ...(keys.length === 1
        ? { s3Uri: `${bucket}/${keys[0]}` }
        : {
            prefix: `${bucket}/${commonPrefix(keys.length > 0 ? keys : [group.template.replace(/\$.*$/, '')])}`,
          }),
      keys: keys.slice(0, MAX_LISTED_KEYS),
      ...(keys.length > MAX_LISTED_KEYS ? { keysTruncated: true } : {}),
      keyCount: keys.length,
      estimatedBytes: bytes,
      sizeBasis: group.sizeKnown
        ? 'computed from the variables HEMCO reads (see notes)'
        : 'partly unknown (no grid or collection recognised)',
      source: group.source,
      readAt: group.readAt,
      available: group.unavailable.length === 0,
      ...(group.unavailable.length > 0
        ? { reason: [...atEnd, ...group.unavailable].join('; ') }
        : group.notes.length > 0 || atEnd.length > 0
          ? { reason: [...atEnd, ...group.notes].join('; ') }
          : {}),
    };
    items.push(item);
  };
  const order: InputPlanItem['category'][] = ['met', 'emissions', 'chemistry', 'other'];
  for (const category of order) {
    [...groups.values()]
      .filter((group) => group.category === category && group.readAt === 'run')
      .forEach(pushGroup);
  }

  // ---- inputs GEOS-Chem's code opens by name (chemistry-inputs.ts) ----
  const chemistry = chemistryInputs(
    chemistrySettings(geoschemConfig, runSpec.simulation.extraOption, DATA_ROOT),
  );
  const byReader = new Map<string, ChemistryInput[]>();
  for (const input of chemistry) byReader.set(input.reader, [...(byReader.get(input.reader) ?? []), input]);
  for (const [reader, inputs] of byReader) {
    const keys = [...new Set(inputs.map((input) => input.key))].sort();
    const directory = keys[0]!.split('/').slice(0, 2).join('/');
    if (keys.length === 1 && keys[0]!.endsWith('/')) {
      // a directory its code reads selectively: staged whole
      const size = CHEMISTRY_DIRECTORIES.default!;
      items.push({
        category: 'chemistry',
        description: `${directory.replace(/^CHEM_INPUTS\//, '')} tables (${reader})`,
        bucket: DEFAULT_BUCKET,
        prefix: `${DEFAULT_BUCKET}/${keys[0]}`,
        keyCount: 0,
        estimatedBytes: size.bytes,
        sizeBasis: size.basis,
        source: `GEOS-Chem 14.7.0 ${reader}`,
        readAt: 'run',
        available: true,
        reason: `${inputs[0]!.rule}; keyCount is 0: the directory is listed, not its files`,
      });
      continue;
    }
    const size = chemistryFileBytes(keys[0]!);
    items.push({
      category: 'chemistry',
      description: `${directory.replace(/^CHEM_INPUTS\//, '')} (${reader})`,
      bucket: DEFAULT_BUCKET,
      ...(keys.length === 1
        ? { s3Uri: `${DEFAULT_BUCKET}/${keys[0]}` }
        : { prefix: `${DEFAULT_BUCKET}/${commonPrefix(keys)}` }),
      keys,
      keyCount: keys.length,
      estimatedBytes: keys.length * size.bytes,
      sizeBasis: size.basis,
      source: `GEOS-Chem 14.7.0 ${reader}`,
      readAt: 'run',
      available: true,
      reason: inputs[0]!.rule,
    });
  }

  // ---- restart ----
  const restart = restartEntry(spec);
  const restartKey = `${defaultRestarts.root}/${restart.remote}`;
  const restartBytes = Number(
    /^tomas/.test(restart.id)
      ? RESTART_BYTES.TOMAS
      : (RESTART_BYTES[spec.simulation.type] ?? RESTART_BYTES.default),
  );
  const restartDate = /(\d{8})_\d{4}z/.exec(restart.local)?.[1];
  const startDay = isoDay(start).replace(/-/g, '');
  const startTime = start.toISOString().slice(11, 16).replace(':', '');
  items.push({
    category: 'restart',
    description: `default ${spec.simulation.type} restart (initial conditions) for ${restartDate ?? 'its date'}`,
    bucket: DEFAULT_BUCKET,
    s3Uri: `${DEFAULT_BUCKET}/${restartKey}`,
    keys: [restartKey],
    keyCount: 1,
    estimatedBytes: restartBytes,
    sizeBasis: String(RESTART_BYTES.basis),
    source: `download_data.yml restarts.${restart.id}`,
    readAt: 'run',
    // GC_RESTART is read from ./Restarts/GEOSChem.Restart.$YYYY$MM$DD_$HH$MNz.nc4 at the start instant, not
    // from the data root; GCHP names its cubed-sphere restart differently (not planned here yet).
    ...(gchp ? {} : { runDirectoryPath: `Restarts/GEOSChem.Restart.${startDay}_${startTime}z.nc4` }),
    available: true,
    ...(restartDate && restartDate !== startDay
      ? {
          reason:
            `the default restart is for ${restartDate}, the run starts on ${startDay}: it is used as the initial ` +
            `state under the start date's name (spin up before science use)`,
        }
      : {}),
  });

  // ---- the read at the end instant: last, as the model reads them ----
  const endGroups = [...groups.values()].filter((group) => group.readAt === 'end');
  for (const category of order) endGroups.filter((group) => group.category === category).forEach(pushGroup);

  if (spec.simulation.type === 'POPs' && spec.simulation.extraOption !== 'BaP') {
    notes.push(
      `download_data.yml has one POPs restart (POPs_BaP); a ${spec.simulation.extraOption} run starts from it`,
    );
  }

  if (runSpec.grid.nestedDomain !== 'global') {
    notes.push(
      `GEOS-Chem 14 nested runs read the global ${runSpec.grid.resolution} met files and cut the domain out, so the whole global files are staged`,
    );
  }

  if (gchp) {
    notes.push(
      `GCHP: planned from GC Classic's HEMCO configuration at the met field's native grid (${runSpec.grid.resolution}); GCHP reads the same met archive and inventories through ExtData.rc and regrids online, so keys may differ in detail`,
    );
  }
  if (endDays.length > 0) {
    const endKeys = endGroups.reduce((sum, group) => sum + group.keys.size, 0);
    notes.push(
      `GEOS-Chem reads its inputs once more at the end instant (${endText}) before it exits: ${endKeys} file(s) ` +
        'only that read needs are items of their own (readAt "end"); HEMCO extensions (e.g. volcano tables) do not run then',
    );
  }
  const skipped = skippedNote(reads.skipped);
  if (skipped) notes.push(skipped);
  notes.push(
    `keys resolved from the generated HEMCO_Config.rc and ${metConfig} over ${days.length} day(s), ${isoDay(days[0]!)} to ${isoDay(days.at(-1)!)}, and the end instant; met *_NEXTDAY fields read the day after`,
    `estimated sizes: ${SIZE_MODEL_BASIS}`,
    'the run reads its initial state as ./Restarts/GEOSChem.Restart.<start>_0000z.nc4 (the restart item); other files under ./Restarts are written by the run itself and not listed',
  );

  const totalBytes = items.reduce((sum, item) => sum + item.estimatedBytes, 0);
  return {
    buckets: [...new Set(items.map((item) => item.bucket))].sort(),
    period: { start: spec.period.start, end: spec.period.end, days: days.length },
    items,
    itemCount: items.length,
    totalBytes,
    unavailableCount: items.filter((item) => !item.available).length,
    warnings,
    notes,
  };
}
