/**
 * GEOS-Chem Classic 14.7 run-directory generation: the configuration files
 * createRunDir.sh would write, from GEOS-Chem's own templates
 * (shared/science/geoschem/templates/, copies of run/GCClassic/*.templates and
 * run/shared/settings/*.txt of geoschem/geos-chem 14.7.0), with the
 * `${RUNDIR_*}` values the script would use, then the spec's own choices
 * (period, diagnostic collections and their frequency).
 *
 * The values come, in the script's order (later ones win, as in bash):
 * the simulation's extra-option switches, the met field, the grid settings
 * file, the domain (global_grid.txt / nested_grid.txt and the region bounds),
 * the met settings file, timesteps, levels, dates, HISTORY defaults and the
 * HEMCO switches with gmao_hemco.txt or gcap2_hemco.txt. See docs/RUNDIR.md.
 */
import rundirOptions from '../geoschem/rundir-options.json' with { type: 'json' };
import type { ResolvedSimulationSpec } from '../spec/validate-spec.js';
import {
  defaultRunDirName,
  domainSettings,
  gcap2Run,
  historyCollectionsFor,
  historyFrequency,
  metFieldInfo,
  resolutionCode,
  resolutionSettings,
  timestepsFor,
} from '../spec/rundir-rules.js';
import { generateGchpRunDirectory } from './generate-gchp.js';
import {
  DEFAULT_DATA_ROOT,
  fillTemplate,
  parseSettings,
  readTemplate,
  selectCollections,
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
): { vars: Map<string, string>; assumptions: string[] } {
  const vars = new Map<string, string>();
  const assumptions: string[] = [];
  const set = (key: string, value: string): void => void vars.set(key, value);
  const addAll = (entries: [string, string][]): void => entries.forEach(([k, v]) => set(k, v));

  const sim = spec.simulation.type;
  const extra = spec.simulation.extraOption;
  const met = spec.meteorology.field;
  const gcap = met === 'ModelE2.1';
  const res = resolutionCode(spec.grid.resolution);
  const tomas = /TOMAS/.test(extra);
  const benchmark = extra === 'benchmark';

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
  const metConfig = gcap
    ? 'HEMCO_Config.rc.gcap2_metfields'
    : res === '0125x015625'
      ? 'HEMCO_Config.rc.gmao_metfields_0125'
      : 'HEMCO_Config.rc.gmao_metfields';
  set('RUNDIR_MET_FIELD_CONFIG', metConfig);
  const volcanic = sim === 'fullchem' || sim === 'aerosol';
  if (gcap) {
    const gcap2 = spec.meteorology.gcap2;
    const run = gcap2?.runId ? gcap2Run(gcap2.runId) : undefined;
    if (!gcap2 || !run) throw new Error('ModelE2.1 meteorology needs meteorology.gcap2 with a known runId');
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
  if (volcanic) {
    const clim = '$ROOT/VOLCANO/v2024-04/so2_volcanic_emissions_CARN_v202401.degassing_only.rc';
    set('RUNDIR_VOLC_CLIMATOLOGY', clim);
    set(
      'RUNDIR_VOLC_TABLE',
      benchmark ? clim : '$ROOT/VOLCANO/v2024-04/$YYYY/$MM/so2_volcanic_emissions_Carns.$YYYY$MM$DD.rc',
    );
  }
  if (sim === 'aerosol') set('RUNDIR_MEGAN_EXT', 'off');

  // Grid, domain
  addAll(settingsFile(`${res}.txt`));
  const domain = spec.grid.nestedDomain;
  const nested = domain !== 'global';
  if (!nested) {
    addAll(settingsFile('global_grid.txt'));
    set('RUNDIR_GRID_HALF_POLAR', gcap && res !== '4x5' ? 'false' : 'true ');
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
  if (gcap) {
    // modele2.1.txt defines none of these; HEMCO_Config.rc uses them only inside the
    // OFFLINE_* sections, which GCAP 2.0 runs switch off (they use online emissions), and
    // for LightNOx's climatology switch (GCAP 2.0 reads FLASH_DENS from its met fields).
    set('RUNDIR_LIGHTNOX_CLIM', 'false');
    for (const key of [
      'RUNDIR_OFFLINE_EMIS_RES',
      'RUNDIR_OFFLINE_EMIS_LAT_RES',
      'RUNDIR_OFFLINE_BIOVOC_DIR',
      'RUNDIR_OFFLINE_SEASALT_DIR',
      'RUNDIR_OFFLINE_SOILNOX_DIR',
    ]) {
      set(key, 'not_used');
    }
    assumptions.push(
      'GCAP 2.0: RUNDIR_LIGHTNOX_CLIM is false and the RUNDIR_OFFLINE_* paths are "not_used" (modele2.1.txt defines none; the offline-emission sections are off)',
    );
  }

  // Timesteps
  const steps = timestepsFor(spec.grid.resolution, extra);
  set('RUNDIR_TRANSPORT_TS', String(steps.transport));
  set('RUNDIR_CHEMISTRY_TS', String(steps.chemistry));
  set('RUNDIR_CENTER_LON_180', gcap && res === '2x25' ? 'false' : 'true ');

  // Dust tuning factor of the DEAD scheme (TOMAS_DustDead)
  const dustTf: Record<string, string> = gcap
    ? spec.meteorology.gcap2?.runId === 'E213f10aF40oQ40nudge'
      ? { '4x5': '0.00474046', '2x25': '0.00243979', '05x0625': '0.00276896', '025x03125': '0.00254319' }
      : { '4x5': '0.03564873', '2x25': '0.01050036', '05x0625': '0.01340854', '025x03125': '0.01066495' }
    : volcanic
      ? {
          ...(met === 'geosfp' ? { '4x5': '8.3286e-4', '2x25': '5.0416e-4' } : {}),
          ...(met === 'merra2' ? { '4x5': '7.8533e-4', '2x25': '4.7586e-4' } : {}),
        }
      : {};
  set('RUNDIR_DUSTDEAD_TF', dustTf[res] ?? '-999.0e0');

  // Levels
  set('RUNDIR_GRID_NLEV', String(spec.grid.levels));

  // Dates
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

  // HEMCO switches
  const online = gcap || benchmark;
  set('RUNDIR_DUSTDEAD_EXT', online ? 'on ' : 'off');
  set('RUNDIR_MEGAN_EXT', online ? 'on ' : 'off');
  set('RUNDIR_SEASALT_EXT', online || extra === 'marinePOA' ? 'on ' : 'off');
  set('RUNDIR_SOILNOX_EXT', online ? 'on ' : 'off');
  set('RUNDIR_OFFLINE_DUST', online || tomas ? 'false' : 'true ');
  set('RUNDIR_OFFLINE_BIOVOC', online ? 'false' : 'true ');
  set('RUNDIR_OFFLINE_SEASALT', online || tomas || extra === 'marinePOA' ? 'false' : 'true ');
  set('RUNDIR_OFFLINE_SOILNOX', online ? 'false' : 'true ');
  set('RUNDIR_TOMAS_SEASALT', !online && tomas && extra !== 'marinePOA' ? 'on ' : 'off');
  set('RUNDIR_TOMAS_DUSTDEAD', !online && tomas ? 'on ' : 'off');
  addAll(settingsFile(gcap ? 'gcap2_hemco.txt' : 'gmao_hemco.txt'));

  // 14.7.0 placeholders whose logic is not in the reference copy of createRunDir.sh
  set('RUNDIR_DUSTL23M_EXT', vars.get('RUNDIR_DUSTDEAD_EXT')!);
  set('RUNDIR_DUSTL23M_TF', vars.get('RUNDIR_DUSTDEAD_TF')!);
  set('RUNDIR_PARANOX_EXT', 'on ');
  assumptions.push(
    'RUNDIR_DUSTL23M_EXT follows the former RUNDIR_DUSTDEAD_EXT switch (on for benchmark and GCAP 2.0 runs, else offline dust)',
    'RUNDIR_DUSTL23M_TF reuses the DEAD dust mass tuning factor for this met field and grid; check it against 14.7.0 createRunDir.sh before science runs',
    'RUNDIR_PARANOX_EXT is on, as ParaNOx was in every release before the switch became a placeholder',
  );

  // bash expands ${VAR} in double-quoted values when it sources a settings file
  for (const [key, value] of vars) {
    vars.set(
      key,
      value.replace(/\$\{(RUNDIR_[A-Za-z0-9_]+)\}/g, (whole, name: string) => vars.get(name) ?? whole),
    );
  }
  return { vars, assumptions };
}

/**
 * The run directory createRunDir.sh would create for this spec: its default
 * name and geoschem_config.yml, HISTORY.rc, HEMCO_Config.rc, HEMCO_Diagn.rc
 * and the met-field HEMCO file HEMCO_Config.rc includes. GCHP specs get
 * GCHP's files instead (generate-gchp.ts).
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
  const { offered } = historyCollectionsFor(sim);
  const unknown = spec.diagnostics.collections.filter((name) => !offered.includes(name));
  if (unknown.length > 0) throw new Error(`not collections of the ${sim} HISTORY.rc: ${unknown.join(', ')}`);

  const { vars, assumptions } = rundirVariables(spec, options);
  const metConfig = vars.get('RUNDIR_MET_FIELD_CONFIG')!;
  const online = vars.get('RUNDIR_OFFLINE_DUST') === 'false';
  const diagn =
    (sim === 'fullchem' || sim === 'aerosol') && online
      ? `HEMCO_Diagn.rc.${sim}.onlineE`
      : `HEMCO_Diagn.rc.${sim}`;
  const sources: Record<string, string> = {
    'geoschem_config.yml': `geoschem_config.yml.templates/geoschem_config.yml.${sim}`,
    'HISTORY.rc': `HISTORY.rc.templates/HISTORY.rc.${sim}`,
    'HEMCO_Config.rc': `HEMCO_Config.rc.templates/HEMCO_Config.rc.${sim}`,
    'HEMCO_Diagn.rc': `HEMCO_Diagn.rc.templates/${diagn}`,
    [metConfig]: `HEMCO_Config.rc.templates/${metConfig}`,
  };
  const files: Record<string, string> = {};
  for (const [fileName, source] of Object.entries(sources)) {
    files[fileName] = fillTemplate(readTemplate(source), vars, fileName);
  }
  files['HISTORY.rc'] = selectCollections(files['HISTORY.rc']!, spec.diagnostics.collections);

  const name = defaultRunDirName({
    resolution: spec.grid.resolution,
    nestedDomain: spec.grid.nestedDomain,
    levels: spec.grid.levels,
    met: spec.meteorology.field,
    simulation: sim,
    extraOption: spec.simulation.extraOption,
  });
  return { name, files, assumptions };
}
