import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
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
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { EXIT_CODES } from '#shared/kernel/compute/exit-codes.js';
import { planInputs } from '#shared/science/inputs/plan-inputs.js';
import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';
import { parseInputList } from '#containers/runner/src/inputs-list.js';
import { jobStatusFileSchema } from '#schemas/generated/schemas.js';
import { validatorFor } from '#schemas/validator.js';
import { s3rverClient } from '#test/helpers/s3rver-client.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');
const MAIN = path.join(repoRoot, 'containers/runner/src/main.ts');
const NETCDF = path.join(repoRoot, 'test/fixtures/geoschem_nc/GEOSChem.SpeciesConc.20180505_0000z.nc4');
const RESULTS = 'gcr-results';
const INPUTS = 'gcr-public-inputs';
const MET = 'GEOS_4x5/MERRA2/2019/07/MERRA2.20190701.A1.4x5.nc4';
const MET_BYTES = 'met field bytes\n';
const FASTJX = 'CHEM_INPUTS/FAST_JX/v2024-05/';

let work: string;
let s3rver: S3rver;
let endpoint: string;
let s3: S3Client;
let fakeModel: string;
let counter = 0;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  workDir: string;
  dataRoot: string;
}

/** Runs the runner as the image does (one node process), against s3rver, with the fake model. */
function runRunner(
  simulationId: string,
  env: Record<string, string> = {},
  command: string[] = ['--import', 'tsx', MAIN],
): Promise<Run> {
  return startRunner(simulationId, env, command).done;
}

function startRunner(
  simulationId: string,
  env: Record<string, string> = {},
  command: string[] = ['--import', 'tsx', MAIN],
): { child: ChildProcess; output: () => string; done: Promise<Run> } {
  const dir = path.join(work, `job-${++counter}`);
  const workDir = path.join(dir, 'run');
  const dataRoot = path.join(dir, 'ExtData');
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('GCR_') && !key.startsWith('AWS_')),
  ) as Record<string, string>;
  const child = spawn(process.execPath, command, {
    cwd: repoRoot,
    env: {
      ...clean,
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      SIMULATION_ID: simulationId,
      RESULTS_BUCKET: RESULTS,
      GCR_WORK_DIR: workDir,
      GCR_DATA_ROOT: dataRoot,
      GCR_INPUT_BUCKET: INPUTS,
      GCR_GEOSCHEM_EXE: fakeModel,
      GCR_VCPUS: '3',
      GCR_UPLOAD_SCAN_SECONDS: '1',
      GCR_S3_ATTEMPTS: '2',
      GCR_RUNDIR_DEFAULTS: path.join(work, 'rundir-defaults'),
      FAKE_GC_SOURCE: NETCDF,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr, workDir, dataRoot })),
  );
  return { child, output: () => stdout, done };
}

async function put(bucket: string, key: string, body: string | Buffer): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

async function keys(prefix: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: RESULTS, Prefix: prefix }));
  return (out.Contents ?? []).map((item) => item.Key!).sort();
}

async function read(key: string): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket: RESULTS, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

const validStatus = validatorFor(jobStatusFileSchema.$id);

/** The status file in S3, which every test checks against the job contract (schemas/job/job-status.schema.json). */
async function statusOf(simulationId: string): Promise<any> {
  const status = JSON.parse((await read(`simulations/${simulationId}/status.json`)).toString('utf8'));
  expect([validStatus(status), validStatus.errors ?? []]).toEqual([true, []]);
  return status;
}

/** What the submission stores under rundir/, reduced to what the runner and the fake model read. */
async function storeRundir(
  simulationId: string,
  inputs: unknown,
  options: { restart?: boolean } = {},
): Promise<void> {
  const prefix = `simulations/${simulationId}/rundir/`;
  await put(
    RESULTS,
    `${prefix}geoschem_config.yml`,
    [
      'simulation:',
      '  name: fullchem',
      '  start_date: [20190701, 000000]',
      '  end_date: [20190701, 010000]',
      '  root_data_dir: /ExtData',
      '  chem_inputs_dir: /ExtData/CHEM_INPUTS/',
      '',
    ].join('\n'),
  );
  await put(RESULTS, `${prefix}HEMCO_Config.rc`, 'ROOT:                        /ExtData/HEMCO\n');
  await put(
    RESULTS,
    `${prefix}gcr-rundir.json`,
    JSON.stringify({
      name: 'gc_4x5_merra2_fullchem',
      spec: { period: { start: '2019-07-01T00:00:00Z', end: '2019-07-01T02:00:00Z' } },
    }),
  );
  if (options.restart !== false)
    await put(RESULTS, `${prefix}Restarts/GEOSChem.Restart.20190701_0000z.nc4`, readFileSync(NETCDF));
  if (inputs !== undefined) await put(RESULTS, `${prefix}gcr-inputs.json`, JSON.stringify(inputs));
}

