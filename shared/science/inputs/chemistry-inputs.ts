/**
 * Chemistry inputs whose paths are in GEOS-Chem's code rather than in
 * HEMCO_Config.rc: each rule names the routine that opens the files, the
 * setting of the run directory that makes it run, and the files. Derived
 * from the GEOS-Chem Classic 14.7.0 source (commit df4592e8) and checked
 * against the logs of its dry runs (test/fixtures/geoschem/dryrun-14.7.0/);
 * docs/INPUTS-AND-ESTIMATES.md lists which rules the logs confirm and which
 * are read from the source only.
 */

/** What the rules need from geoschem_config.yml and the spec. */
export interface ChemistrySettings {
  /** geoschem_config.yml simulation.name: "fullchem", "aerosol", "Hg", "TransportTracers" ... */
  simulation: string;
  /** The spec's extra option ("none", "TOMAS15", "APM" ...). */
  extraOption: string;
  /** geoschem_config.yml grid.resolution, e.g. "4.0x5.0". */
  resolution: string;
  /** operations.dry_deposition.activate */
  dryDeposition: boolean;
  /** operations.photolysis.activate */
  photolysis: boolean;
  /** operations.chemistry.linear_chemistry_aloft.use_linoz_for_O3 */
  linoz: boolean;
  /** operations.photolysis.cloud-j.cloudj_input_dir, data-root relative ("CHEM_INPUTS/CLOUD_J/v2025-01/"). */
  cloudJDir?: string;
  /** aerosols.optics.input_dir, data-root relative. */
  aerosolOpticsDir?: string;
}

export interface ChemistryInput {
  /** Data-root-relative key; a prefix (ending in "/") for a directory read selectively. */
  key: string;
  /** The routine that opens it (GEOS-Chem source file). */
  reader: string;
  /** Why this run opens it. */
  rule: string;
}

const CHEM = 'CHEM_INPUTS/';
const UCX_SPECIES = ['O', 'O1D', 'JNO', 'JNO2', 'JNO3', 'JN2O'];
/** Cloud-J's Init_CldJ with MODEL_GEOSCHEM (cldj_init_mod.F90): the other tables are only read stand-alone. */
const CLOUD_J_FILES = [
  'FJX_spec.dat',
  'FJX_scat-aer.dat',
  'FJX_scat-cld.dat',
  'FJX_scat-ssa.dat',
  'FJX_j2j.dat',
];
/** RD_AOD's SPECFIL (aerosol_mod.F90), h2so4.dat twice. */
const AEROSOL_OPTICS_FILES = [
  'so4.dat',
  'soot.dat',
  'org.dat',
  'ssa.dat',
  'ssc.dat',
  'h2so4.dat',
  'dust.dat',
];

