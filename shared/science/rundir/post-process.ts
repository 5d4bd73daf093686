/**
 * The edits createRunDir.sh (GEOS-Chem Classic 14.7.0) makes to the filled
 * templates of a new run directory, in its order:
 *
 * 1. `setEFYOtoEYinHemcoConfig` (run/GCClassic/setupForRestarts.sh): the
 *    restart's time-cycle flag EFYO -> EY where the sample restart lacks species;
 * 2. `set_common_settings` (run/shared/setupConfigFiles.sh), fullchem only: the
 *    extra option's species in geoschem_config.yml, its HISTORY.rc and
 *    HEMCO_Diagn.rc switches, EFYO -> CYS for benchmark and TOMAS;
 * 3. `singleCarbonSpecies` (run/shared/singleCarbonSpecies.sh), carbon with one
 *    species: the other species' entries and emissions removed;
 * 4. nested domains: the regional met-field files instead of the global ones.
 *
 * Written from what those scripts do (docs/RUNDIR.md says which reference file
 * proves each edit); each works on the files as text, with sed's semantics
 * (text-edits.ts).
 */
import { appendAfter, bins, deleteLines, escapeRegExp, listItem, substitute } from './text-edits.js';

/** File name -> content; edited in place. */
export type RunDirFiles = Record<string, string>;

function edit(files: RunDirFiles, name: string, change: (text: string) => string): void {
  const text = files[name];
  if (text !== undefined) files[name] = change(text);
}

/** geoschem_config.yml: `species` (list items) after every line containing the item `after`. */
function addSpecies(files: RunDirFiles, after: string, species: readonly string[]): void {
  edit(files, 'geoschem_config.yml', (text) => appendAfter(text, listItem(after), species.map(listItem)));
}

function removeSpecies(files: RunDirFiles, name: string): void {
  edit(files, 'geoschem_config.yml', (text) => deleteLines(text, listItem(name)));
}

// ---- 1. restart time-cycle flag --------------------------------------------------

/** Simulations whose sample restart file lacks some species: createRunDir.sh lets them be missing (EY). */
function restartMayLackSpecies(simulation: string, extraOption: string): boolean {
  return (
    ['aciduptake', 'marinePOA', 'complexSOA_SVPOA', 'APM'].includes(extraOption) ||
    simulation === 'POPs' ||
    simulation === 'tagO3'
  );
}

const RESTART_EFYO = 'SpeciesRst_?ALL?    $YYYY/$MM/$DD/$HH EFYO';

function restartTimeCycle(files: RunDirFiles, simulation: string, extraOption: string): void {
  if (!restartMayLackSpecies(simulation, extraOption)) return;
  edit(files, 'HEMCO_Config.rc', (text) =>
    substitute(text, RESTART_EFYO, 'SpeciesRst_?ALL?    $YYYY/$MM/$DD/$HH EY  '),
  );
}

// ---- 2. fullchem extra options ---------------------------------------------------------

const TOMAS_GROUPS = ['NK', 'SF', 'SS', 'ECOB', 'ECIL', 'OCOB', 'OCIL', 'DUST', 'AW'] as const;

/** The TOMAS species geoschem_config.yml lists for 15 bins, in createRunDir.sh's order. */
function tomasSpecies(): string[] {
  return ['H2SO4', ...TOMAS_GROUPS.flatMap((group) => bins(group, 1, 15, 2))];
}

/** The APM species createRunDir.sh adds, in its (alphabetical) order. */
function apmSpecies(): string[] {
  return [
    ...bins('APMBCBIN', 1, 15, 2),
    ...['BC', 'DST', 'OC', 'SEA'].flatMap((kind) => bins(`APMCT${kind}`, 1, 2)),
    ...bins('APMDSTBIN', 1, 15, 2),
    'APMH2SO4',
    'APMLVSOA',
    'APMLVSOG',
    ...bins('APMOCBIN', 1, 15, 2),
    ...bins('APMSEABIN', 1, 20, 2),
    ...bins('APMSPBIN', 1, 40, 2),
  ];
}

function history(files: RunDirFiles, pattern: string | RegExp, replacement: string): void {
  edit(files, 'HISTORY.rc', (text) => substitute(text, pattern, replacement));
}

/** Uncomments collection `name` where the template has it switched off twice (`##'Name'`). */
function switchOnCollection(files: RunDirFiles, name: string): void {
  history(files, `##'${name}'`, `'${name}'`);
}

