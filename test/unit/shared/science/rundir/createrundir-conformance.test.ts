/**
 * Conformance with GEOS-Chem Classic 14.7.0's own createRunDir.sh: for each of
 * the 8 run directories the real script wrote (test/fixtures/geoschem/
 * createrundir-14.7.0/, see its README), the spec that answers the script's
 * menus the same way (answers.txt), with the script's default period (the
 * month of its sample restart file) and diagnostics (monthly, the collections
 * it leaves switched on), generates every configuration file byte for byte as
 * the script did, the same species database, and the same RUNDIR_* values
 * (CreateRunDirLogs/rundir_vars.txt).
 *
 * Normalisation: none for the files (the script ran with the data root
 * /ExtData, the generator's default). The last test generates with another data
 * root and compares after replacing the reference's data root /ExtData (where it
 * starts a path, not inside a URL) by it: the data root is the only difference.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { generateRunDirectory, rundirVariables } from '#shared/science/rundir/generate.js';
import { parseSettings } from '#shared/science/rundir/templates.js';
import { validateSimulationSpec, type ResolvedSimulationSpec } from '#shared/science/spec/validate-spec.js';

const FIXTURES = fileURLToPath(
  new URL('../../../../fixtures/geoschem/createrundir-14.7.0/', import.meta.url),
);

/** A reference file: answers.txt as is, the others stored gzipped. */
function fixture(config: string, file: string): string {
  const path = `${FIXTURES}${config}/${file}`;
  if (file === 'answers.txt') return readFileSync(path, 'utf8');
  return gunzipSync(readFileSync(`${path}.gz`)).toString('utf8');
}

interface Config {
  /** Folder under the fixtures. */
  dir: string;
  /** The menu answers (answers.txt comments) the spec stands for. */
  answers: string[];
  simulation: { type: string; extraOption?: string };
  met: string;
  grid: { resolution: string; nestedDomain?: string; levels: number };
  /** createRunDir.sh's default period for the simulation: its sample restart's month. */
  period: [string, string];
  /** The collections the script leaves switched on in HISTORY.rc. */
  collections: string[];
}

const JULY_2019: [string, string] = ['2019-07-01', '2019-08-01'];
const JANUARY_2019: [string, string] = ['2019-01-01', '2019-02-01'];

/** A configuration answering createRunDir.sh's met, grid and levels menus with 1: MERRA-2, 4x5, 72 levels. */
function merra2At4x5(
  dir: string,
  answers: string[],
  simulation: Config['simulation'],
  period: [string, string],
  collections: string[],
): Config {
  return {
    dir,
    answers: [...answers, 'met: 1 MERRA-2', 'resolution: 1 4x5', 'levels: 1 72'],
    simulation,
    met: 'merra2',
    grid: { resolution: '4x5', levels: 72 },
    period,
    collections,
  };
}

const FULLCHEM = 'simulation: 1 Full chemistry';

const CONFIGS: Config[] = [
  merra2At4x5(
    'fullchem_4x5_merra2',
    [FULLCHEM, 'extra option: 1 Standard'],
    { type: 'fullchem' },
    JULY_2019,
    ['Restart', 'Metrics', 'SpeciesConc'],
  ),
  merra2At4x5(
    'fullchem_benchmark_4x5_merra2',
    [FULLCHEM, 'extra option: 2 Benchmark'],
    { type: 'fullchem', extraOption: 'benchmark' },
    JULY_2019,
    [
      'Restart',
      'Metrics',
      'SpeciesConc',
      'AdvFluxVert',
      'AerosolMass',
      'Aerosols',
      'DryDep',
      'JValues',
      'StateMet',
    ],
  ),
  merra2At4x5(
    'fullchem_TOMAS15_4x5_merra2',
    [FULLCHEM, 'extra option: 6 TOMAS', 'TOMAS: 1 15 bins'],
    { type: 'fullchem', extraOption: 'TOMAS15' },
    JULY_2019,
    ['Restart', 'Metrics', 'SpeciesConc', 'Tomas'],
  ),
  {
    dir: 'fullchem_025x03125_NA_geosfp',
    answers: [
      FULLCHEM,
      'extra option: 1 Standard',
      'met: 2 GEOS-FP',
      'resolution: 4 0.25x0.3125',
      'domain: 4 North America',
      'levels: 1 72',
    ],
    simulation: { type: 'fullchem' },
    met: 'geosfp',
    grid: { resolution: '0.25x0.3125', nestedDomain: 'NA', levels: 72 },
    period: JULY_2019,
    collections: ['Restart', 'Metrics', 'SpeciesConc'],
  },
  merra2At4x5('aerosol_4x5_merra2', ['simulation: 2 Aerosols only'], { type: 'aerosol' }, JULY_2019, [
    'Restart',
    'SpeciesConc',
  ]),
  merra2At4x5(
    'carbon_CH4_4x5_merra2',
    ['simulation: 3 Carbon', 'species: 2 CH4 only'],
    { type: 'carbon', extraOption: 'CH4' },
    JANUARY_2019,
    ['Restart', 'Metrics', 'SpeciesConc', 'Carbon', 'StateMet', 'StateMetLevEdge'],
  ),
  merra2At4x5('tagO3_4x5_merra2', ['simulation: 6 Tagged O3'], { type: 'tagO3' }, JULY_2019, [
    'Restart',
    'SpeciesConc',
  ]),
  merra2At4x5(
    'TransportTracers_4x5_merra2',
    ['simulation: 7 TransportTracers'],
    { type: 'TransportTracers' },
    JANUARY_2019,
    [
      'Restart',
      'RadioNuclide',
      'SpeciesConc',
      'CloudConvFlux',
      'DryDep',
      'StateMet',
      'StateMetLevEdge',
      'WetLossConv',
      'WetLossLS',
      'AdvFluxVert',
    ],
  ),
];