const INPUT_LIST = { files: [{ path: MET, size: Buffer.byteLength(MET_BYTES) }, { path: FASTJX }] };

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'gcr-runner-'));
  fakeModel = path.join(work, 'gcclassic');
  copyFileSync(path.join(here, 'fake-gcclassic.sh'), fakeModel);
  chmodSync(fakeModel, 0o755);
  mkdirSync(path.join(work, 'rundir-defaults'), { recursive: true });
  writeFileSync(path.join(work, 'rundir-defaults', 'species_database.yml'), 'O3:\n  Formula: O3\n');
  const dir = path.join(work, 's3');
  mkdirSync(dir, { recursive: true });
  s3rver = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true });
  const address = (await s3rver.run()) as AddressInfo;
  endpoint = `http://127.0.0.1:${address.port}`;
  s3 = s3rverClient(endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: RESULTS }));
  await s3.send(new CreateBucketCommand({ Bucket: INPUTS }));
  await put(INPUTS, MET, MET_BYTES);
  await put(INPUTS, `${FASTJX}FJX_spec.dat`, 'fast-jx spectra\n');
  await put(INPUTS, `${FASTJX}FJX_j2j.dat`, 'fast-jx j2j\n');
});

afterAll(async () => {
  s3.destroy();
  await s3rver.close();
  rmSync(work, { recursive: true, force: true });
});

describe('job runner: a run that succeeds', () => {
  let run: Run;

  beforeAll(async () => {
    await storeRundir('sim_ok', INPUT_LIST);
    run = await runRunner('sim_ok');
  }, 60_000);

  it('exits 0 and says why', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(EXIT_CODES.success);
    expect(run.stdout).toContain('--- gcr runner: exit 0: succeeded');
  });

  it('stages the listed inputs anonymously from the data bucket, prefixes expanded, and points the run at them', () => {
    expect(readFileSync(path.join(run.dataRoot, MET), 'utf8')).toBe(MET_BYTES);
    expect(readFileSync(path.join(run.dataRoot, FASTJX, 'FJX_j2j.dat'), 'utf8')).toBe('fast-jx j2j\n');
    expect(run.stdout).toContain('inputs: 3 file(s)');
    const config = readFileSync(path.join(run.workDir, 'geoschem_config.yml'), 'utf8');
    expect(config).toContain(`root_data_dir: ${run.dataRoot}\n`);
    expect(config).toContain(`chem_inputs_dir: ${run.dataRoot}/CHEM_INPUTS/`);
    expect(readFileSync(path.join(run.workDir, 'HEMCO_Config.rc'), 'utf8')).toContain(
      `${run.dataRoot}/HEMCO`,
    );
    expect(readFileSync(path.join(run.workDir, 'species_database.yml'), 'utf8')).toContain('O3');
  });

  it('runs the model with OMP_NUM_THREADS set to the job vCPUs and tees its log', () => {
    expect(run.stdout).toContain('Number of OpenMP threads    : 3');
    expect(readFileSync(path.join(run.workDir, 'GC.log'), 'utf8')).toContain(
      'E N D   O F   G E O S -- C H E M',
    );
  });

  it('uploads the outputs and the new restart (not the initial one) under outputs/, byte for byte', async () => {
    expect(await keys('simulations/sim_ok/outputs/')).toEqual([
      'simulations/sim_ok/outputs/GEOSChem.Restart.20190701_0100z.nc4',
      'simulations/sim_ok/outputs/GEOSChem.SpeciesConc.20190701_0000z.nc4',
    ]);
    const uploaded = await read('simulations/sim_ok/outputs/GEOSChem.SpeciesConc.20190701_0000z.nc4');
    expect(uploaded.equals(readFileSync(NETCDF))).toBe(true);
    expect((await read('simulations/sim_ok/logs/GC.log')).toString('utf8')).toContain('X-HRS');
  });

  it('writes status.json in the shape of schemas/job/job-status.schema.json, finished at 100 %', async () => {
    const status = await statusOf('sim_ok');
    expect(status).toMatchObject({
      schemaVersion: '1',
      model: 'gcclassic',
      state: 'succeeded',
      percent: 100,
      simulatedTime: '2019-07-01T01:00:00Z',
      exitCode: 0,
      message: 'the model finished',
    });
    expect([...status.files].sort()).toEqual([
      'GEOSChem.Restart.20190701_0100z.nc4',
      'GEOSChem.SpeciesConc.20190701_0000z.nc4',
    ]);
    expect(typeof status.startedAt).toBe('string');
    expect(typeof status.updatedAt).toBe('string');
  });
});

