/**
 * GEOS-Chem Classic 14.7 run-directory generation: the run directory
 * createRunDir.sh 14.7.0 would write, from GEOS-Chem's own templates
 * (shared/science/geoschem/templates/, copies of run/GCClassic/*.templates and
 * run/shared/ of geoschem/geos-chem 14.7.0), with the `${RUNDIR_*}` values the
 * script would use and its post-processing (post-process.ts), then the spec's
 * own choices (period, diagnostic collections and their frequency).
 *
 * The values come, in the script's order (later ones win, as in bash):
 * the simulation's extra-option switches, the met field, the grid settings
 * file, the domain (global_grid.txt / nested_grid.txt and the region bounds),
 * the met settings file, timesteps, dust tuning factors, levels, dates,
 * HISTORY defaults, ParaNOx and the HEMCO switches with gmao_hemco.txt or
 * gcap2_hemco.txt. Held file by file against the script's own output by
 * test/unit/shared/science/rundir/createrundir-conformance.test.ts; see
 * docs/RUNDIR.md.
 */
import rundirOptions from '../geoschem/rundir-options.json' with { type: 'json' };
import type { ResolvedSimulationSpec } from '../spec/validate-spec.js';
import {
  defaultRunDirName,
  domainSettings,
  DUSTL23M_TUNING,
  GCAP2_DUSTDEAD_TUNING,
  gcap2Run,
  historyCollectionsFor,
  historyFrequency,
  isDomainAsked,
  metFieldInfo,
  MISSING_TUNING,
  notPreparedReason,
  resolutionCode,
  resolutionSettings,
  timestepsFor,
  TOMAS_DUSTDEAD_TUNING,
} from '../spec/rundir-rules.js';
import { applyEmissionScaleFactors } from '../ensemble/hemco-scale-factors.js';
import { historyInterval } from '../spec/checkpoint-rules.js';
import { generateGchpRunDirectory } from './generate-gchp.js';
import { setRestartInterval } from './restart.js';
import { postProcess } from './post-process.js';
import {
  DEFAULT_DATA_ROOT,
  envsubst,
  parseSettings,
  readTemplate,
  SPECIES_DATABASE,
  speciesDatabase,
  selectCollections,
  unfilledPlaceholders,
  type GenerateOptions,
  type GeneratedRunDirectory,
} from './templates.js';

export type { GenerateOptions, GeneratedRunDirectory } from './templates.js';

function settingsFile(relative: string): [string, string][] {
  return parseSettings(readTemplate(`settings/${relative}`));
}

/** "20190701" and "000000" from an ISO instant in UTC. */
function dateTime(iso: string): [string, string] {
  const d = new Date(iso);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return [
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`,
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`,
  ];
}

