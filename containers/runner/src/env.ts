/**
 * The runner's environment. Pure: parses an environment object. The job
 * contract's variables (schemas/job/job-environment.schema.json: the poller's
 * GCR_SIMULATION_ID, GCR_SPEC, GCR_OUTPUT_S3_URI and GCR_STATUS_S3_URI,
 * SIMULATION_ID, RESULTS_BUCKET, GCR_LAUNCH_MODE, GCR_MPI_PROCESSES...) are
 * checked against that schema; the others are the runner's own settings.
 *
 * | variable | meaning | default |
 * | --- | --- | --- |
 * | SIMULATION_ID | the simulation; its files are under `simulations/<id>/` (or GCR_SIMULATION_ID) | required |
 * | RESULTS_BUCKET | bucket holding `rundir/`, receiving `outputs/` and `status.json` | the bucket of GCR_STATUS_S3_URI |
 * | GCR_WORK_DIR | where the run directory is assembled and the model runs | the working directory |
 * | GCR_DATA_ROOT | where staged input data (ExtData) goes | /ExtData |
 * | GCR_INPUTS_FROM_DIR | take inputs from this local ExtData directory instead of S3 | none |
 * | GCR_INPUT_BUCKET / GCR_INPUT_PREFIX | the public input data bucket, read without signing | geos-chem / none |
 * | GCR_INPUT_REGION | that bucket's region | us-east-1 |
 * | GCR_GEOSCHEM_EXE | the model executable | by mode and simulation type (executable.ts) |
 * | GCR_LAUNCH_MODE | `omp` (GC Classic, one node) or `mpi` (GCHP, mpirun) | omp |
 * | GCR_MPI_PROCESSES | total MPI processes (mpi mode) | vCPUs x nodes |
 * | GCR_MPI_PROCESSES_PER_NODE | MPI slots each node offers (mpi mode) | the node's vCPUs |
 * | GCR_VCPUS | vCPUs of the job (OMP_NUM_THREADS) | the spec's compute.vcpus, else the cgroup quota, else all CPUs |
 * | GCR_STAGING_CONCURRENCY | parallel input downloads | 16 |
 * | GCR_UPLOAD_SCAN_SECONDS | how often OutputDir/ is scanned for finished files | 30 |
 * | GCR_S3_ATTEMPTS | attempts per S3 transfer before giving up (exit 75) | 5 |
 * | GCR_RUNDIR_DEFAULTS | static run-directory files copied in when the rundir lacks them | /opt/geoschem/rundir-defaults |
 * | GCR_SSH_DIR | GCHP nodes: where the job's ssh keys, known_hosts and authorized_keys are written at start | $HOME/.ssh |
 * | GCR_SSH_PORT | GCHP workers: the port sshd serves | 2222 |
 */
import path from 'node:path';
import { jobEnvironmentProblems } from '#shared/kernel/compute/job-environment.js';
import type { JobEnvironment } from '#schemas/generated/types.js';
import { ConfigurationError } from './failures.js';
import { SSH_PORT } from './multi-node.js';

type Env = Readonly<Record<string, string | undefined>>;

export type LaunchMode = NonNullable<JobEnvironment['GCR_LAUNCH_MODE']>;