describe('job runner: failures and their exit codes', () => {
  it('exits 1 when the model logs a GEOS-Chem ERROR and exits non-zero, keeping its partial outputs', async () => {
    await storeRundir('sim_model_error', INPUT_LIST);
    const run = await runRunner('sim_model_error', { FAKE_GC_ERROR: 'Error encountered in "Get_Met_2D"!' });
    expect(run.code).toBe(EXIT_CODES.modelFailure);
    const status = await statusOf('sim_model_error');
    expect(status).toMatchObject({ state: 'failed', exitCode: 1, simulatedTime: '2019-07-01T00:40:00Z' });
    expect(status.percent).toBe(33.3);
    expect(status.message).toBe(
      'the model exited with code 1: GEOS-Chem ERROR: Error encountered in "Get_Met_2D"!',
    );
    expect(await keys('simulations/sim_model_error/outputs/')).toEqual([
      'simulations/sim_model_error/outputs/GEOSChem.SpeciesConc.20190701_0000z.nc4',
    ]);
  }, 60_000);

  it('exits 1 when the model exits 0 after logging a fatal error', async () => {
    await storeRundir('sim_error_exit_0', INPUT_LIST);
    const run = await runRunner('sim_error_exit_0', { FAKE_GC_ERROR: 'Stop in Cleanup', FAKE_GC_EXIT: '0' });
    expect(run.code).toBe(EXIT_CODES.modelFailure);
    expect((await statusOf('sim_error_exit_0')).message).toMatch(
      /exited with code 0 but logged a fatal error/,
    );
  }, 60_000);

  it('exits 78 and records why when the simulation has no run directory', async () => {
    const run = await runRunner('sim_no_rundir');
    expect(run.code).toBe(EXIT_CODES.configurationError);
    expect(run.stderr).toContain(`no run directory at s3://${RESULTS}/simulations/sim_no_rundir/rundir/`);
    expect(await statusOf('sim_no_rundir')).toMatchObject({ state: 'failed', exitCode: 78 });
  }, 60_000);

  it('exits 78 without touching S3 when SIMULATION_ID is missing', async () => {
    const run = await runRunner('', {});
    expect(run.code).toBe(EXIT_CODES.configurationError);
    expect(run.stderr).toContain('SIMULATION_ID is not set');
  }, 60_000);

  it('exits 78 naming the variable when a job contract variable is malformed (schemas/job/job-environment.schema.json)', async () => {
    const run = await runRunner('sim_bad_env', {
      GCR_STATUS_S3_URI: 'gcr-results/simulations/sim_bad_env/status.json',
    });
    expect(run.code).toBe(EXIT_CODES.configurationError);
    expect(run.stderr).toContain('GCR_STATUS_S3_URI must look like s3://');
    expect(run.stdout).toContain('exit 78: configuration error');
    expect(await keys('simulations/sim_bad_env/')).toEqual([]);
  }, 60_000);

  it('exits 75 (Batch retries it) when S3 cannot be reached after its retries', async () => {
    const closed = new S3rver({
      address: '127.0.0.1',
      port: 0,
      directory: path.join(work, 's3-closed'),
      silent: true,
    });
    const address = (await closed.run()) as AddressInfo;
    await closed.close();
    const run = await runRunner('sim_unreachable', {
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${address.port}`,
    });
    expect(run.code).toBe(EXIT_CODES.transientInfrastructure);
    expect(run.stderr).toMatch(
      /listing s3:\/\/gcr-results\/simulations\/sim_unreachable\/rundir\/ failed after 2 attempt/,
    );
    expect(run.stdout).toContain('exit 75: transient infrastructure failure');
  }, 60_000);

  it('exits 69 naming the file when a listed input is not in the data bucket, before running the model', async () => {
    await storeRundir('sim_missing_input', {
      files: [MET, 'HEMCO/CEDS/v2024-06/2019/CEDS_CO_0.1x0.1_2019.nc'],
    });
    const run = await runRunner('sim_missing_input');
    expect(run.code).toBe(EXIT_CODES.inputUnavailable);
    const status = await statusOf('sim_missing_input');
    expect(status).toMatchObject({ state: 'failed', exitCode: 69 });
    expect(status.message).toContain('HEMCO/CEDS/v2024-06/2019/CEDS_CO_0.1x0.1_2019.nc');
    expect(run.stdout).not.toContain('X-HRS');
  }, 60_000);

  it('exits 69 when an input is not at the size the run directory lists', async () => {
    await storeRundir('sim_wrong_size', { files: [{ path: MET, size: 1 }] });
    const run = await runRunner('sim_wrong_size');
    expect(run.code).toBe(EXIT_CODES.inputUnavailable);
    expect((await statusOf('sim_wrong_size')).message).toContain('the run directory lists 1');
  }, 60_000);
});

describe("job runner: the submission's InputPlan as the input list", () => {
  it('stages each item from its own bucket: a single object and a prefix', async () => {
    await storeRundir('sim_plan', {
      buckets: [`s3://${INPUTS}`],
      items: [
        {
          category: 'met',
          bucket: `s3://${INPUTS}`,
          s3Uri: `s3://${INPUTS}/${MET}`,
          keyCount: 1,
          estimatedBytes: 9,
          available: true,
        },
        {
          category: 'chemistry',
          bucket: `s3://${INPUTS}`,
          prefix: `s3://${INPUTS}/${FASTJX}`,
          keyCount: 2,
          estimatedBytes: 9,
          available: true,
        },
      ],
    });
    const run = await runRunner('sim_plan');
    expect(run.code).toBe(EXIT_CODES.success);
    expect(readFileSync(path.join(run.dataRoot, FASTJX, 'FJX_spec.dat'), 'utf8')).toBe('fast-jx spectra\n');
    expect(run.stdout).toContain('inputs: 3 file(s)');
  }, 60_000);
});

