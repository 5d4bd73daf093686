/**
 * GCHP 14.7 run-directory generation, from the GCHP templates the reference
 * holds (run/GCHP/{geoschem_config.yml,HISTORY.rc}.templates/ fullchem, copied
 * to shared/science/geoschem/templates/GCHP/) with the `${RUNDIR_*}` values GCHP's
 * createRunDir.sh would use, then the spec's period, collections and
 * frequency. Every other GCHP run-directory file comes from templates that are
 * not bundled; `assumptions` names them. See docs/GCHP.md.
 */
import { readFileSync } from 'node:fs';
import type { ResolvedSimulationSpec } from '../spec/validate-spec.js';
import { GCHP_TIMESTEPS, gchpCheckpointFrequency } from '../spec/checkpoint-rules.js';
import { historyCollectionsFor, RESTART_COLLECTION } from '../spec/rundir-rules.js';
import { GCHP_SIMULATIONS, coresPerNode, cubedSphereCells, isCubedSphere } from '../spec/gchp-rules.js';
import {
  DEFAULT_DATA_ROOT,
  fillTemplate,
  parseSettings,
  selectCollections,
  SPECIES_DATABASE,
  speciesDatabase,
  TEMPLATES,
  type GenerateOptions,
  type GeneratedRunDirectory,
} from './templates.js';

/**
 * The met settings file GCHP's createRunDir.sh reads for its recommended
 * choice: MERRA-2 (one file), GEOS-FP processed 0.25x0.3125 files with 3-hourly
 * winds, GEOS-IT processed C180 files with 3-hourly winds. Its name parts are
 * what the script appends to the default run-directory name.
 */
const MET_SETTINGS: Record<string, { file: string; nameSuffix: string }> = {
  merra2: { file: 'merra2.txt', nameSuffix: '' },
  geosfp: { file: 'geosfp/geosfp.nonadv_preprocessed_ll.txt', nameSuffix: '_using_3hr_wind' },
  geosit: { file: 'geosit/geosit.nonadv_preprocessed_c180.txt', nameSuffix: '_processed_cs_using_3hr_wind' },
};

/** GCHP run-directory files whose templates are not in the bundled 14.7.0 reference. */
export const GCHP_FILES_NOT_GENERATED = [
  'GCHP.rc',
  'CAP.rc',
  'ExtData.rc',
  'HEMCO_Config.rc',
  'HEMCO_Diagn.rc',
  'input.nml',
  'logging.yml',
  'setCommonRunSettings.sh',
] as const;

function readTemplate(relative: string): string {
  return readFileSync(new URL(relative, TEMPLATES), 'utf8');
}

/** "20190701" and "000000" from an ISO instant in UTC. */
function dateTime(iso: string): [string, string] {
  const text = new Date(iso).toISOString();
  return [text.slice(0, 10).replaceAll('-', ''), text.slice(11, 19).replaceAll(':', '')];
}

/** createRunDir.sh's RUNDIR_* values that the two GCHP templates use. */
export function gchpRundirVariables(
  spec: ResolvedSimulationSpec,
  options: GenerateOptions = {},
): Map<string, string> {
  const vars = new Map<string, string>();
  const extra = spec.simulation.extraOption;
  vars.set('RUNDIR_GC_MODE', 'GCHP');
  vars.set('RUNDIR_DATA_ROOT', options.dataRoot ?? DEFAULT_DATA_ROOT);
  vars.set('RUNDIR_SIM_NAME', spec.simulation.type);
  vars.set('RUNDIR_SIM_EXTRA_OPTION', extra);
  // GCHP's createRunDir.sh writes these switches without the trailing space GC Classic's uses.
  const complexSoa = extra === 'benchmark' || /complexSOA/.test(extra) || extra === 'APM';
  vars.set('RUNDIR_COMPLEX_SOA', complexSoa ? 'true' : 'false');
  vars.set('RUNDIR_SVPOA', extra === 'complexSOA_SVPOA' ? 'true' : 'false');
  vars.set('RUNDIR_DUSTALK_EXT', extra === 'aciduptake' ? 'on ' : 'off');
  vars.set('RUNDIR_ACID_UPTAKE', extra === 'aciduptake' ? 'true' : 'false');
  vars.set('RUNDIR_MARINE_POA', extra === 'marinePOA' ? 'true' : 'false');
  vars.set('RUNDIR_RRTMG_OPTS', extra === 'RRTMG' ? 'true' : 'false');
  vars.set('RUNDIR_USE_RRTMG', extra === 'RRTMG' ? 'true ' : 'false');
  vars.set('RUNDIR_USE_NLPBL', /TOMAS/.test(extra) ? 'false' : 'true');
  vars.set('RUNDIR_USE_ONLINE_O3', /TOMAS/.test(extra) ? 'false' : 'true');

  const met = MET_SETTINGS[spec.meteorology.field];
  if (!met) throw new Error(`GCHP's createRunDir.sh offers no ${spec.meteorology.field} meteorology`);
  for (const [key, value] of parseSettings(readTemplate(`settings/${met.file}`))) vars.set(key, value);

  vars.set('RUNDIR_TRANSPORT_TS', String(GCHP_TIMESTEPS.transport));
  vars.set('RUNDIR_CHEMISTRY_TS', String(GCHP_TIMESTEPS.chemistry));
  return vars;
}