export interface RunnerConfig {
  simulationId: string;
  resultsBucket: string;
  /** `simulations/<id>/` */
  prefix: string;
  workDir: string;
  dataRoot: string;
  inputsFromDir?: string;
  inputBucket: string;
  inputPrefix: string;
  inputRegion: string;
  /** Set when GCR_GEOSCHEM_EXE names it; otherwise chosen by mode and simulation type. */
  executable?: string;
  launchMode: LaunchMode;
  mpiProcesses?: number;
  mpiProcessesPerNode?: number;
  vcpusOverride?: number;
  stagingConcurrency: number;
  uploadScanSeconds: number;
  s3Attempts: number;
  rundirDefaults: string;
  /** GCHP nodes: the job's ssh files (made at start; nothing is in the image). */
  sshDir: string;
  sshPort: number;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function positiveInteger(env: Env, name: string, fallback: number): number;
function positiveInteger(env: Env, name: string, fallback: undefined): number | undefined;
function positiveInteger(env: Env, name: string, fallback: number | undefined): number | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigurationError(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

/**
 * The configuration, or a ConfigurationError (exit 78) naming the variable and
 * the problem. The job contract's variables (schemas/job/job-environment.schema.json)
 * are checked against the schema first.
 */
export function parseRunnerEnv(env: Env, cwd: string): RunnerConfig {
  const problems = jobEnvironmentProblems(env);
  if (problems.length > 0) throw new ConfigurationError(problems.join('; '));
  // The poller's job environment names them GCR_SIMULATION_ID and GCR_STATUS_S3_URI / GCR_OUTPUT_S3_URI.
  const simulationId = nonEmpty(env['SIMULATION_ID']) ?? nonEmpty(env['GCR_SIMULATION_ID']);
  if (!simulationId) throw new ConfigurationError('SIMULATION_ID is not set');
  const resultsBucket =
    nonEmpty(env['RESULTS_BUCKET']) ??
    bucketOf(env['GCR_STATUS_S3_URI']) ??
    bucketOf(env['GCR_OUTPUT_S3_URI']);
  if (!resultsBucket) throw new ConfigurationError('RESULTS_BUCKET is not set');

  const mode = (nonEmpty(env['GCR_LAUNCH_MODE']) ?? 'omp') as LaunchMode;
  const inputsFromDir = nonEmpty(env['GCR_INPUTS_FROM_DIR']);
  const inputPrefix = nonEmpty(env['GCR_INPUT_PREFIX']) ?? '';
  return {
    simulationId,
    resultsBucket,
    prefix: `simulations/${simulationId}/`,
    workDir: path.resolve(cwd, nonEmpty(env['GCR_WORK_DIR']) ?? '.'),
    dataRoot: path.resolve(cwd, nonEmpty(env['GCR_DATA_ROOT']) ?? '/ExtData'),
    ...(inputsFromDir ? { inputsFromDir: path.resolve(cwd, inputsFromDir) } : {}),
    inputBucket: nonEmpty(env['GCR_INPUT_BUCKET']) ?? 'geos-chem',
    inputPrefix: inputPrefix && !inputPrefix.endsWith('/') ? `${inputPrefix}/` : inputPrefix,
    inputRegion: nonEmpty(env['GCR_INPUT_REGION']) ?? 'us-east-1',
    ...executableFrom(nonEmpty(env['GCR_GEOSCHEM_EXE'])),
    launchMode: mode,
    ...optional('mpiProcesses', positiveInteger(env, 'GCR_MPI_PROCESSES', undefined)),
    ...optional('mpiProcessesPerNode', positiveInteger(env, 'GCR_MPI_PROCESSES_PER_NODE', undefined)),
    ...optional('vcpusOverride', positiveInteger(env, 'GCR_VCPUS', undefined)),
    stagingConcurrency: positiveInteger(env, 'GCR_STAGING_CONCURRENCY', 16),
    uploadScanSeconds: positiveInteger(env, 'GCR_UPLOAD_SCAN_SECONDS', 30),
    s3Attempts: positiveInteger(env, 'GCR_S3_ATTEMPTS', 5),
    rundirDefaults: nonEmpty(env['GCR_RUNDIR_DEFAULTS']) ?? '/opt/geoschem/rundir-defaults',
    sshDir: path.resolve(
      cwd,
      nonEmpty(env['GCR_SSH_DIR']) ?? path.join(nonEmpty(env['HOME']) ?? '/home/gcr', '.ssh'),
    ),
    sshPort: positiveInteger(env, 'GCR_SSH_PORT', SSH_PORT),
  };
}

function optional<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}

function executableFrom(executable: string | undefined): { executable?: string } {
  return executable === undefined ? {} : { executable };
}

function bucketOf(uri: string | undefined): string | undefined {
  return /^s3:\/\/([^/]+)/.exec(uri?.trim() ?? '')?.[1];
}