const withSlash = (dir: string): string => dir.replace(/\/*$/, '/');

export function chemistryInputs(settings: ChemistrySettings): ChemistryInput[] {
  const inputs: ChemistryInput[] = [];
  const add = (reader: string, rule: string, keys: string[]): void => {
    for (const key of keys) inputs.push({ key, reader, rule });
  };
  const sim = settings.simulation.toLowerCase();
  const fullchemOrAerosol = sim === 'fullchem' || sim === 'aerosol';

  if (settings.dryDeposition) {
    add('READ_DRYDEP_INPUTS (drydep_mod.F90)', 'dry deposition is on (operations.dry_deposition.activate)', [
      `${CHEM}Olson_Land_Map_201203/Olson_2001_Drydep_Inputs.nc`,
    ]);
  }
  if (fullchemOrAerosol || sim === 'hg') {
    // main.F90 calls Init_Photolysis for fullchem, aerosol and Hg
    if (settings.photolysis && settings.cloudJDir) {
      add(
        'Init_CloudJ (cldj_interface_mod.F90, Cloud-J Init_CldJ)',
        'photolysis is on (operations.photolysis.activate): Cloud-J tables',
        CLOUD_J_FILES.map((name) => `${withSlash(settings.cloudJDir!)}${name}`),
      );
    }
    add(
      'RD_PROF_NC (photolysis_mod.F90)',
      'Init_Photolysis (fullchem, aerosol, Hg): temperature and ozone climatology',
      [`${CHEM}FastJ_201204/fastj.jv_atms_dat.nc`],
    );
  }
  if (fullchemOrAerosol && settings.aerosolOpticsDir) {
    add(
      'RD_AOD (aerosol_mod.F90)',
      'Init_Aerosol (fullchem, aerosol): aerosol optical properties',
      AEROSOL_OPTICS_FILES.map((name) => `${withSlash(settings.aerosolOpticsDir!)}${name}`),
    );
  }
  if (fullchemOrAerosol) {
    // NOXCOEFF_INIT: 4x5 has its own tables, every other grid uses the 2x2.5 ones
    const grid = settings.resolution === '4.0x5.0' ? 'Grid4x5' : 'Grid2x25';
    const keys: string[] = [];
    for (let month = 1; month <= 12; month++) {
      for (const species of UCX_SPECIES)
        keys.push(
          `${CHEM}UCX_201403/NoonTime/${grid}/InitCFC_${species}_${String(month).padStart(2, '0')}.dat`,
        );
    }
    add(
      'NOXCOEFF_INIT (ucx_mod.F90)',
      `INIT_UCX (fullchem, aerosol): noon-time NOx coefficients, 12 months, ${grid === 'Grid4x5' ? 'the 4x5 tables' : 'the 2x2.5 tables (every grid but 4x5)'}`,
      keys,
    );
  }
  if (settings.linoz) {
    add(
      'LINOZ_READ (linoz_mod.F90)',
      'Linoz is on (operations.chemistry.linear_chemistry_aloft.use_linoz_for_O3)',
      [`${CHEM}Linoz_200910/Linoz_March2007.dat`],
    );
  }
  const tomas = /^TOMAS(\d+)$/.exec(settings.extraOption);
  if (tomas) {
    // INIT_TOMAS: 12 or 15 bins read the *_12 tables, 30 or 40 bins the others
    const suffix = Number(tomas[1]) <= 15 ? '_12' : '';
    add(
      'INIT_TOMAS (tomas_mod.F90)',
      `TOMAS microphysics (${settings.extraOption}): activation look-up tables and cosmic-ray ion pairs`,
      [
        ...['binact02', 'binact10', 'fraction02', 'fraction10'].map(
          (name) => `${CHEM}TOMAS_201402/${name}${suffix}.dat`,
        ),
        `${CHEM}TOMAS_201402/IonPairs1GV.4x5`,
      ],
    );
  }
  if (settings.extraOption === 'APM') {
    add(
      'APM_INIT and the APM modules (APM/*.F)',
      'APM microphysics: look-up tables chosen by its own settings, so the directory is staged whole',
      [`${CHEM}APM_data_201906/`],
    );
  }
  return inputs;
}

/** The settings the rules need, from a parsed geoschem_config.yml. */
export function chemistrySettings(config: unknown, extraOption: string, dataRoot: string): ChemistrySettings {
  const get = (path: string): unknown =>
    path
      .split('.')
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], config);
  const relative = (value: unknown): string | undefined =>
    typeof value === 'string' && value.startsWith(`${dataRoot}/`)
      ? value.slice(dataRoot.length + 1).replace(/\/{2,}/g, '/')
      : undefined;
  const cloudJDir = relative(get('operations.photolysis.cloud-j.cloudj_input_dir'));
  const aerosolOpticsDir = relative(get('aerosols.optics.input_dir'));
  return {
    simulation: String(get('simulation.name') ?? ''),
    extraOption,
    resolution: String(get('grid.resolution') ?? ''),
    dryDeposition: get('operations.dry_deposition.activate') === true,
    photolysis: get('operations.photolysis.activate') === true,
    linoz: get('operations.chemistry.linear_chemistry_aloft.use_linoz_for_O3') === true,
    ...(cloudJDir ? { cloudJDir } : {}),
    ...(aerosolOpticsDir ? { aerosolOpticsDir } : {}),
  };
}
