/**
 * GEOS-Chem Classic's run-directory option rules, as createRunDir.sh applies
 * them, read from shared/science/geoschem/rundir-options.json (a transcription of the
 * 14.7.0 script) and shared/science/geoschem/history-collections.json (the HISTORY.rc
 * templates). Small lookups, shared by spec validation and the run-directory
 * generator. Where the transcription records the script's behaviour in prose
 * (which grids ask for a domain, which menu entries the selection logic
 * rejects), the rule is written here in code next to that prose.
 */
import rundirOptions from '../geoschem/rundir-options.json' with { type: 'json' };
import historyCollections from '../geoschem/history-collections.json' with { type: 'json' };
import gchpHistoryCollections from '../geoschem/gchp-history-collections.json' with { type: 'json' };
import type {
  DiagnosticFrequency,
  Gcap2RunId,
  Gcap2Scenario,
  GeosChemModel,
  GeosChemVersion,
  GridResolution,
  MetField,
  NestedDomain,
  SimulationType,
  VerticalLevels,
} from '#schemas/generated/types.js';

const GC = rundirOptions.gcclassic_14_7_0;

/** createRunDir.sh's short grid name (RUNDIR_GRID_RES), e.g. "2x25" for 2x2.5. */
export type ResolutionCode = '4x5' | '2x25' | '05x0625' | '025x03125' | '0125x015625';

export interface ResolutionSettings {
  /** Short name used in file and run-directory names, e.g. "2x25". */
  RUNDIR_GRID_RES: ResolutionCode;
  /** e.g. "2.0x2.5". */
  RUNDIR_GRID_RES_LONG: string;
  /** Folder name under the input data root, e.g. "2x2.5"; equal to the spec's resolution. */
  RUNDIR_GRID_DIR: string;
}

const RESOLUTION_SETTINGS = GC.resolution_settings_files as Record<ResolutionCode, ResolutionSettings>;

const CODE_BY_RESOLUTION = new Map<GridResolution, ResolutionCode>(
  (Object.entries(RESOLUTION_SETTINGS) as [ResolutionCode, ResolutionSettings][]).map(([code, settings]) => [
    settings.RUNDIR_GRID_DIR as GridResolution,
    code,
  ]),
);
const RESOLUTION_BY_CODE = new Map<ResolutionCode, GridResolution>(
  [...CODE_BY_RESOLUTION].map(([resolution, code]) => [code, resolution]),
);

/** Every resolution createRunDir.sh knows, coarsest first. */
export const ALL_RESOLUTIONS: readonly GridResolution[] = [...CODE_BY_RESOLUTION.keys()];

export function resolutionCode(resolution: GridResolution): ResolutionCode {
  const code = CODE_BY_RESOLUTION.get(resolution);
  if (!code) throw new Error(`unknown resolution ${resolution}`);
  return code;
}

/** The spec resolution for createRunDir.sh's short name ("2x25" -> "2x2.5"), or undefined. */
export function resolutionFromCode(code: string): GridResolution | undefined {
  return RESOLUTION_BY_CODE.get(code as ResolutionCode);
}

export function resolutionSettings(resolution: GridResolution): ResolutionSettings {
  return RESOLUTION_SETTINGS[resolutionCode(resolution)];
}

/** Grid spacing in degrees, from RUNDIR_GRID_RES_LONG ("2.0x2.5" -> lat 2, lon 2.5). */
export function gridStep(resolution: GridResolution): { lat: number; lon: number } {
  const [lat, lon] = resolutionSettings(resolution).RUNDIR_GRID_RES_LONG.split('x').map(Number);
  return { lat: lat!, lon: lon! };
}

// ---- met fields ----------------------------------------------------------------

export interface MetFieldInfo {
  met: MetField;
  /** As people say it: "MERRA-2", "GEOS-FP", "GEOS-IT", "GISS ModelE2.1 (GCAP 2.0)". */
  label: string;
  /** RUNDIR_MET, e.g. "MERRA2". */
  RUNDIR_MET: string;
  /** The settings file createRunDir.sh sources (path in geoschem/geos-chem), with the transcriber's note if any. */
  settings: string;
  /** What createRunDir.sh makes you acknowledge before it continues, if anything. */
  requiresAck?: string;
}