describe('job runner: the planned restart where the model opens it (./Restarts)', () => {
  const RESTART_KEY = 'GEOSCHEM_RESTARTS/GC_14.7.0/GEOSChem.Restart.fullchem.20190701_0000z.nc4';
  const RUN_PATH = 'Restarts/GEOSChem.Restart.20190701_0000z.nc4';
  const planWithRestart = {
    buckets: [`s3://${INPUTS}`],
    items: [
      {
        category: 'met',
        bucket: `s3://${INPUTS}`,
        s3Uri: `s3://${INPUTS}/${MET}`,
        keyCount: 1,
        estimatedBytes: 9,
        available: true,
      },
      {
        category: 'restart',
        bucket: `s3://${INPUTS}`,
        s3Uri: `s3://${INPUTS}/${RESTART_KEY}`,
        keyCount: 1,
        estimatedBytes: 9,
        available: true,
        runDirectoryPath: RUN_PATH,
      },
    ],
  };

  beforeAll(async () => {
    await put(INPUTS, RESTART_KEY, 'the default restart\n');
  });

  it('stages the restart under the data root and links it as Restarts/GEOSChem.Restart.<start>_0000z.nc4, not uploading it', async () => {
    await storeRundir('sim_restart_link', planWithRestart, { restart: false });
    const run = await runRunner('sim_restart_link');
    expect(run.code).toBe(EXIT_CODES.success);
    expect(run.stdout).toContain(`linked into the run directory: ${RUN_PATH}`);
    const linked = path.join(run.workDir, RUN_PATH);
    expect(lstatSync(linked).isSymbolicLink()).toBe(true);
    expect(readFileSync(linked, 'utf8')).toBe('the default restart\n');
    expect(await keys('simulations/sim_restart_link/outputs/')).not.toContain(
      'simulations/sim_restart_link/outputs/GEOSChem.Restart.20190701_0000z.nc4',
    );
  }, 60_000);

  it('keeps a restart stored with the run directory instead of the planned default', async () => {
    await storeRundir('sim_restart_kept', planWithRestart);
    const run = await runRunner('sim_restart_kept');
    expect(run.code).toBe(EXIT_CODES.success);
    expect(run.stdout).not.toContain('linked into the run directory');
    const restart = path.join(run.workDir, RUN_PATH);
    expect(lstatSync(restart).isSymbolicLink()).toBe(false);
    expect(readFileSync(restart)).toEqual(readFileSync(NETCDF));
  }, 60_000);
});

