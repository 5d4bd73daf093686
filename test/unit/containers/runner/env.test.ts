import { describe, expect, it } from '@jest/globals';
import { parseRunnerEnv } from '#containers/runner/src/env.js';
import { ConfigurationError } from '#containers/runner/src/failures.js';
import {
  classicExecutableFor,
  gchpExecutableFor,
  simulationTypeOf,
} from '#containers/runner/src/executable.js';

const BASE = { SIMULATION_ID: 'sim_01JABC', RESULTS_BUCKET: 'gcr-results' };

describe('runner environment', () => {
  it('defaults everything but the simulation and the bucket', () => {
    expect(parseRunnerEnv(BASE, '/home/gcr/run')).toEqual({
      simulationId: 'sim_01JABC',
      resultsBucket: 'gcr-results',
      prefix: 'simulations/sim_01JABC/',
      workDir: '/home/gcr/run',
      dataRoot: '/ExtData',
      inputBucket: 'geos-chem',
      inputPrefix: '',
      inputRegion: 'us-east-1',
      launchMode: 'omp',
      stagingConcurrency: 16,
      uploadScanSeconds: 30,
      s3Attempts: 5,
      rundirDefaults: '/opt/geoschem/rundir-defaults',
      // Without HOME, the image's user's: where the job's ssh keys are made at start (GCHP).
      sshDir: '/home/gcr/.ssh',
      sshPort: 2222,
    });
  });

  it('reads the options, resolving paths against the working directory', () => {
    const config = parseRunnerEnv(
      {
        ...BASE,
        GCR_WORK_DIR: 'run',
        GCR_INPUTS_FROM_DIR: '../ExtData',
        GCR_INPUT_PREFIX: 'ExtData',
        GCR_LAUNCH_MODE: 'mpi',
        GCR_MPI_PROCESSES: '96',
        GCR_VCPUS: '48',
        GCR_S3_ATTEMPTS: '2',
      },
      '/data/job',
    );
    expect(config).toMatchObject({
      workDir: '/data/job/run',
      inputsFromDir: '/data/ExtData',
      inputPrefix: 'ExtData/',
      launchMode: 'mpi',
      mpiProcesses: 96,
      vcpusOverride: 48,
      s3Attempts: 2,
    });
  });

  it("falls back to the poller's job variables: GCR_SIMULATION_ID and the bucket of GCR_STATUS_S3_URI", () => {
    const config = parseRunnerEnv(
      {
        GCR_SIMULATION_ID: 'sim_2',
        GCR_STATUS_S3_URI: 's3://results-bucket/simulations/sim_2/status.json',
        GCR_MPI_PROCESSES_PER_NODE: '48',
      },
      '/',
    );
    expect(config).toMatchObject({
      simulationId: 'sim_2',
      resultsBucket: 'results-bucket',
      prefix: 'simulations/sim_2/',
      mpiProcessesPerNode: 48,
    });
  });

  it.each([
    [{ RESULTS_BUCKET: 'gcr-results' }, 'SIMULATION_ID is not set'],
    [{ SIMULATION_ID: 'sim_1' }, 'RESULTS_BUCKET is not set'],
    [
      { ...BASE, SIMULATION_ID: '../etc' },
      'SIMULATION_ID must look like sim_01JC3Z8W5VQ4T6N2X7K9M1B3D5 (pattern ^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$), got "../etc"',
    ],
    [{ ...BASE, GCR_LAUNCH_MODE: 'slurm' }, 'GCR_LAUNCH_MODE must be "omp" or "mpi", got "slurm"'],
    [
      { GCR_SIMULATION_ID: 'sim_2', GCR_STATUS_S3_URI: 'https://results-bucket/status.json' },
      'GCR_STATUS_S3_URI must look like s3://',
    ],
    [{ ...BASE, GCR_SPEC: '{"compute": ' }, 'GCR_SPEC is not JSON'],
    [
      { ...BASE, GCR_MPI_PROCESSES: '0' },
      'GCR_MPI_PROCESSES must look like 96 (pattern ^[1-9][0-9]*$), got "0"',
    ],
    [
      { ...BASE, GCR_STAGING_CONCURRENCY: '0' },
      'GCR_STAGING_CONCURRENCY must be a positive integer, got "0"',
    ],
  ])('refuses %j with a configuration error naming the variable', (env, message) => {
    expect(() => parseRunnerEnv(env, '/')).toThrow(ConfigurationError);
    expect(() => parseRunnerEnv(env, '/')).toThrow(message);
  });
});

describe('which executable runs a simulation', () => {
  it('picks the build of the mechanism the simulation needs', () => {
    expect(classicExecutableFor('carbon')).toBe('gcclassic-carbon');
    expect(classicExecutableFor('Hg')).toBe('gcclassic-Hg');
    expect(classicExecutableFor('TransportTracers')).toBe('gcclassic');
    expect(classicExecutableFor(undefined)).toBe('gcclassic');
    expect(gchpExecutableFor('carbon')).toBe('gchp-carbon');
    expect(gchpExecutableFor('fullchem')).toBe('gchp');
  });

  it('reads the simulation type from gcr-rundir.json', () => {
    expect(simulationTypeOf(JSON.stringify({ spec: { simulation: { type: 'carbon' } } }))).toBe('carbon');
    expect(simulationTypeOf('{')).toBeUndefined();
    expect(simulationTypeOf(undefined)).toBeUndefined();
  });
});