const MET_INFO = new Map<MetField, MetFieldInfo>(
  GC.met_menu.map((entry) => {
    const raw = entry as {
      met: string;
      label: string;
      RUNDIR_MET: string;
      settings: string;
      requires_ack?: string;
    };
    return [
      raw.met as MetField,
      {
        met: raw.met as MetField,
        label: raw.label.replace(/\s*\(Recommended\)\s*$/, ''),
        RUNDIR_MET: raw.RUNDIR_MET,
        settings: raw.settings,
        ...(raw.requires_ack ? { requiresAck: raw.requires_ack } : {}),
      },
    ];
  }),
);

export const ALL_MET_FIELDS: readonly MetField[] = [...MET_INFO.keys()];

export function metFieldInfo(met: MetField): MetFieldInfo {
  const info = MET_INFO.get(met);
  if (!info) throw new Error(`unknown met field ${met}`);
  return info;
}

export function metFieldLabel(met: MetField): string {
  return metFieldInfo(met).label;
}

/**
 * Why createRunDir.sh of this GEOS-Chem version cannot make a working run
 * directory with this met field, or undefined when it can. In 14.7.0 the
 * GEOS-IT branch sources a settings file that is not in the release.
 */
export function metFieldUnavailableReason(met: MetField, version: GeosChemVersion): string | undefined {
  const settings = metFieldInfo(met).settings;
  if (version === '14.7.0' && /not present/i.test(settings)) {
    const file = settings.split(/\s+/)[0];
    return (
      `GEOS-Chem Classic ${version} cannot run with ${metFieldLabel(met)} meteorology: its createRunDir.sh ` +
      `reads the settings file ${file}, which is missing from the ${version} release; ` +
      `use MERRA-2 or GEOS-FP`
    );
  }
  return undefined;
}

/**
 * A change in the met field that createRunDir.sh makes you acknowledge, if
 * any: for GEOS-FP { date: "2020-06-01", note: "RAS->Grell-Freitas convection change" }.
 */
export function metFieldChange(met: MetField): { date: string; note: string } | undefined {
  const ack = metFieldInfo(met).requiresAck;
  const date = ack?.match(/\d{4}-\d{2}-\d{2}/)?.[0];
  if (!ack || !date) return undefined;
  const note = ack
    .replace(/;.*$/, '')
    .replace(` on ${date}`, '')
    .replace(/\s+warning\s*$/, '')
    .trim();
  return { date, note };
}

// ---- horizontal grids ------------------------------------------------------------

/**
 * Menu entries that the script lists but its selection logic refuses. The
 * transcription notes for ModelE2.1: "menu lists 0.25x0.3125 but the selection
 * logic only accepts 4 when met==geosfp, so it is rejected".
 */
const REJECTED_BY_SELECTION_LOGIC: Partial<Record<MetField, readonly ResolutionCode[]>> = {
  'ModelE2.1': ['025x03125'],
};

const RESOLUTION_MENU = GC.horizontal_resolution_menu as Record<MetField, string[][]>;

/** The resolutions createRunDir.sh accepts with this met field, coarsest first. */
export function resolutionsFor(met: MetField): GridResolution[] {
  const rejected = REJECTED_BY_SELECTION_LOGIC[met] ?? [];
  return (RESOLUTION_MENU[met] ?? [])
    .map((entry) => entry[1] as ResolutionCode)
    .filter((code) => !rejected.includes(code))
    .map((code) => RESOLUTION_BY_CODE.get(code)!)
    .filter(Boolean);
}

/** True when createRunDir.sh lists the resolution for this met field but refuses it. */
export function isListedButRejected(met: MetField, resolution: GridResolution): boolean {
  return (REJECTED_BY_SELECTION_LOGIC[met] ?? []).includes(resolutionCode(resolution));
}

/** The met fields with which createRunDir.sh accepts this resolution. */
export function metFieldsOffering(resolution: GridResolution): MetField[] {
  return ALL_MET_FIELDS.filter((met) => resolutionsFor(met).includes(resolution));
}

// ---- domains ------------------------------------------------------------------------

export type RegionCode = Exclude<NestedDomain, 'global' | 'custom'>;

const REGION_NAMES: Record<RegionCode, string> = {
  AS: 'Asia',
  EU: 'Europe',
  NA: 'North America',
  SA: 'South America',
  AF: 'Africa',
  ME: 'Middle East',
  OC: 'Oceania',
  RU: 'Russia',
};