describe("job runner: a real plan's end-instant files are checked before the model starts", () => {
  it('exits 69 naming the one missing file when only the I3 file read at the end instant is absent (TransportTracers January)', async () => {
    const spec = JSON.parse(
      readFileSync(
        path.join(repoRoot, 'test/fixtures/geoschem/dryrun-14.7.0/transport-tracers-4x5-1month/spec.json'),
        'utf8',
      ),
    );
    const now = new Date('2026-12-06T00:00:00Z');
    const validated = validateSimulationSpec(spec, { now });
    if (!validated.ok) throw new Error(JSON.stringify(validated.issues));
    const plan = planInputs(validated.spec, { now });
    const missing = 'GEOS_4x5/MERRA2/2019/02/MERRA2.20190202.I3.4x5.nc4';
    expect(plan.items.find((item) => item.keys?.includes(missing))?.readAt).toBe('end');
    const extData = path.join(work, 'PlannedExtData');
    for (const entry of parseInputList(JSON.stringify(plan))) {
      if (entry.path === missing) continue;
      mkdirSync(path.join(extData, path.dirname(entry.path)), { recursive: true });
      writeFileSync(path.join(extData, entry.path), 'input\n');
    }
    await storeRundir('sim_end_instant', plan);
    const run = await runRunner('sim_end_instant', { GCR_INPUTS_FROM_DIR: extData });
    expect(run.code).toBe(EXIT_CODES.inputUnavailable);
    const status = await statusOf('sim_end_instant');
    expect(status).toMatchObject({ state: 'failed', exitCode: 69 });
    expect(status.message).toContain(`1 input file(s) unusable in ${extData}: ${missing} (missing)`);
    expect(run.stdout).not.toContain('X-HRS');
  }, 60_000);
});

describe('job runner: inputs from a local ExtData directory (GCR_INPUTS_FROM_DIR)', () => {
  it('checks the listed files there, points the run directory at it, and runs', async () => {
    const extData = path.join(work, 'LocalExtData');
    mkdirSync(path.join(extData, path.dirname(MET)), { recursive: true });
    mkdirSync(path.join(extData, FASTJX), { recursive: true });
    writeFileSync(path.join(extData, MET), MET_BYTES);
    await storeRundir('sim_local_inputs', INPUT_LIST);
    const run = await runRunner('sim_local_inputs', { GCR_INPUTS_FROM_DIR: extData });
    expect(run.code).toBe(EXIT_CODES.success);
    expect(run.stdout).toContain(`all present in ${extData}`);
    expect(readFileSync(path.join(run.workDir, 'geoschem_config.yml'), 'utf8')).toContain(
      `root_data_dir: ${extData}\n`,
    );
    expect((await statusOf('sim_local_inputs')).state).toBe('succeeded');
  }, 60_000);
});

describe('job runner: the bundle the images run (containers/runner/build.mjs)', () => {
  it('runs a simulation to the end as one plain .mjs file', async () => {
    const bundle = path.join(work, 'bundle', 'runner.mjs');
    execFileSync(process.execPath, [path.join(repoRoot, 'containers/runner/build.mjs'), bundle], {
      stdio: 'pipe',
    });
    await storeRundir('sim_bundle', INPUT_LIST);
    const run = await runRunner('sim_bundle', {}, [bundle]);
    expect(run.code).toBe(EXIT_CODES.success);
    expect(await keys('simulations/sim_bundle/outputs/')).toHaveLength(2);
    expect((await statusOf('sim_bundle')).state).toBe('succeeded');
  }, 60_000);
});

describe('job runner: told to stop (Batch terminate, spot reclaim)', () => {
  it('stops the model on SIGTERM, uploads what there is, records cancelled and exits 143', async () => {
    await storeRundir('sim_stopped', INPUT_LIST);
    const runner = startRunner('sim_stopped', { FAKE_GC_HANG: '1' });
    // Wait for the model to be under way (its second timestep), however long that takes.
    await new Promise<void>((resolve) => {
      const check = (): void =>
        runner.output().includes('UTC: 00:20') ? resolve() : void setTimeout(check, 50);
      check();
    });
    runner.child.kill('SIGTERM');
    const run = await runner.done;
    expect(run.code).toBe(143);
    expect(await statusOf('sim_stopped')).toMatchObject({ state: 'cancelled', exitCode: 143 });
    expect(await keys('simulations/sim_stopped/outputs/')).toEqual([
      'simulations/sim_stopped/outputs/GEOSChem.SpeciesConc.20190701_0000z.nc4',
    ]);
  }, 60_000);
});