/** HISTORY.rc frequency/duration (HHmmSS, hours may exceed 99) for a spec frequency; undefined for monthly. */
function gchpHistoryInterval(spec: ResolvedSimulationSpec): string | undefined {
  switch (spec.diagnostics.frequency) {
    case 'hourly':
      return '010000';
    case '3-hourly':
      return '030000';
    case 'daily':
      return '240000';
    case 'monthly':
      return undefined;
    case 'end': {
      const hours = Math.round((Date.parse(spec.period.end) - Date.parse(spec.period.start)) / 3_600_000);
      return `${String(hours).padStart(2, '0')}0000`;
    }
  }
}

/**
 * GCHP's HISTORY.rc marks optional COLLECTIONS entries with "@": createRunDir.sh
 * turns them into comments for the benchmark and drops the mark otherwise.
 */
function resolveOptionalMarks(history: string, extraOption: string): string {
  return history
    .split('\n')
    .map((line) => (extraOption === 'benchmark' ? line.replace('@', '#') : line.replace('@', '')))
    .join('\n');
}

/** Sets frequency, duration and the monthly switch of each collection (what setCommonRunSettings.sh does). */
export function setGchpCollectionTiming(
  history: string,
  collections: readonly string[],
  interval: string | undefined,
): string {
  const lines = history.split('\n');
  const out: string[] = [];
  for (const line of lines) {
    const match = /^(\s*)([A-Za-z0-9_]+)\.(frequency|duration|monthly):(\s*)\S+(.*)$/.exec(line);
    if (!match || !collections.includes(match[2]!)) {
      out.push(line);
      const start = /^(\s*)([A-Za-z0-9_]+)\.timestampStart:/.exec(line);
      // Monthly output needs `<name>.monthly: 1`; add it where the template has none.
      if (start && interval === undefined && collections.includes(start[2]!)) {
        const name = start[2]!;
        if (!lines.some((other) => new RegExp(`^\\s*${name}\\.monthly:`).test(other))) {
          out.push(`${start[1]}${name}.monthly:        1`);
        }
      }
      continue;
    }
    const [, indent, name, key, space, rest] = match;
    if (key === 'monthly')
      out.push(`${indent}${name}.monthly:${space}${interval === undefined ? 1 : 0}${rest}`);
    else if (interval !== undefined) out.push(`${indent}${name}.${key}:${space}${interval}${rest}`);
    else out.push(line);
  }
  return out.join('\n');
}

/** GCHP's createRunDir.sh default name: gchp_{met}_{sim}[_{extra}][_{met files}_using_{advection}]. */
export function defaultGchpRunDirName(spec: ResolvedSimulationSpec): string {
  const extra = spec.simulation.extraOption;
  const suffix = MET_SETTINGS[spec.meteorology.field]?.nameSuffix ?? '';
  return `gchp_${spec.meteorology.field}_${spec.simulation.type}${extra !== 'none' ? `_${extra}` : ''}${suffix}`;
}