/** Benchmark: HEMCO diagnostics of the online extensions instead of the offline inventories. */
const BENCHMARK_DIAGNOSTICS: [string, string][] = [
  ['NO     0      3 ', 'NO     104    -1'], // soil NOx (ExtNr 104)
  ['SALA  0      3 ', 'SALA  107    -1'], // sea salt (ExtNr 107)
  ['SALC  0      3 ', 'SALC  107    -1'],
  ['AL  0      3 ', 'AL  107    -1'],
  ['CL  0      3 ', 'CL  107    -1'],
  ['0      3 ', '125    -1'], // dust (DustL23M, ExtNr 125)
  ['0      4 ', '108    -1'], // MEGAN (ExtNr 108)
  ['NH3    105    -1', 'NH3    0      3 '], // NaturalNH3 is ExtNr 0
  ['ALD2   105    -1', 'ALD2   0      3 '], // PlantDecay is ExtNr 0
  ['EOH    105    -1', 'EOH    0      3 '],
  ['#Inv', 'Inv'],
];

function fullchemExtraOption(files: RunDirFiles, extra: string): void {
  const complexSoa = extra === 'benchmark' || extra.includes('complexSOA') || extra === 'APM';
  const tomas = extra.includes('TOMAS');

  if (extra === 'benchmark') {
    edit(files, 'HEMCO_Config.rc', (text) => substitute(text, 'EFYO', 'CYS'));
    edit(files, 'geoschem_config.yml', (text) =>
      substitute(text, /^([\t ]*read_restart_as_real8[\t ]*:[\t ]*).*/, '$1true'),
    );
    for (const [from, to] of BENCHMARK_DIAGNOSTICS) {
      edit(files, 'HEMCO_Diagn.rc', (text) => substitute(text, from, to));
    }
    history(files, '@', '#');
    // Switches on every field and collection commented out once (`#'...`).
    history(files, "#'", "'");
  }

  if (extra === 'none') {
    history(files, '@', '');
    history(files, "#'Default", "'Default");
  }

  if (complexSoa) {
    addSpecies(files, 'AROMPN', [...bins('ASOA', 1, 3), 'ASOAN', ...bins('ASOG', 1, 3)]);
    addSpecies(files, 'TOLU', [...bins('TSOA', 0, 3), ...bins('TSOG', 0, 3)]);
    history(files, '@', '');
  }
  if (extra.includes('complexSOA')) {
    removeSpecies(files, 'SOAP');
    removeSpecies(files, 'SOAS');
  }

  if (extra === 'complexSOA_SVPOA') {
    removeSpecies(files, 'OCPI');
    removeSpecies(files, 'OCPO');
    addSpecies(files, 'N2O5', ['NAP']);
    addSpecies(files, 'OIO', [...bins('OPOA', 1, 2), ...bins('OPOG', 1, 2)]);
    addSpecies(files, 'PIP', [...bins('POA', 1, 2), ...bins('POG', 1, 2)]);
    history(files, '@', '');
  }

  if (extra === 'aciduptake') {
    addSpecies(files, 'DSTbin7', bins('DSTALbin', 1, 7));
    addSpecies(files, 'NITs', bins('NITDbin', 1, 7));
    addSpecies(files, 'SO4s', bins('SO4Dbin', 1, 7));
    history(files, '@', '');
  }

  if (extra === 'marinePOA') {
    addSpecies(files, 'MONITU', ['MOPI', 'MOPO']);
    history(files, '@', '');
  }

  if (extra === 'RRTMG') {
    history(files, '@', '');
    switchOnCollection(files, 'RRTMG');
    history(files, "#'Default", "'Default");
  }

  if (tomas) {
    edit(files, 'HEMCO_Config.rc', (text) => substitute(text, 'EFYO', 'CYS'));
    if (extra === 'TOMAS15') {
      // The extensions' species lists name 40 bins; a 15-bin run has 15.
      for (const group of ['SS', 'DUST']) {
        const extra40 = bins(group, 16, 40, 2)
          .map((name) => `/${name}`)
          .join('');
        edit(files, 'HEMCO_Config.rc', (text) => substitute(text, extra40, ''));
      }
    }
    addSpecies(files, 'XYLE', tomasSpecies());
    if (extra === 'TOMAS40') {
      for (const group of TOMAS_GROUPS) addSpecies(files, `${group}15`, bins(group, 16, 40, 2));
    }
    history(files, '@', '');
    switchOnCollection(files, 'Tomas');
    history(files, "#'Default", "'Default");
    // set_common_settings also adds TOMAS SpeciesConc fields after a GCHP-only
    // line ('SpeciesConcVV_ACET ... GCHPchem'), which GC Classic's HISTORY.rc lacks.
  }

  if (extra === 'APM') {
    addSpecies(files, 'XYLE', apmSpecies());
    history(files, '@', '');
  }
}