function specFor(config: Config): ResolvedSimulationSpec {
  const result = validateSimulationSpec(
    {
      name: config.dir,
      simulation: config.simulation,
      meteorology: { field: config.met },
      grid: config.grid,
      period: { start: `${config.period[0]}T00:00:00Z`, end: `${config.period[1]}T00:00:00Z` },
      diagnostics: { collections: config.collections, frequency: 'monthly' },
      compute: { backend: 'local' },
    },
    { now: new Date('2026-12-06T00:00:00Z') },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}

/** The RUNDIR_* values of a rundir_vars.txt, as init_rd.sh sources it: last assignment wins, ${VAR} expanded. */
function sourcedVariables(text: string): Map<string, string> {
  const vars = new Map(parseSettings(text).filter(([key]) => key.startsWith('RUNDIR_')));
  for (const [key, value] of vars) {
    vars.set(
      key,
      value.replace(/\$\{(RUNDIR_[A-Za-z0-9_]+)\}/g, (whole, name: string) => vars.get(name) ?? whole),
    );
  }
  return vars;
}

/** The reference's configuration files (fixtures other than the answers, the variables and the database). */
function configurationFiles(config: string): string[] {
  return readdirSync(`${FIXTURES}${config}`)
    .filter((name) => name.endsWith('.gz'))
    .map((name) => name.slice(0, -'.gz'.length))
    .filter((name) => name !== 'rundir_vars.txt' && name !== 'species_database.yml')
    .sort();
}

const INDEX = new Map(
  readFileSync(`${FIXTURES}INDEX.txt`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' -> ') as [string, string]),
);

describe('createRunDir.sh 14.7.0 conformance', () => {
  it('covers every configuration of the reference', () => {
    expect(CONFIGS.map((c) => c.dir).sort()).toEqual([...INDEX.keys()].sort());
  });

  describe.each(CONFIGS.map((config) => [config.dir, config] as const))('%s', (dir, config) => {
    const generated = generateRunDirectory(specFor(config));

    it('stands for the menu answers given to the script', () => {
      const answers = fixture(dir, 'answers.txt');
      for (const answer of config.answers) expect(answers).toContain(`# ${answer}\n`);
    });

    it('has the run-directory name the script chose', () => {
      expect(generated.name).toBe(INDEX.get(dir));
    });

    it.each(configurationFiles(dir))('writes %s byte for byte as the script did', (file) => {
      expect(generated.files[file]).toBe(fixture(dir, file));
    });

    it('writes no other configuration file', () => {
      const own = Object.keys(generated.files).filter(
        (name) => !['species_database.yml', 'apm_tmp.dat', 'input.apm'].includes(name),
      );
      expect(own.sort()).toEqual(configurationFiles(dir));
    });

    it('computes every RUNDIR_* value of rundir_vars.txt, and no other', () => {
      const expected = sourcedVariables(fixture(dir, 'rundir_vars.txt'));
      const { vars } = rundirVariables(specFor(config));
      expect(Object.fromEntries(vars)).toEqual(Object.fromEntries(expected));
    });

    it('makes the directories GEOS-Chem writes into (Restarts/ by the script, OutputDir/ by init_rd.sh)', () => {
      expect(generated.directories).toEqual(['OutputDir', 'Restarts']);
    });
  });

  it('writes the TOMAS species database as the script did: the stock one with the TOMAS species appended', () => {
    const tomas = CONFIGS.find((c) => c.dir === 'fullchem_TOMAS15_4x5_merra2')!;
    const reference = fixture(tomas.dir, 'species_database.yml');
    expect(generateRunDirectory(specFor(tomas)).files['species_database.yml']).toBe(reference);
    // Every other configuration gets the stock database: the reference's part before the TOMAS additions.
    const stock = generateRunDirectory(specFor(CONFIGS[0]!)).files['species_database.yml']!;
    expect(reference.startsWith(stock)).toBe(true);
    expect(reference.slice(stock.length)).toMatch(/^NK01:$/m);
    expect(stock).not.toMatch(/^NK01:$/m);
    for (const config of CONFIGS.filter((c) => c !== tomas)) {
      expect(generateRunDirectory(specFor(config)).files['species_database.yml']).toBe(stock);
    }
  });

  it('differs from the script only in the data root path when given another data root', () => {
    const config = CONFIGS.find((c) => c.dir === 'fullchem_025x03125_NA_geosfp')!;
    const generated = generateRunDirectory(specFor(config), { dataRoot: '/data/geos-chem' });
    for (const file of configurationFiles(config.dir)) {
      // The data root starts a path; a URL's ".../ExtData/..." in a comment is not it.
      const normalised = fixture(config.dir, file).replace(/(?<![\w.])\/ExtData\b/g, '/data/geos-chem');
      expect([file, generated.files[file]]).toEqual([file, normalised]);
    }
  });
});