export interface DomainInfo {
  code: RegionCode;
  name: string;
  /** [west, east] in degrees east, as createRunDir.sh writes lon_range. */
  lonRange: [number, number];
  /** [south, north] in degrees north, as createRunDir.sh writes lat_range. */
  latRange: [number, number];
}

function parseRange(text: string): [number, number] {
  const [a, b] = text
    .replace(/[[\]\s]/g, '')
    .split(',')
    .map(Number);
  return [a!, b!];
}

/** Domain menu choices as { resolution code -> domains }, parsed from domain_menu.choices. */
const DOMAINS_BY_CODE: Map<ResolutionCode, DomainInfo[]> = (() => {
  const byCode = new Map<ResolutionCode, DomainInfo[]>();
  const add = (codes: string, code: RegionCode, lon: string, lat: string): void => {
    for (const resCode of codes.split('|') as ResolutionCode[]) {
      const list = byCode.get(resCode) ?? [];
      list.push({
        code,
        name: REGION_NAMES[code] ?? code,
        lonRange: parseRange(lon),
        latRange: parseRange(lat),
      });
      byCode.set(resCode, list);
    }
  };
  const choices = GC.domain_menu.choices as Record<string, Record<string, unknown>>;
  for (const key of Object.keys(choices).sort((a, b) => Number(a) - Number(b))) {
    const choice = choices[key]!;
    const code = choice.code as RegionCode | undefined;
    if (!code) continue; // "Global"
    if (typeof choice.only === 'string') {
      add(choice.only, code, String(choice.lon), String(choice.lat));
      continue;
    }
    for (const [resKey, value] of Object.entries(choice)) {
      if (resKey === 'code' || typeof value !== 'object' || value === null) continue;
      const range = value as { lon: string; lat: string };
      add(resKey, code, range.lon, range.lat);
    }
  }
  return byCode;
})();

/**
 * Whether createRunDir.sh asks for a domain (global or a nested region). The
 * transcription's rule: "(met != geosit AND grid in {05x0625, 025x03125}) OR
 * grid == 0125x015625". Where it does not ask, the run is global.
 */
export function isDomainAsked(met: MetField, resolution: GridResolution): boolean {
  const code = resolutionCode(resolution);
  return (met !== 'geosit' && (code === '05x0625' || code === '025x03125')) || code === '0125x015625';
}

/** createRunDir.sh's nested regions at this resolution (empty for 4x5 and 2x2.5). */
export function nestedDomainsFor(resolution: GridResolution): DomainInfo[] {
  return (DOMAINS_BY_CODE.get(resolutionCode(resolution)) ?? []).map((domain) => ({
    ...domain,
    lonRange: [...domain.lonRange],
    latRange: [...domain.latRange],
  }));
}

export function nestedDomain(resolution: GridResolution, code: string): DomainInfo | undefined {
  return nestedDomainsFor(resolution).find((domain) => domain.code === code);
}

/** Resolutions at which a region exists. */
export function resolutionsWithDomain(code: RegionCode): GridResolution[] {
  return ALL_RESOLUTIONS.filter((resolution) => nestedDomain(resolution, code) !== undefined);
}

export const GLOBAL_DOMAIN = {
  lonRange: parseRange(GC.domain_menu.choices['1'].lon),
  latRange: parseRange(GC.domain_menu.choices['1'].lat),
  halfPolar: GC.domain_menu.choices['1'].half_polar,
} as const;

/** RUNDIR_GRID_NESTED_SIM, RUNDIR_GRID_BUFFER_ZONE, RUNDIR_USE_BCs for a nested or a global run. */
export function domainSettings(nested: boolean): Record<string, string> {
  return { ...(nested ? GC.domain_menu.nested_settings : GC.domain_menu.global_settings) };
}

/** Buffer-zone width in grid cells on each side of a nested domain ("[3, 3, 3, 3]" -> 3). */
export const NESTED_BUFFER_CELLS = Math.max(
  ...parseRange(GC.domain_menu.nested_settings.RUNDIR_GRID_BUFFER_ZONE),
);

// ---- vertical levels ------------------------------------------------------------