export function generateGchpRunDirectory(
  spec: ResolvedSimulationSpec,
  options: GenerateOptions = {},
): GeneratedRunDirectory {
  const sim = spec.simulation.type;
  if (!GCHP_SIMULATIONS.includes(sim)) {
    throw new Error(`GCHP run directories are generated for ${GCHP_SIMULATIONS.join(', ')} only, not ${sim}`);
  }
  const resolution = spec.grid.resolution;
  if (!isCubedSphere(resolution)) throw new Error(`GCHP needs a cubed-sphere resolution, not ${resolution}`);
  const { offered } = historyCollectionsFor(sim, 'gchp');
  const unknown = spec.diagnostics.collections.filter((name) => !offered.includes(name));
  if (unknown.length > 0)
    throw new Error(`not collections of the GCHP ${sim} HISTORY.rc: ${unknown.join(', ')}`);

  const vars = gchpRundirVariables(spec, options);
  const source = (kind: string): string => readTemplate(`GCHP/${kind}.templates/${kind}.${sim}`);
  const historyCollections = spec.diagnostics.collections.filter((name) => name !== RESTART_COLLECTION);
  let history = resolveOptionalMarks(source('HISTORY.rc'), spec.simulation.extraOption);
  history = selectCollections(history, historyCollections);
  history = setGchpCollectionTiming(history, historyCollections, gchpHistoryInterval(spec));

  const [startDate, startTime] = dateTime(spec.period.start);
  const files: Record<string, string> = {
    'geoschem_config.yml': fillTemplate(source('geoschem_config.yml'), vars, 'geoschem_config.yml'),
    'HISTORY.rc': fillTemplate(history, vars, 'HISTORY.rc'),
    // MAPL reads the start of the run from cap_restart (createRunDir.sh writes it).
    cap_restart: `${startDate} ${startTime}\n`,
    // GCHP, too, stops at once without it (GCHP's createRunDir.sh copies it in).
    [SPECIES_DATABASE]: speciesDatabase(spec.simulation.extraOption),
  };

  const cores = spec.compute.cores ?? 0;
  const nodes = spec.compute.nodes ?? 1;
  const assumptions = [
    `not generated, their templates are not in the bundled GEOS-Chem 14.7.0 reference: ${GCHP_FILES_NOT_GENERATED.join(', ')}; ` +
      'the GCHP image must supply them (setCommonRunSettings.sh then applies the values below)',
    `setCommonRunSettings.sh values for this run: CS_RES=${cubedSphereCells(resolution)}, TOTAL_CORES=${cores}, ` +
      `NUM_NODES=${nodes}, NUM_CORES_PER_NODE=${coresPerNode(cores, nodes)}, ` +
      `Start_Time="${startDate} ${startTime}", End_Time="${dateTime(spec.period.end).join(' ')}"`,
    `transport and chemistry timesteps are ${GCHP_TIMESTEPS.transport} s and ${GCHP_TIMESTEPS.chemistry} s, ` +
      "GCHP's setCommonRunSettings.sh defaults up to C180 (its template is not bundled)",
    `meteorology: the settings createRunDir.sh reads for its recommended ${spec.meteorology.field} choice (${MET_SETTINGS[spec.meteorology.field]!.file})`,
    'the Restart collection is not a GCHP HISTORY.rc collection: MAPL writes the end-of-run checkpoint set in GCHP.rc ' +
      '(GEOSChem.Restart.YYYYMMDD_hhmmz.cN.nc4)',
  ];
  if (spec.checkpoint) {
    assumptions.push(
      `mid-run checkpoints every ${spec.checkpoint.intervalHours} h: setCommonRunSettings.sh values Midrun_Checkpoint=ON, ` +
        `Checkpoint_Freq=${gchpCheckpointFrequency(spec.checkpoint.intervalHours)} (GCHP.rc's RECORD_FREQUENCY, ` +
        `RECORD_REF_DATE ${startDate} and RECORD_REF_TIME ${startTime}, from cap_restart)`,
    );
  }
  if (spec.diagnostics.frequency === 'monthly') {
    assumptions.push('monthly output uses HISTORY.rc\'s "<collection>.monthly: 1" switch');
  }
  // GCHP's createRunDir.sh makes Restarts/ (the runner adds OutputDir/).
  return { name: defaultGchpRunDirName(spec), files, directories: ['Restarts'], assumptions };
}
