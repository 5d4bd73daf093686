import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { EXIT_CODES } from '#shared/kernel/compute/exit-codes.js';
import { NetcdfReader } from '#shared/science/netcdf/reader.js';
import { jobStatusFileSchema } from '#schemas/generated/schemas.js';
import { validatorFor } from '#schemas/validator.js';
import { s3rverClient } from '#test/helpers/s3rver-client.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const MAIN = path.join(repoRoot, 'containers/demo-model/src/main.ts');
const NCDUMP = (() => {
  try {
    execFileSync('ncdump', [], { stdio: 'pipe' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  }
  return 'ncdump';
})();
if (!NCDUMP)
  console.warn('ncdump is not installed (apt-get install netcdf-bin): the ncdump checks are SKIPPED');
const withNcdump = NCDUMP ? it : it.skip;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the demo model as the local backend does: `node --import tsx containers/demo-model/src/main.ts`. */
function startDemo(env: Record<string, string>): { child: ChildProcess; done: Promise<Run> } {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('GCR_') && !key.startsWith('AWS_')),
  ) as Record<string, string>;
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: repoRoot,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Run>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

function runDemo(env: Record<string, string>): Promise<Run> {
  return startDemo(env).done;
}

const validStatus = validatorFor(jobStatusFileSchema.$id);

/** The status file, which every test checks against the job contract (schemas/job/job-status.schema.json). */
function readStatus(file: string): any {
  return contractStatus(readFileSync(file, 'utf8'));
}

function contractStatus(text: string): any {
  const status = JSON.parse(text);
  expect([validStatus(status), validStatus.errors ?? []]).toEqual([true, []]);
  return status;
}

const example = (name: string): any =>
  JSON.parse(readFileSync(path.join(repoRoot, 'examples', name), 'utf8'));

/** Methane only (one species) on 4x5 with 47 levels: the quickest spec for behaviour tests. */
const QUICK_SPEC = {
  name: 'demo behaviour test',
  simulation: { type: 'carbon', extraOption: 'CH4' },
  meteorology: { field: 'merra2' },
  grid: { resolution: '4x5', levels: 47 },
  period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' },
  diagnostics: { collections: ['SpeciesConc', 'Restart'], frequency: 'hourly' },
};

let work: string;
let counter = 0;
function runDir(): { dir: string; out: string; status: string } {
  const dir = path.join(work, `run-${++counter}`);
  mkdirSync(dir, { recursive: true });
  return { dir, out: path.join(dir, 'OutputDir'), status: path.join(dir, 'gcr-status.json') };
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'gcr-demo-model-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('demo model: the 4x5 local example (TransportTracers, one day, hourly; 47 levels to stay small)', () => {
  let run: Run;
  let paths: ReturnType<typeof runDir>;
  let elapsedMs: number;

  beforeAll(async () => {
    paths = runDir();
    const spec = example('demo-local-4x5-1day.json');
    spec.grid.levels = 47;
    const specFile = path.join(paths.dir, 'spec.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const started = Date.now();
    run = await runDemo({
      GCR_SPEC_FILE: specFile,
      GCR_OUTPUT_DIR: paths.out,
      GCR_STATUS_FILE: paths.status,
      GCR_DEMO_WALL_SECONDS: '0',
    });
    elapsedMs = Date.now() - started;
  }, 240_000);

  it('succeeds and says it is a demo, not GEOS-Chem, with GEOS-Chem-like progress lines', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('NOT GEOS-Chem');
    expect(run.stdout).toContain('--- demo model: simulated 2019-01-01 06:00 (24.0%)');
    expect(run.stdout).toContain('--- demo model: simulated 2019-01-02 00:00 (100.0%)');
    console.info(`4x5 47-level one-day hourly TransportTracers demo: ${(elapsedMs / 1000).toFixed(1)} s`);
  });

  it('writes one SpeciesConc file for the day and a Restart at the end, named as GEOS-Chem names them', () => {
    expect(readdirSync(paths.out).sort()).toEqual([
      'GEOSChem.Restart.20190102_0000z.nc4',
      'GEOSChem.SpeciesConc.20190101_0000z.nc4',
    ]);
  });

  it('leaves the status file at 100% succeeded, listing the files, in the shape of schemas/job/job-status.schema.json', () => {
    const status = readStatus(paths.status);
    expect(status).toMatchObject({
      schemaVersion: '1',
      model: 'gcr-demo',
      state: 'succeeded',
      percent: 100,
      simulatedTime: '2019-01-02T00:00:00Z',
      files: ['GEOSChem.SpeciesConc.20190101_0000z.nc4', 'GEOSChem.Restart.20190102_0000z.nc4'],
      exitCode: 0,
    });
    expect(Date.parse(status.updatedAt)).not.toBeNaN();
    expect(readdirSync(path.dirname(paths.status)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('SpeciesConc holds 24 hourly records on the 46 x 72 grid and 47 levels, GEOS-Chem style', async () => {
    const reader = await NetcdfReader.open(path.join(paths.out, 'GEOSChem.SpeciesConc.20190101_0000z.nc4'));
    try {
      const header = reader.header();
      expect(header.format).toBe('netCDF-4 classic model');
      expect(header.dimensions).toEqual([
        { name: 'time', length: 24, unlimited: true },
        { name: 'lev', length: 47, unlimited: false },
        { name: 'ilev', length: 48, unlimited: false },
        { name: 'lat', length: 46, unlimited: false },
        { name: 'lon', length: 72, unlimited: false },
        { name: 'nb', length: 2, unlimited: false },
      ]);
      const names = header.variables.map((v) => v.name);
      expect(names.slice(0, 13)).toEqual([
        'time',
        'lev',
        'ilev',
        'lat_bnds',
        'lat',
        'lon_bnds',
        'lon',
        'hyam',
        'hybm',
        'hyai',
        'hybi',
        'P0',
        'AREA',
      ]);
      expect(names).toContain('SpeciesConcVV_Rn222');
      const rn = header.variables.find((v) => v.name === 'SpeciesConcVV_Rn222')!;
      expect(rn).toMatchObject({
        type: 'float',
        dims: ['time', 'lev', 'lat', 'lon'],
        shape: [24, 47, 46, 72],
      });
      expect(rn.attributes).toEqual({
        long_name: 'Concentration of species Rn222',
        units: 'mol mol-1 dry',
        averaging_method: 'time-averaged',
      });
      const time = header.variables.find((v) => v.name === 'time')!;
      expect(time.attributes['units']).toBe('minutes since 2019-01-01 00:00:00');
      expect(Array.from(reader.read('time'))).toEqual(Array.from({ length: 24 }, (_, i) => i * 60));
      expect(Array.from(reader.read('lat')).slice(0, 3)).toEqual([-89, -86, -82]);
      expect(Array.from(reader.read('lon')).slice(-2)).toEqual([170, 175]);
      expect(header.attributes).toMatchObject({
        conventions: 'COARDS',
        format: 'NetCDF-4',
        source: 'gcr-demo',
        simulation_start_date_and_time: '2019-01-01 00:00:00z',
        simulation_end_date_and_time: '2019-01-02 00:00:00z',
      });
      expect(String(header.attributes['title'])).toMatch(/not GEOS-Chem.*: SpeciesConc$/);
      const surface = reader.readSlab('SpeciesConcVV_Rn222', [23, 0, 0, 0], [1, 1, 46, 72]);
      expect(surface.every((x) => x > 1e-22 && x < 1e-18)).toBe(true);
    } finally {
      reader.close();
    }
  });

  it('Restart holds one instantaneous record of SpeciesRst_<species> at the end time', async () => {
    const reader = await NetcdfReader.open(path.join(paths.out, 'GEOSChem.Restart.20190102_0000z.nc4'));
    try {
      const header = reader.header();
      expect(header.dimensions[0]).toEqual({ name: 'time', length: 1, unlimited: true });
      const rst = header.variables.find((v) => v.name === 'SpeciesRst_Pb210')!;
      expect(rst.shape).toEqual([1, 47, 46, 72]);
      expect(rst.attributes).toMatchObject({
        long_name: 'Dry mixing ratio of species Pb210',
        averaging_method: 'instantaneous',
      });
      expect(header.variables.find((v) => v.name === 'time')!.attributes['units']).toBe(
        'minutes since 2019-01-02 00:00:00',
      );
    } finally {
      reader.close();
    }
  });

  withNcdump('ncdump (netCDF C library) reads the output: dims, coordinates and species attributes', () => {
    const file = path.join(paths.out, 'GEOSChem.SpeciesConc.20190101_0000z.nc4');
    const header = execFileSync(NCDUMP!, ['-h', file], { encoding: 'utf8' });
    expect(header).toContain('time = UNLIMITED ; // (24 currently)');
    expect(header).toMatch(/\tlev = 47 ;\n\tilev = 48 ;\n\tlat = 46 ;\n\tlon = 72 ;\n\tnb = 2 ;/);
    expect(header).toContain('float SpeciesConcVV_Be7(time, lev, lat, lon) ;');
    expect(header).toContain('SpeciesConcVV_Be7:units = "mol mol-1 dry" ;');
    expect(header).toContain('float AREA(lat, lon) ;');
    expect(header).toContain('lev:formula_terms = "a: hyam b: hybm p0: P0 ps: PS" ;');
    const coordinates = execFileSync(NCDUMP!, ['-v', 'lat', file], { encoding: 'utf8' });
    expect(coordinates).toMatch(/lat = -89, -86, -82, .* 82, 86, 89 ;/s);
  });
});

describe('demo model: nested grids', () => {
  it('writes the NA 0.25x0.3125 domain of the CH4 example as 201 x 224 cells', async () => {
    const paths = runDir();
    const spec = example('carbon-ch4-nested-na-025.json');
    spec.period = { start: '2019-01-01T00:00:00Z', end: '2019-01-01T02:00:00Z' };
    const run = await runDemo({
      GCR_SPEC: JSON.stringify(spec),
      GCR_OUTPUT_DIR: paths.out,
      GCR_STATUS_FILE: paths.status,
      GCR_DEMO_WALL_SECONDS: '0',
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(readdirSync(paths.out).sort()).toEqual([
      'GEOSChem.Restart.20190101_0200z.nc4',
      'GEOSChem.SpeciesConc.20190101_0000z.nc4',
    ]);
    const reader = await NetcdfReader.open(path.join(paths.out, 'GEOSChem.SpeciesConc.20190101_0000z.nc4'));
    try {
      const header = reader.header();
      expect(header.dimensions.map((d) => [d.name, d.length])).toEqual([
        ['time', 2],
        ['lev', 47],
        ['ilev', 48],
        ['lat', 201],
        ['lon', 224],
        ['nb', 2],
      ]);
      expect(header.variables.filter((v) => v.name.startsWith('SpeciesConcVV_')).map((v) => v.name)).toEqual([
        'SpeciesConcVV_CH4',
      ]);
      const lat = reader.read('lat');
      const lon = reader.read('lon');
      expect([lat[0], lat[200], lon[0], lon[223]]).toEqual([9.75, 59.75, -130, -60.3125]);
      const ch4 = reader.readSlab('SpeciesConcVV_CH4', [0, 0, 0, 0], [1, 1, 201, 224]);
      expect(ch4.every((x) => x > 1.5e-6 && x < 2.3e-6)).toBe(true);
    } finally {
      reader.close();
    }
  }, 120_000);
});

describe('demo model: pacing', () => {
  it('spreads the run over GCR_DEMO_WALL_SECONDS', async () => {
    const paths = runDir();
    const started = Date.now();
    const run = await runDemo({
      GCR_SPEC: JSON.stringify({
        ...QUICK_SPEC,
        diagnostics: { collections: ['SpeciesConc', 'Restart'], frequency: '3-hourly' },
      }),
      GCR_OUTPUT_DIR: paths.out,
      GCR_STATUS_FILE: paths.status,
      GCR_DEMO_WALL_SECONDS: '4',
    });
    const elapsed = Date.now() - started;
    expect(run.code).toBe(0);
    expect(elapsed).toBeGreaterThanOrEqual(4_000);
    expect(elapsed).toBeLessThan(30_000);
    const status = readStatus(paths.status);
    expect(Date.parse(status.updatedAt) - Date.parse(status.startedAt)).toBeGreaterThanOrEqual(3_000);
    expect(run.stdout.match(/--- demo model: simulated /g)).toHaveLength(9);
  }, 60_000);
});

describe('demo model: failures and stopping', () => {
  it('GCR_DEMO_FAIL_AT_PERCENT makes it fail with exit 3 once that progress is reached', async () => {
    const paths = runDir();
    const run = await runDemo({
      GCR_SPEC: JSON.stringify(QUICK_SPEC),
      GCR_OUTPUT_DIR: paths.out,
      GCR_STATUS_FILE: paths.status,
      GCR_DEMO_WALL_SECONDS: '0',
      GCR_DEMO_FAIL_AT_PERCENT: '50',
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/failure injected at 52% \(GCR_DEMO_FAIL_AT_PERCENT=50\)/);
    const status = readStatus(paths.status);
    expect(status).toMatchObject({ state: 'failed', percent: 52, exitCode: 3, files: [] });
    expect(status.message).toMatch(/GCR_DEMO_FAIL_AT_PERCENT/);
    // The half-written SpeciesConc file is removed.
    expect(readdirSync(paths.out)).toEqual([]);
  }, 120_000);

  it('stops promptly on SIGTERM: status cancelled, exit 143', async () => {
    const paths = runDir();
    const { child, done } = startDemo({
      GCR_SPEC: JSON.stringify(QUICK_SPEC),
      GCR_OUTPUT_DIR: paths.out,
      GCR_STATUS_FILE: paths.status,
      GCR_DEMO_WALL_SECONDS: '120',
    });
    // Wait until it is running and has made some progress.
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (existsSync(paths.status) && readStatus(paths.status).percent > 0) break;
      if (Date.now() > deadline) throw new Error('the demo model made no progress');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const run = await done;
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    expect(run.code).toBe(143);
    expect(run.stdout).toContain('SIGTERM received, stopping');
    expect(run.stderr).toMatch(/stopped by SIGTERM/);
    expect(readStatus(paths.status)).toMatchObject({ state: 'cancelled', exitCode: 143 });
    expect(readdirSync(paths.out)).toEqual([]);
  }, 120_000);

  it('refuses a bad spec with exit 78 (configuration error) and says why (stderr and status file)', async () => {
    const paths = runDir();
    const run = await runDemo({
      GCR_SPEC: JSON.stringify({ ...QUICK_SPEC, grid: { resolution: '4x5', levels: 33 } }),
      GCR_OUTPUT_DIR: paths.out,
      GCR_STATUS_FILE: paths.status,
    });
    expect(run.code).toBe(EXIT_CODES.configurationError);
    expect(run.stderr).toMatch(/the spec in GCR_SPEC is invalid:\n {2}grid\.levels/);
    expect(readStatus(paths.status)).toMatchObject({ state: 'failed', exitCode: 78 });
    expect(existsSync(paths.out)).toBe(false);
  }, 60_000);

  it('refuses a missing spec with exit 78', async () => {
    const paths = runDir();
    const run = await runDemo({ GCR_STATUS_FILE: paths.status });
    expect(run.code).toBe(EXIT_CODES.configurationError);
    expect(run.stderr).toMatch(/no simulation spec: set GCR_SPEC_FILE/);
  }, 60_000);

  it('refuses a malformed job contract variable with exit 78, naming it, before writing anything', async () => {
    const paths = runDir();
    const run = await runDemo({
      GCR_SPEC: JSON.stringify(QUICK_SPEC),
      GCR_OUTPUT_DIR: paths.out,
      GCR_STATUS_FILE: paths.status,
      GCR_OUTPUT_S3_URI: 'https://gcr-results/simulations/sim_x/outputs/',
    });
    expect(run.code).toBe(EXIT_CODES.configurationError);
    expect(run.stderr).toMatch(/GCR_OUTPUT_S3_URI must look like s3:\/\//);
    expect(readStatus(paths.status)).toMatchObject({ state: 'failed', percent: 0, exitCode: 78 });
    expect(existsSync(paths.out)).toBe(false);
  }, 60_000);

  it('exits 1 when it cannot write its output', async () => {
    const paths = runDir();
    const blocker = path.join(paths.dir, 'not-a-directory');
    writeFileSync(blocker, 'x');
    const run = await runDemo({
      GCR_SPEC: JSON.stringify(QUICK_SPEC),
      GCR_OUTPUT_DIR: path.join(blocker, 'OutputDir'),
      GCR_STATUS_FILE: paths.status,
      GCR_DEMO_WALL_SECONDS: '0',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/write failure/);
    expect(readStatus(paths.status)).toMatchObject({ state: 'failed', exitCode: 1 });
  }, 60_000);
});

describe('demo model: S3 uploads', () => {
  let s3rver: S3rver;
  let endpoint: string;
  let s3: S3Client;

  beforeAll(async () => {
    const dir = path.join(work, 's3');
    mkdirSync(dir, { recursive: true });
    s3rver = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true });
    const address = (await s3rver.run()) as AddressInfo;
    endpoint = `http://127.0.0.1:${address.port}`;
    s3 = s3rverClient(endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'gcr-results' }));
  });
  afterAll(async () => {
    s3.destroy();
    await s3rver.close();
  });

  it('uploads each finished file under GCR_OUTPUT_S3_URI and the status under GCR_STATUS_S3_URI', async () => {
    const paths = runDir();
    const run = await runDemo({
      GCR_SPEC: JSON.stringify({
        ...QUICK_SPEC,
        diagnostics: { collections: ['SpeciesConc', 'Restart'], frequency: 'daily' },
      }),
      GCR_OUTPUT_DIR: paths.out,
      GCR_STATUS_FILE: paths.status,
      GCR_DEMO_WALL_SECONDS: '0',
      GCR_OUTPUT_S3_URI: 's3://gcr-results/simulations/sim_demo/outputs/',
      GCR_STATUS_S3_URI: 's3://gcr-results/simulations/sim_demo/status.json',
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: 'us-east-1',
    });
    // (The AWS SDK may warn about the Node version on stderr; the demo itself reports nothing there.)
    expect(run.stderr).not.toMatch(/gcr demo model/);
    expect(run.code).toBe(0);
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: 'gcr-results', Prefix: 'simulations/sim_demo/' }),
    );
    const objects = Object.fromEntries((listed.Contents ?? []).map((o) => [o.Key, o.Size]));
    const local = (name: string): number => readFileSync(path.join(paths.out, name)).length;
    expect(objects).toEqual({
      'simulations/sim_demo/outputs/GEOSChem.SpeciesConc.20190101_0000z.nc4': local(
        'GEOSChem.SpeciesConc.20190101_0000z.nc4',
      ),
      'simulations/sim_demo/outputs/GEOSChem.Restart.20190102_0000z.nc4': local(
        'GEOSChem.Restart.20190102_0000z.nc4',
      ),
      'simulations/sim_demo/status.json': expect.any(Number),
    });
    const status = await s3.send(
      new GetObjectCommand({ Bucket: 'gcr-results', Key: 'simulations/sim_demo/status.json' }),
    );
    expect(contractStatus(await status.Body!.transformToString())).toMatchObject({
      state: 'succeeded',
      percent: 100,
    });
  }, 120_000);

  it('records a refused spec in the S3 status too (exit 78)', async () => {
    const paths = runDir();
    const run = await runDemo({
      GCR_SPEC: JSON.stringify({
        ...QUICK_SPEC,
        period: { start: '2019-01-02T00:00:00Z', end: '2019-01-01T00:00:00Z' },
      }),
      GCR_STATUS_FILE: paths.status,
      GCR_STATUS_S3_URI: 's3://gcr-results/simulations/sim_refused/status.json',
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: 'us-east-1',
    });
    expect(run.code).toBe(EXIT_CODES.configurationError);
    const status = await s3.send(
      new GetObjectCommand({ Bucket: 'gcr-results', Key: 'simulations/sim_refused/status.json' }),
    );
    const body = contractStatus(await status.Body!.transformToString());
    expect(body).toMatchObject({ model: 'gcr-demo', state: 'failed', exitCode: 78 });
    expect(body.message).toMatch(/period/);
  }, 60_000);
});