// ---- 3. carbon with one species -------------------------------------------------------

/** The carbon simulation's advected species, in singleCarbonSpecies.sh's order. */
const CARBON_SPECIES = ['CO2', 'CO', 'CH4', 'OCS'] as const;

function singleCarbonSpecies(files: RunDirFiles, keep: string): void {
  const exclude = CARBON_SPECIES.filter((species) => species !== keep);

  for (const species of exclude) {
    edit(files, 'geoschem_config.yml', (text) => deleteLines(text, new RegExp(`\\s*-\\s*\\b${species}\\b`)));
  }

  // HEMCO_Config.rc: the carbon extension's switches of the removed species off.
  for (const species of exclude) {
    const key = `--> USE_${species}_DATA`.padEnd(27);
    edit(files, 'HEMCO_Config.rc', (text) => substitute(text, `${key}:       true`, `${key}:       false`));
  }

  for (const species of exclude) {
    edit(files, 'HEMCO_Diagn.rc', (text) => deleteLines(text, `Emis${species}_`));
  }
  edit(files, 'HEMCO_Diagn.rc', (text) => deleteLines(text, '#####'));

  for (const species of exclude) {
    edit(files, 'HISTORY.rc', (text) => deleteLines(deleteLines(text, `_${species} `), `Emis${species}_`));
  }
  if (keep !== 'CH4') {
    // The kept species' line now starts the collection's field list.
    const firstFields: [string, string][] = [
      [`                            'Emis${keep}_Total`, `Emissions.fields:           'Emis${keep}_Total`],
      [
        `                            'SpeciesConcVV_${keep}`,
        `SpeciesConc.fields:         'SpeciesConcVV_${keep}`,
      ],
      [
        `                            'BudgetEmisDryDepFull_${keep}`,
        `Budget.fields:              'BudgetEmisDryDepFull_${keep}`,
      ],
      [
        `                              'CloudConvFlux_${keep}`,
        `CloudConvFlux.fields:         'CloudConvFlux_${keep}`,
      ],
    ];
    for (const [from, to] of firstFields) {
      edit(files, 'HISTORY.rc', (text) => text.replaceAll(from, to));
    }
  }
  if (keep === 'OCS') {
    // No OCS emissions: the Emissions collection is switched off.
    history(files, "'Emissions", "#'Emissions");
  }
}

// ---- 4. nested domains ------------------------------------------------------------------

function nestedMetFields(
  files: RunDirFiles,
  metConfig: string,
  resolutionLong: string,
  domain: string,
): void {
  // The script edits HEMCO_Config.rc.gmao_metfields(_0125) only: GCAP 2.0's met
  // file is left global.
  const target = metConfig.endsWith('_0125') ? metConfig : 'HEMCO_Config.rc.gmao_metfields';
  if (metConfig.endsWith('_0125')) {
    edit(files, target, (text) => substitute(text, 'GEOS_0.25x0.3125', `GEOS_0.25x0.3125_${domain}`));
    edit(files, target, (text) => substitute(text, '025x03125.$NC', `025x03125.${domain}.$NC`));
  }
  edit(files, target, (text) =>
    substitute(text, new RegExp(escapeRegExp(`GEOS_${resolutionLong}`)), `GEOS_${resolutionLong}_${domain}`),
  );
  edit(files, target, (text) => substitute(text, '$RES', `$RES.${domain}`));
}

// ---- all of them ---------------------------------------------------------------------------

export interface PostProcessOptions {
  simulation: string;
  extraOption: string;
  /** RUNDIR_MET_FIELD_CONFIG, the met-field file HEMCO_Config.rc includes. */
  metConfig: string;
  /** createRunDir.sh's nested region code, or undefined for a global run (or a custom domain). */
  nestedRegion?: string;
  /** RUNDIR_GRID_RES_LONG, e.g. "0.25x0.3125". */
  resolutionLong: string;
}

/** Applies createRunDir.sh's post-processing to the filled templates, in its order. */
export function postProcess(files: RunDirFiles, options: PostProcessOptions): void {
  const { simulation, extraOption } = options;
  restartTimeCycle(files, simulation, extraOption);
  if (simulation === 'fullchem') fullchemExtraOption(files, extraOption);
  if (simulation === 'carbon' && extraOption !== 'none') singleCarbonSpecies(files, extraOption);
  if (options.nestedRegion) {
    nestedMetFields(files, options.metConfig, options.resolutionLong, options.nestedRegion);
  }
}