function degrees(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

type DomainChoice = { code?: string; only?: string; lon?: string; lat?: string } & Record<string, unknown>;

/** createRunDir.sh's literal lon/lat range strings for a region at a grid (e.g. '[ 60.0, 150.0]'). */
function regionRanges(code: string, resCode: string): { lon: string; lat: string } | undefined {
  const choices = rundirOptions.gcclassic_14_7_0.domain_menu.choices as Record<string, DomainChoice>;
  for (const choice of Object.values(choices)) {
    if (choice.code !== code) continue;
    if (typeof choice.only === 'string') {
      return choice.only.split('|').includes(resCode) ? { lon: choice.lon!, lat: choice.lat! } : undefined;
    }
    for (const [key, value] of Object.entries(choice)) {
      if (key.split('|').includes(resCode)) return value as { lon: string; lat: string };
    }
  }
  return undefined;
}

/** The RUNDIR_* variables, in createRunDir.sh's order; later entries override earlier ones. */
export function rundirVariables(
  spec: ResolvedSimulationSpec,
  options: GenerateOptions = {},
): { vars: Map<string, string> } {
  const vars = new Map<string, string>();
  const set = (key: string, value: string): void => void vars.set(key, value);
  const addAll = (entries: [string, string][]): void => entries.forEach(([k, v]) => set(k, v));

  const sim = spec.simulation.type;
  const extra = spec.simulation.extraOption;
  const met = spec.meteorology.field;
  const gcap = met === 'ModelE2.1';
  const res = resolutionCode(spec.grid.resolution);
  const tomas = /TOMAS/.test(extra);
  const benchmark = extra === 'benchmark';
  const dusty = sim === 'fullchem' || sim === 'aerosol';

  set('RUNDIR_GC_MODE', 'GCClassic');
  set('RUNDIR_DATA_ROOT', options.dataRoot ?? DEFAULT_DATA_ROOT);
  set('RUNDIR_SIM_NAME', sim);
  set('RUNDIR_SIM_EXTRA_OPTION', extra);
  if (sim === 'POPs') addAll(settingsFile(`POPs_${extra}.txt`));

  // Extra-option switches
  const complexSoa = benchmark || /complexSOA/.test(extra) || extra === 'APM';
  set('RUNDIR_COMPLEX_SOA', complexSoa ? 'true ' : 'false');
  set('RUNDIR_SVPOA', extra === 'complexSOA_SVPOA' ? 'true ' : 'false');
  set('RUNDIR_DUSTALK_EXT', extra === 'aciduptake' ? 'on ' : 'off');
  set('RUNDIR_ACID_UPTAKE', extra === 'aciduptake' ? 'true ' : 'false');
  set('RUNDIR_MARINE_POA', extra === 'marinePOA' ? 'true ' : 'false');
  set('RUNDIR_RRTMG_OPTS', extra === 'RRTMG' ? 'true ' : 'false');
  set('RUNDIR_USE_RRTMG', extra === 'RRTMG' ? 'true ' : 'false');
  set('RUNDIR_USE_NLPBL', tomas ? 'false' : 'true ');
  set('RUNDIR_USE_ONLINE_O3', tomas ? 'false' : 'true ');

  // Met field
  set('RUNDIR_MET_FIELD_CONFIG', gcap ? 'HEMCO_Config.rc.gcap2_metfields' : 'HEMCO_Config.rc.gmao_metfields');
  let gcap2RunId: string | undefined;
  if (gcap) {
    const gcap2 = spec.meteorology.gcap2;
    const run = gcap2?.runId ? gcap2Run(gcap2.runId) : undefined;
    if (!gcap2 || !run) throw new Error('ModelE2.1 meteorology needs meteorology.gcap2 with a known runId');
    gcap2RunId = run.runId;
    set('RUNDIR_MET_AVAIL', `# ${run.years.map(([a, b]) => `${a}-${b}`).join('; ')}`);
    set('RUNDIR_GCAP2_SCENARIO', gcap2.scenario);
    set('RUNDIR_GISS_RES', 'F40');
    set('RUNDIR_GCAP2_VERTRES', '40L');
    set('RUNDIR_GCAP2_RUNID', run.runId);
    set('RUNDIR_USE_AEIC', 'false');
  } else {
    for (const key of [
      'RUNDIR_GCAP2_SCENARIO',
      'RUNDIR_GISS_RES',
      'RUNDIR_GCAP2_VERTRES',
      'RUNDIR_GCAP2_RUNID',
    ]) {
      set(key, 'not_used');
    }
    set('RUNDIR_MET_AVAIL', '# 1980-2021');
    set('RUNDIR_USE_AEIC', 'true');
  }
  if (dusty) {
    // Benchmark runs always use the climatological volcanic emissions.
    const clim = '$ROOT/VOLCANO/v2024-04/so2_volcanic_emissions_CARN_v202401.degassing_only.rc';
    set('RUNDIR_VOLC_CLIMATOLOGY', clim);
    set(
      'RUNDIR_VOLC_TABLE',
      benchmark ? clim : '$ROOT/VOLCANO/v2024-04/$YYYY/$MM/so2_volcanic_emissions_Carns.$YYYY$MM$DD.rc',
    );
  }
  if (sim === 'aerosol') set('RUNDIR_MEGAN_EXT', 'off');

  // Grid
  addAll(settingsFile(`${res}.txt`));
  if (res === '0125x015625') set('RUNDIR_MET_FIELD_CONFIG', 'HEMCO_Config.rc.gmao_metfields_0125');

  // Domain: where the script asks for one, a global choice has half-size polar boxes
  const domain = spec.grid.nestedDomain;
  const nested = domain !== 'global';
  if (!nested) {
    addAll(settingsFile('global_grid.txt'));
    const asked = isDomainAsked(met, spec.grid.resolution);
    set('RUNDIR_GRID_HALF_POLAR', !asked && gcap && res !== '4x5' ? 'false' : 'true ');
  } else {
    addAll(settingsFile('nested_grid.txt'));
    set('RUNDIR_GRID_DOMAIN_NAME', domain);
    if (domain === 'custom') {
      const b = spec.grid.bounds;
      if (!b) throw new Error('nestedDomain "custom" needs grid.bounds');
      set('RUNDIR_GRID_LON_RANGE', `[${degrees(b.lonMin)}, ${degrees(b.lonMax)}]`);
      set('RUNDIR_GRID_LAT_RANGE', `[${degrees(b.latMin)}, ${degrees(b.latMax)}]`);
    } else {
      const ranges = regionRanges(domain, res);
      if (!ranges) throw new Error(`no nested domain ${domain} at ${spec.grid.resolution}`);
      set('RUNDIR_GRID_LON_RANGE', ranges.lon);
      set('RUNDIR_GRID_LAT_RANGE', ranges.lat);
    }
  }
  // Cross-check the transcription the validator uses
  if (vars.get('RUNDIR_GRID_RES_LONG') !== resolutionSettings(spec.grid.resolution).RUNDIR_GRID_RES_LONG) {
    throw new Error(`${res}.txt and rundir-options.json disagree on RUNDIR_GRID_RES_LONG`);
  }
  const expected = domainSettings(nested);
  for (const [key, value] of Object.entries(expected)) {
    if (vars.get(key)?.trim() !== value.trim()) {
      throw new Error(`${key} is ${vars.get(key)} but rundir-options.json says ${value}`);
    }
  }

  // Met settings file
  const metSettings: Record<string, string> = {
    merra2: 'merra2.txt',
    geosfp: 'geosfp/geosfp.nonadv_preprocessed_ll.txt',
    'ModelE2.1': 'modele2.1.txt',
  };
  const metFile = metSettings[met];
  if (!metFile)
    throw new Error(`no settings file for ${metFieldInfo(met).label} in GEOS-Chem Classic 14.7.0`);
  addAll(settingsFile(metFile));

  // Timesteps; the date line is a cell edge except on ModelE2.1's native 2x2.5 grid
  const steps = timestepsFor(spec.grid.resolution, extra);
  set('RUNDIR_TRANSPORT_TS', String(steps.transport));
  set('RUNDIR_CHEMISTRY_TS', String(steps.chemistry));
  set('RUNDIR_CENTER_LON_180', gcap && res === '2x25' ? 'false' : 'true ');

  // Dust tuning factors: DEAD (GCAP 2.0, TOMAS_DustDead) and DustL23M (fullchem, aerosol)
  if (gcap) {
    const table = GCAP2_DUSTDEAD_TUNING[gcap2RunId === 'E213f10aF40oQ40nudge' ? 'nudged' : 'free'];
    set('RUNDIR_DUSTDEAD_TF', table[res] ?? MISSING_TUNING);
  } else {
    set('RUNDIR_GISS_RES', 'not_used');
    if (dusty && tomas) {
      set('RUNDIR_DUSTL23M_TF', MISSING_TUNING);
      set('RUNDIR_DUSTDEAD_TF', TOMAS_DUSTDEAD_TUNING[met]?.[res] ?? MISSING_TUNING);
    } else if (dusty) {
      set('RUNDIR_DUSTDEAD_TF', MISSING_TUNING);
      // No value where the script has none: the placeholder stays, as it does there.
      const factor = met in DUSTL23M_TUNING ? DUSTL23M_TUNING[met]?.[res] : MISSING_TUNING;
      if (factor !== undefined) set('RUNDIR_DUSTL23M_TF', factor);
    } else {
      set('RUNDIR_DUSTDEAD_TF', MISSING_TUNING);
      set('RUNDIR_DUSTL23M_TF', MISSING_TUNING);
    }
  }

  // Levels
  set('RUNDIR_GRID_NLEV', String(spec.grid.levels));

  // Dates: the spec's period (the script writes its sample restart's month)
  const [startDate, startTime] = dateTime(spec.period.start);
  const [endDate, endTime] = dateTime(spec.period.end);
  set('RUNDIR_SIM_START_DATE', startDate);
  set('RUNDIR_SIM_END_DATE', endDate);
  set('RUNDIR_SIM_START_TIME', startTime);
  set('RUNDIR_SIM_END_TIME', endTime);

  // Diagnostics: the spec's frequency (createRunDir.sh's default is monthly)
  const frequency = historyFrequency(spec.diagnostics.frequency);
  for (const key of ['TIME_AVG_DUR', 'TIME_AVG_FREQ', 'INST_DUR', 'INST_FREQ']) {
    set(`RUNDIR_HIST_${key}`, frequency === 'End' ? "'End'" : frequency);
  }
  set('RUNDIR_HIST_MONTHLY_DIAG', spec.diagnostics.frequency === 'monthly' ? '1' : '0');
  set('RUNDIR_USE_GCCLASSIC_TIMERS', benchmark ? 'true ' : 'false');

  // ParaNOx is off at 0.25x0.3125 and finer (geoschem/geos-chem issue 3009)
  if (sim === 'fullchem')
    set('RUNDIR_PARANOX_EXT', res === '025x03125' || res === '0125x015625' ? 'off' : 'on ');

  // HEMCO switches: online emissions for GCAP 2.0 and benchmark, else offline ones
  const switches = (entries: Record<string, string>): void =>
    Object.entries(entries).forEach(([k, v]) => set(`RUNDIR_${k}`, v));
  // Online emissions: no offline inventories, no TOMAS extensions
  const online = {
    OFFLINE_DUST: 'false',
    OFFLINE_BIOVOC: 'false',
    OFFLINE_SEASALT: 'false',
    OFFLINE_SOILNOX: 'false',
    TOMAS_SEASALT: 'off',
    TOMAS_DUSTDEAD: 'off',
  };
  if (gcap) {
    switches({ DUSTDEAD_EXT: 'on ', MEGAN_EXT: 'on ', SEASALT_EXT: 'on ', SOILNOX_EXT: 'on ', ...online });
  } else if (benchmark) {
    switches({ DUSTDEAD_EXT: 'off ', DUSTL23M_EXT: 'on ', MEGAN_EXT: 'on ', SEASALT_EXT: 'on ' });
    switches({ SOILNOX_EXT: 'on ', ...online });
  } else {
    if (extra === 'marinePOA') {
      switches({ SEASALT_EXT: 'on ', OFFLINE_SEASALT: 'false', TOMAS_SEASALT: 'off' });
    } else {
      set('RUNDIR_SEASALT_EXT', 'off');
      switches(
        tomas
          ? { TOMAS_SEASALT: 'on ', OFFLINE_SEASALT: 'false' }
          : { TOMAS_SEASALT: 'off', OFFLINE_SEASALT: 'true ' },
      );
    }
    switches(
      tomas
        ? { TOMAS_DUSTDEAD: 'on ', OFFLINE_DUST: 'false' }
        : { TOMAS_DUSTDEAD: 'off', OFFLINE_DUST: 'true ' },
    );
    switches({ DUSTDEAD_EXT: 'off', DUSTL23M_EXT: 'off', MEGAN_EXT: 'off', SOILNOX_EXT: 'off' });
    switches({ OFFLINE_BIOVOC: 'true ', OFFLINE_SOILNOX: 'true ' });
  }
  addAll(settingsFile(gcap ? 'gcap2_hemco.txt' : 'gmao_hemco.txt'));

  // bash expands ${VAR} in double-quoted values when it sources a settings file
  for (const [key, value] of vars) {
    vars.set(
      key,
      value.replace(/\$\{(RUNDIR_[A-Za-z0-9_]+)\}/g, (whole, name: string) => vars.get(name) ?? whole),
    );
  }
  return { vars };
}

/**
 * `${RUNDIR_*}` placeholders createRunDir.sh 14.7.0 leaves unfilled in a run
 * directory the platform prepares, and why that changes nothing: everything
 * else is filled, or the choice is refused at validation (notPreparedReason).
 */
const INERT_UNFILLED: Record<string, Record<string, string>> = {
  'HEMCO_Config.rc': {
    // Fullchem without benchmark/TOMAS at GEOS-FP 0.5x0.625 and 0.125x0.15625
    RUNDIR_DUSTL23M_TF:
      'option of the DustL23M extension, which is off; HEMCO reads no option of an extension that is off',
  },
  'HEMCO_Diagn.rc': {
    // POPs: the script copies HEMCO_Diagn.rc without substitution
    RUNDIR_POP_SPC:
      'in three POPs emission diagnostics; HEMCO skips a diagnostic whose species is not defined',
  },
};

/** Directories createRunDir.sh makes that GEOS-Chem writes into: HISTORY.rc's output and the restarts. */
const RUNDIR_DIRECTORIES = ['OutputDir', 'Restarts'] as const;

/**
 * The run directory createRunDir.sh 14.7.0 would create for this spec: its
 * default name; geoschem_config.yml, HISTORY.rc, HEMCO_Config.rc,
 * HEMCO_Diagn.rc, the met-field file HEMCO_Config.rc includes, after the
 * script's post-processing; species_database.yml (with the TOMAS or APM
 * additions) and APM's input files; and the directories GEOS-Chem writes into.
 * Then the spec's own choices: period, diagnostics frequency and collections.
 * GCHP specs get GCHP's files instead (generate-gchp.ts).
 */
export function generateRunDirectory(
  spec: ResolvedSimulationSpec,
  options: GenerateOptions = {},
): GeneratedRunDirectory {
  if (spec.model === 'gchp') return generateGchpRunDirectory(spec, options);
  if (spec.geosChemVersion !== '14.7.0') {
    throw new Error(
      `run directories are generated for GEOS-Chem Classic 14.7.0 only, not ${spec.geosChemVersion}`,
    );
  }
  const sim = spec.simulation.type;
  const extra = spec.simulation.extraOption;
  const { offered } = historyCollectionsFor(sim);
  const unknown = spec.diagnostics.collections.filter((name) => !offered.includes(name));
  if (unknown.length > 0) throw new Error(`not collections of the ${sim} HISTORY.rc: ${unknown.join(', ')}`);
  const refused = notPreparedReason({
    simulation: sim,
    extraOption: extra,
    met: spec.meteorology.field,
    resolution: spec.grid.resolution,
  });
  if (refused) throw new Error(refused.message);

  const { vars } = rundirVariables(spec, options);
  const metConfig = vars.get('RUNDIR_MET_FIELD_CONFIG')!;
  const files: Record<string, string> = {
    'geoschem_config.yml': fill(`geoschem_config.yml.templates/geoschem_config.yml.${sim}`, vars),
    'HISTORY.rc': fill(`HISTORY.rc.templates/HISTORY.rc.${sim}`, vars),
    'HEMCO_Config.rc': fill(`HEMCO_Config.rc.templates/HEMCO_Config.rc.${sim}`, vars),
    // Copied, not filled (init_rd.sh's COPY_LIST)
    'HEMCO_Diagn.rc': readTemplate(`HEMCO_Diagn.rc.templates/HEMCO_Diagn.rc.${sim}`),
    [metConfig]: fill(`HEMCO_Config.rc.templates/${metConfig}`, vars),
  };
  const region = spec.grid.nestedDomain;
  postProcess(files, {
    simulation: sim,
    extraOption: extra,
    metConfig,
    resolutionLong: vars.get('RUNDIR_GRID_RES_LONG')!,
    ...(region !== 'global' && region !== 'custom' ? { nestedRegion: region } : {}),
  });
  for (const [fileName, text] of Object.entries(files)) checkUnfilled(fileName, text);
  files['HISTORY.rc'] = selectCollections(files['HISTORY.rc']!, spec.diagnostics.collections);
  const scaleFactors = spec.emissions?.scaleFactors ?? [];
  if (scaleFactors.length > 0) {
    files['HEMCO_Config.rc'] = applyEmissionScaleFactors(files['HEMCO_Config.rc']!, scaleFactors).text;
  }
  if (spec.checkpoint) {
    files['HISTORY.rc'] = setRestartInterval(
      files['HISTORY.rc'],
      historyInterval(spec.checkpoint.intervalHours),
    );
  }

  files[SPECIES_DATABASE] = speciesDatabase(extra);
  if (extra === 'APM') {
    for (const name of ['apm_tmp.dat', 'input.apm']) files[name] = readTemplate(`shared/${name}`);
  }

  const name = defaultRunDirName({
    resolution: spec.grid.resolution,
    nestedDomain: spec.grid.nestedDomain,
    levels: spec.grid.levels,
    met: spec.meteorology.field,
    simulation: sim,
    extraOption: extra,
  });
  const assumptions =
    region === 'custom'
      ? [
          'custom nested domain: createRunDir.sh offers only its fixed regions; this is its nested run ' +
            'directory for the grid with lon/lat ranges from grid.bounds, reading the global met fields ' +
            '(as the script says a custom domain may)',
        ]
      : [];
  return { name, files, directories: [...RUNDIR_DIRECTORIES], assumptions };
}

/** envsubst of init_rd.sh: every placeholder with a value is replaced, the others are left as they are. */
function fill(template: string, vars: Map<string, string>): string {
  return envsubst(readTemplate(template), vars);
}

function checkUnfilled(fileName: string, text: string): void {
  const unexpected = unfilledPlaceholders(text).filter((name) => !INERT_UNFILLED[fileName]?.[name]);
  if (unexpected.length > 0) {
    throw new Error(`${fileName}: no value for ${unexpected.map((n) => `\${${n}}`).join(', ')}`);
  }
}
