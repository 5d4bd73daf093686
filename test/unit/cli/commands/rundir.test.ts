/** `gcr rundir <spec.json> <dir>`, run in-process: writes the files, refuses what it should, exit codes. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCli, type CliIo } from '#cli/main.js';

let tmp: string;

async function gcr(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    cwd: tmp,
    now: () => new Date('2026-01-01T00:00:00Z'),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

const SPEC = {
  name: 'tropchem-july',
  simulation: { type: 'fullchem' },
  meteorology: { field: 'merra2' },
  grid: { resolution: '4x5' },
  period: { start: '2019-07-01T00:00:00Z', end: '2019-07-08T00:00:00Z' },
  diagnostics: { collections: ['SpeciesConc', 'Restart', 'AerosolMass'], frequency: 'daily' },
  compute: { backend: 'local' },
};

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'gcr-rundir-'));
  await writeFile(path.join(tmp, 'spec.json'), JSON.stringify(SPEC));
  await writeFile(
    path.join(tmp, 'bad.json'),
    JSON.stringify({ ...SPEC, grid: { resolution: '0.25x0.3125' }, meteorology: { field: 'merra2' } }),
  );
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('gcr rundir', () => {
  it('writes a run directory GEOS-Chem starts in and prints a summary', async () => {
    const run = await gcr(['rundir', 'spec.json', 'out']);
    expect(run.code).toBe(0);
    // GEOS-Chem stops at once without ./species_database.yml; HISTORY.rc writes to
    // OutputDir/ and the restarts go to Restarts/ (createRunDir.sh makes both).
    const entries = await readdir(path.join(tmp, 'out'), { withFileTypes: true });
    expect(entries.map((e) => `${e.name}${e.isDirectory() ? '/' : ''}`).sort()).toEqual(
      [
        'HEMCO_Config.rc',
        'HEMCO_Config.rc.gmao_metfields',
        'HEMCO_Diagn.rc',
        'HISTORY.rc',
        'OutputDir/',
        'Restarts/',
        'geoschem_config.yml',
        'species_database.yml',
      ].sort(),
    );
    expect(await readFile(path.join(tmp, 'out', 'species_database.yml'), 'utf8')).toMatch(/^O3:$/m);
    const config = await readFile(path.join(tmp, 'out', 'geoschem_config.yml'), 'utf8');
    expect(config).toContain('  end_date: [20190708, 000000]');
    expect(run.stdout).toContain('gc_4x5_merra2_fullchem');
    expect(run.stdout).toContain('grid        4x5 global');
    expect(run.stdout).toContain('met         MERRA-2');
    expect(run.stdout).toContain('levels      72');
    expect(run.stdout).toContain('period      2019-07-01T00:00:00Z to 2019-07-08T00:00:00Z');
    expect(run.stdout).toContain('collections SpeciesConc, Restart, AerosolMass (daily)');
    expect(run.stdout).toContain('directories OutputDir/, Restarts/');
  });

  it('writes the APM input files and the species database with the APM species for an APM run', async () => {
    await writeFile(
      path.join(tmp, 'apm.json'),
      JSON.stringify({ ...SPEC, simulation: { type: 'fullchem', extraOption: 'APM' } }),
    );
    expect((await gcr(['rundir', 'apm.json', 'apm'])).code).toBe(0);
    const names = await readdir(path.join(tmp, 'apm'));
    expect(names).toEqual(expect.arrayContaining(['apm_tmp.dat', 'input.apm', 'species_database.yml']));
    expect(await readFile(path.join(tmp, 'apm', 'species_database.yml'), 'utf8')).toMatch(/^APMH2SO4:$/m);
  });

  it('refuses what createRunDir.sh offers but the platform does not prepare, naming the field (exit 1)', async () => {
    await writeFile(
      path.join(tmp, 'tomas.json'),
      JSON.stringify({
        ...SPEC,
        simulation: { type: 'fullchem', extraOption: 'TOMAS15' },
        grid: { resolution: '0.5x0.625', nestedDomain: 'global' },
      }),
    );
    const run = await gcr(['rundir', 'tomas.json', 'tomas']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('simulation.extraOption');
    expect(run.stderr).toContain('is not prepared by the platform because');
    await expect(readdir(path.join(tmp, 'tomas'))).rejects.toThrow();
  });

  it('writes the data root given with --data-root into the files, and refuses a relative one (exit 2)', async () => {
    const run = await gcr(['rundir', 'spec.json', 'rooted', '--data-root', '/data/ExtData/']);
    expect(run.code).toBe(0);
    const config = await readFile(path.join(tmp, 'rooted', 'geoschem_config.yml'), 'utf8');
    expect(config).toContain('  root_data_dir: /data/ExtData\n');
    const met = await readFile(path.join(tmp, 'rooted', 'HEMCO_Config.rc.gmao_metfields'), 'utf8');
    expect(met).toContain('METDIR:   /data/ExtData/GEOS_4x5/MERRA2');
    expect((await gcr(['rundir', 'spec.json', 'relative', '--data-root', 'ExtData'])).code).toBe(2);
  });

  it('refuses a non-empty directory unless --force (exit 1)', async () => {
    await mkdir(path.join(tmp, 'full'));
    await writeFile(path.join(tmp, 'full', 'x'), 'x');
    const refused = await gcr(['rundir', 'spec.json', 'full']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not empty');
    const forced = await gcr(['rundir', 'spec.json', 'full', '--force']);
    expect(forced.code).toBe(0);
    expect(await readdir(path.join(tmp, 'full'))).toContain('HISTORY.rc');
  });

  it('refuses an invalid spec with its issues (exit 1) and writes nothing', async () => {
    const run = await gcr(['rundir', 'bad.json', 'never']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('grid.resolution');
    await expect(readdir(path.join(tmp, 'never'))).rejects.toThrow();
  });

  it('reports a missing spec file (exit 1) and a missing argument (exit 2)', async () => {
    expect((await gcr(['rundir', 'nope.json', 'x'])).code).toBe(1);
    expect((await gcr(['rundir', 'spec.json'])).code).toBe(2);
  });

  it('prints the summary as JSON with --json', async () => {
    const run = await gcr(['--json', 'rundir', 'spec.json', 'json-out']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { name: string; levels: number; files: string[] };
    expect(summary.name).toBe('gc_4x5_merra2_fullchem');
    expect(summary.levels).toBe(72);
    expect(summary.files).toContain('HEMCO_Diagn.rc');
  });
});