const LEVELS_BY_MET = new Map<MetField, VerticalLevels[]>();
for (const [key, entries] of Object.entries(GC.levels_menu)) {
  if (/\(/.test(key)) continue; // "ModelE2.2 (code path present, not selectable from met menu)"
  for (const met of key.split('|') as MetField[]) {
    LEVELS_BY_MET.set(
      met,
      (entries as [string, number, string][]).map((entry) => entry[1] as VerticalLevels),
    );
  }
}

/** Vertical levels createRunDir.sh offers with this met field; the first is the native one. */
export function levelsFor(met: MetField): VerticalLevels[] {
  return [...(LEVELS_BY_MET.get(met) ?? [])];
}

export function defaultLevels(met: MetField): VerticalLevels {
  const levels = levelsFor(met);
  if (levels.length === 0) throw new Error(`no levels for met field ${met}`);
  return levels[0]!;
}

// ---- simulations ---------------------------------------------------------------

export const ALL_SIMULATION_TYPES: readonly SimulationType[] = GC.simulation_menu.map(
  (entry) => entry.sim_name as SimulationType,
);

/** createRunDir.sh's extra options for a simulation type (POPs has no "none"). */
export function extraOptionsFor(type: SimulationType): string[] {
  return [...((GC.sim_extra_option as Record<string, string[]>)[type] ?? [])];
}

/** The default extra option: "none" where offered, else undefined (POPs must pick one). */
export function defaultExtraOption(type: SimulationType): string | undefined {
  return extraOptionsFor(type).includes('none') ? 'none' : undefined;
}

export interface HistoryCollections {
  /** Every collection the simulation's HISTORY.rc template defines. */
  offered: string[];
  /** The collections switched on in the template as shipped. */
  enabledByDefault: string[];
}

/**
 * The restart "collection": a HISTORY.rc collection in GC Classic; in GCHP the
 * MAPL checkpoint configured in GCHP.rc, offered under the same name so that a
 * spec asks for the end-of-run restart file the same way for both models.
 */
export const RESTART_COLLECTION = 'Restart';

/** HISTORY.rc collections of a simulation type (from the 14.7.0 templates of the model). */
export function historyCollectionsFor(
  type: SimulationType,
  model: GeosChemModel = 'gcclassic',
): HistoryCollections {
  const source = model === 'gchp' ? gchpHistoryCollections : historyCollections;
  const entry = (source.simulations as Record<string, HistoryCollections>)[type];
  if (!entry) throw new Error(`no ${model} HISTORY.rc collections recorded for ${type}`);
  const offered = [...entry.offered];
  if (model === 'gchp') offered.push(RESTART_COLLECTION);
  return { offered, enabledByDefault: [...entry.enabledByDefault] };
}

/** HISTORY.rc frequency/duration for a spec frequency ("daily" -> "00000001 000000"). */
export function historyFrequency(frequency: DiagnosticFrequency): string {
  switch (frequency) {
    case 'hourly':
      return '00000000 010000';
    case '3-hourly':
      return '00000000 030000';
    case 'daily':
      return '00000001 000000';
    case 'monthly':
      return GC.history_defaults.RUNDIR_HIST_TIME_AVG_FREQ; // "00000100 000000"
    case 'end':
      return 'End';
  }
}

/** Length of one diagnostics interval in hours, or undefined for "monthly" and "end". */
export function frequencyHours(frequency: DiagnosticFrequency): number | undefined {
  return { hourly: 1, '3-hourly': 3, daily: 24, monthly: undefined, end: undefined }[frequency];
}

/** Transport and chemistry timesteps in seconds createRunDir.sh writes for this grid. */
export function timestepsFor(
  resolution: GridResolution,
  extraOption = 'none',
): { transport: number; chemistry: number } {
  const code = resolutionCode(resolution);
  const steps = GC.timesteps_s as Record<string, { transport: number; chemistry: number }>;
  if (code === '4x5' || code === '2x25') {
    return { ...steps[/^TOMAS/.test(extraOption) ? '4x5|2x25 (TOMAS)' : '4x5|2x25 (other)']! };
  }
  const key = Object.keys(steps).find((k) => k.split(/[|\s]/).includes(code));
  if (!key) throw new Error(`no timesteps for ${resolution}`);
  return { ...steps[key]! };
}

// ---- GCAP 2.0 -----------------------------------------------------------------------

export interface Gcap2Run {
  scenario: Gcap2Scenario;
  runId: Gcap2RunId;
  /** Inclusive year ranges with meteorology, e.g. [[2040, 2049], [2090, 2099]]. */
  years: [number, number][];
}

const GCAP2_RUNS: Gcap2Run[] = GC.gcap2_scenarios.map((entry) => ({
  scenario: entry.scenario as Gcap2Scenario,
  runId: entry.runid as Gcap2RunId,
  years: entry.years.split(';').map((range) => {
    const [from, to] = range.trim().split('-').map(Number);
    return [from!, to ?? from!] as [number, number];
  }),
}));

/** All GCAP 2.0 runs, in createRunDir.sh's menu order. */
export function gcap2Runs(): Gcap2Run[] {
  return GCAP2_RUNS.map((run) => ({
    ...run,
    years: run.years.map((range) => [...range] as [number, number]),
  }));
}

export function gcap2RunsFor(scenario: Gcap2Scenario): Gcap2Run[] {
  return gcap2Runs().filter((run) => run.scenario === scenario);
}

export function gcap2Run(runId: string): Gcap2Run | undefined {
  return gcap2Runs().find((run) => run.runId === runId);
}

/** The scenario's first run in the menu (HIST: the free-running E213f10aF40oQ40). */
export function defaultGcap2RunId(scenario: Gcap2Scenario): Gcap2RunId {
  const run = gcap2RunsFor(scenario)[0];
  if (!run) throw new Error(`no GCAP 2.0 run for scenario ${scenario}`);
  return run.runId;
}

/** "1851-1860 and 2001-2014". */
export function describeYears(years: [number, number][]): string {
  return years.map(([from, to]) => (from === to ? `${from}` : `${from}-${to}`)).join(' and ');
}

/** True when [start, end) lies inside one year range of the run (end may be 1 January after the last year). */
export function gcap2Covers(run: Gcap2Run, start: Date, end: Date): boolean {
  return run.years.some(
    ([from, to]) => start.getTime() >= Date.UTC(from, 0, 1) && end.getTime() <= Date.UTC(to + 1, 0, 1),
  );
}

// ---- naming -------------------------------------------------------------------------

/**
 * createRunDir.sh's default run-directory name:
 * gc_{grid_res}[_{nest}][_47L]_{met}_{sim_name}[_{sim_extra_option}],
 * e.g. gc_4x5_merra2_fullchem, gc_05x0625_NA_47L_geosfp_fullchem_benchmark.
 */
export function defaultRunDirName(options: {
  resolution: GridResolution;
  nestedDomain?: NestedDomain;
  levels: VerticalLevels;
  met: MetField;
  simulation: SimulationType;
  extraOption?: string;
}): string {
  const parts = ['gc', resolutionCode(options.resolution)];
  if (options.nestedDomain && options.nestedDomain !== 'global') parts.push(options.nestedDomain);
  if (options.levels === 47) parts.push('47L');
  parts.push(options.met, options.simulation);
  if (options.extraOption && options.extraOption !== 'none') parts.push(options.extraOption);
  return parts.join('_');
}

// ---- dust tuning and what the platform does not prepare --------------------------------

type TuningTable = Partial<Record<MetField, Partial<Record<ResolutionCode, string>>>>;

/**
 * RUNDIR_DUSTL23M_TF: createRunDir.sh 14.7.0's DustL23M mass tuning factors
 * (fullchem without TOMAS, and aerosol), by met field and grid. Combinations
 * missing here get no value from the script (the placeholder stays unfilled).
 */
export const DUSTL23M_TUNING: TuningTable = {
  geosfp: { '4x5': '8.830E-03', '2x25': '4.862E-03', '025x03125': '2.832E-03' },
  geosit: { '4x5': '6.639E-03', '2x25': '3.662E-03', '05x0625': '2.411E-03' },
  merra2: { '4x5': '1.047E-02', '2x25': '5.750E-03', '05x0625': '3.758E-03' },
};

/** RUNDIR_DUSTDEAD_TF of TOMAS runs (HEMCO's TOMAS_DustDead), by met field and grid; elsewhere '-999.0e0'. */
export const TOMAS_DUSTDEAD_TUNING: TuningTable = {
  geosfp: { '4x5': '4.8632e-5', '2x25': '3.8197e-5' },
  geosit: { '4x5': '3.8656e-5', '2x25': '3.1132e-5' },
  merra2: { '4x5': '5.6659e-5', '2x25': '4.5412e-5' },
};

/** RUNDIR_DUSTDEAD_TF of GCAP 2.0 runs: the nudged historical run, and every other run. */
export const GCAP2_DUSTDEAD_TUNING: Record<'nudged' | 'free', Partial<Record<ResolutionCode, string>>> = {
  nudged: { '4x5': '0.00474046', '2x25': '0.00243979', '05x0625': '0.00276896', '025x03125': '0.00254319' },
  free: { '4x5': '0.03564873', '2x25': '0.01050036', '05x0625': '0.01340854', '025x03125': '0.01066495' },
};

/** The missing-value createRunDir.sh writes for a tuning factor it has none for. */
export const MISSING_TUNING = '-999.0e0';

export interface RunDirChoice {
  simulation: SimulationType;
  extraOption: string;
  met: MetField;
  resolution: GridResolution;
}

/** A choice createRunDir.sh offers whose run directory the platform does not prepare, and why. */
export interface NotPrepared {
  /** The spec field to change. */
  field: 'meteorology.field' | 'simulation.extraOption' | 'grid.resolution';
  message: string;
}

/**
 * Why the platform does not prepare the run directory createRunDir.sh 14.7.0
 * would write for this choice, or undefined when it does. Each refusal is a
 * combination where the script's own run directory stops GEOS-Chem or leaves a
 * science setting unfilled, so an equal copy would not run as intended and a
 * different one would not be GEOS-Chem's (docs/RUNDIR.md, "Refused").
 */
export function notPreparedReason(choice: RunDirChoice): NotPrepared | undefined {
  const { simulation, extraOption, met, resolution } = choice;
  const code = resolutionCode(resolution);
  const label = metFieldLabel(met);
  const dusty = simulation === 'fullchem' || simulation === 'aerosol';
  if (!dusty) return undefined;

  if (met === 'ModelE2.1') {
    return {
      field: 'meteorology.field',
      message:
        `${simulation} with ${label} meteorology is not prepared by the platform because GEOS-Chem 14.7.0's ` +
        'createRunDir.sh sets no DustL23M dust switch or mass tuning factor for GCAP 2.0 (it still sets the ' +
        'retired DustDead ones; its own note says the tuning is to be redone): HEMCO_Config.rc keeps ' +
        '${RUNDIR_DUSTL23M_EXT} and ${RUNDIR_DUSTL23M_TF} unfilled, so a fullchem run would emit no dust ' +
        'and an aerosol run stops when HEMCO reads the tuning factor; use MERRA-2 or GEOS-FP, or a simulation ' +
        'without dust (e.g. TransportTracers, tagO3, carbon) with GCAP 2.0',
    };
  }

  if (/^TOMAS/.test(extraOption)) {
    if (TOMAS_DUSTDEAD_TUNING[met]?.[code]) return undefined;
    const offered = Object.keys(TOMAS_DUSTDEAD_TUNING[met] ?? {}).map((c) => resolutionFromCode(c) ?? c);
    return {
      field: 'simulation.extraOption',
      message:
        `${extraOption} at ${resolution} with ${label} is not prepared by the platform because createRunDir.sh ` +
        `14.7.0 has no TOMAS_DustDead mass tuning factor for it and writes ${MISSING_TUNING}, with which HEMCO ` +
        `stops ("Mass flux tuning factor not defined"); TOMAS runs are prepared at ${list(offered)}`,
    };
  }

  const dustL23mOn = simulation === 'aerosol' || extraOption === 'benchmark';
  if (dustL23mOn && !DUSTL23M_TUNING[met]?.[code]) {
    const offered = Object.keys(DUSTL23M_TUNING[met] ?? {}).map((c) => resolutionFromCode(c) ?? c);
    const what = simulation === 'aerosol' ? 'The aerosol simulation' : 'The fullchem benchmark';
    return {
      field: 'grid.resolution',
      message:
        `${what} at ${resolution} with ${label} is not prepared by the platform because its online DustL23M ` +
        `dust needs a mass tuning factor and createRunDir.sh 14.7.0 has none for this grid (it leaves ` +
        `\${RUNDIR_DUSTL23M_TF} unfilled, and HEMCO stops reading it); with ${label} it has factors at ` +
        `${list(offered)}`,
    };
  }
  return undefined;
}

function list(values: readonly string[]): string {
  return values.join(', ');
}
