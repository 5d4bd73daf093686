/**
 * The demo model's environment contract. Everything comes from environment
 * variables (the local backend starts it as a child process):
 *
 * | variable | meaning | default |
 * | --- | --- | --- |
 * | GCR_SPEC_FILE / GCR_SPEC | the simulation spec: a JSON file, or the JSON itself (exactly one) | required |
 * | GCR_OUTPUT_DIR | where the NetCDF files go | ./OutputDir |
 * | GCR_STATUS_FILE | the status JSON, rewritten atomically at every step | ./gcr-status.json |
 * | GCR_DEMO_WALL_SECONDS | wall time to spread the run over (0: as fast as possible) | 20 |
 * | GCR_DEMO_FAIL_AT_PERCENT | fail on purpose (exit 3) once this progress is reached | none |
 * | GCR_DEMO_FAIL_SIMULATIONS | simulation ids (comma-separated) that fail on purpose (exit 3) at GCR_DEMO_FAIL_AT_PERCENT, else at once; a retry is another simulation and runs normally | none |
 * Spec tags `demo-wall-seconds` and `demo-fail-at-percent` override these two per simulation.
 * | GCR_OUTPUT_S3_URI | s3://bucket/prefix/ to upload each finished file to | none |
 * | GCR_STATUS_S3_URI | s3://bucket/key to upload the status JSON to after each update | none |
 * | GCR_RESTARTS_S3_URI | s3://bucket/prefix/ to upload each restart to, and (attempts after the first) resume from | none |
 * | GCR_RESTARTS_DIR | where restart files are written and the one resumed from is put | ./Restarts |
 * | AWS_BATCH_JOB_ATTEMPT | the job's attempt (AWS Batch sets it) | 1 |
 * | GCR_EARLIER_ATTEMPTS | attempts earlier jobs of the simulation ran (a paused run resumed): the attempt is this plus AWS_BATCH_JOB_ATTEMPT, and above 1 the run resumes from the latest restart | 0 |
 *
 * The job contract's variables among them (GCR_SPEC, GCR_OUTPUT_S3_URI,
 * GCR_STATUS_S3_URI, GCR_DEMO_WALL_SECONDS, GCR_SIMULATION_ID) are checked
 * against schemas/job/job-environment.schema.json first.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { attemptFromEnvironment } from '#shared/kernel/compute/attempts.js';
import { jobEnvironmentProblems } from '#shared/kernel/compute/job-environment.js';
import { validateSimulationSpec, type ResolvedSimulationSpec } from '#shared/science/spec/validate-spec.js';

export interface S3Location {
  bucket: string;
  /** Object key (status) or key prefix ending in "/" or empty (outputs). */
  key: string;
}

export interface DemoConfig {
  spec: ResolvedSimulationSpec;
  /** Where the spec came from, for the log. */
  specSource: string;
  outputDir: string;
  statusFile: string;
  wallSeconds: number;
  failAtPercent?: number;
  outputS3?: S3Location;
  statusS3?: S3Location;
  restartsS3?: S3Location;
  restartsDir: string;
  /** The simulation's attempt, from 1 (attemptFromEnvironment). */
  attempt: number;
}

/** A bad environment or spec: the model exits 78 (the job contract's configuration error) with this message. */
export class DemoConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoConfigError';
  }
}

/** Longest wall time the demo accepts (a week), so a typo cannot park a job forever. */
const MAX_WALL_SECONDS = 7 * 24 * 3600;

type Env = Record<string, string | undefined>;

/** The status file path alone (so a failure to read the rest can still be reported there). */
export function statusFileFrom(env: Env, cwd = process.cwd()): string {
  return path.resolve(cwd, nonEmpty(env['GCR_STATUS_FILE']) ?? 'gcr-status.json');
}

/** Reads and checks the environment; throws DemoConfigError saying what is wrong. */
export function loadDemoConfig(env: Env = process.env, cwd = process.cwd()): DemoConfig {
  const problems = jobEnvironmentProblems(env);
  if (problems.length > 0) throw new DemoConfigError(problems.join('; '));
  const specFile = nonEmpty(env['GCR_SPEC_FILE']);
  const specText = nonEmpty(env['GCR_SPEC']);
  if (specFile && specText) {
    throw new DemoConfigError('set only one of GCR_SPEC_FILE and GCR_SPEC');
  }
  if (!specFile && !specText) {
    throw new DemoConfigError('no simulation spec: set GCR_SPEC_FILE (a JSON file) or GCR_SPEC (JSON text)');
  }
  let raw: string;
  let specSource: string;
  if (specFile) {
    specSource = path.resolve(cwd, specFile);
    try {
      raw = readFileSync(specSource, 'utf8');
    } catch (error) {
      throw new DemoConfigError(`cannot read GCR_SPEC_FILE ${specSource}: ${(error as Error).message}`);
    }
  } else {
    specSource = 'GCR_SPEC';
    raw = specText!;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new DemoConfigError(`the spec in ${specSource} is not JSON: ${(error as Error).message}`);
  }
  const result = validateSimulationSpec(parsed);
  if (!result.ok) {
    const issues = result.issues.map((issue) => `  ${issue.field}: ${issue.message}`).join('\n');
    throw new DemoConfigError(`the spec in ${specSource} is invalid:\n${issues}`);
  }

  // A simulation may set its own demo knobs through tags (they win over the environment),
  // so one platform can run demos of different lengths and outcomes side by side.
  const tags = result.spec.tags ?? {};
  const knobs: NodeJS.ProcessEnv = {
    ...env,
    ...(tags['demo-wall-seconds'] !== undefined ? { GCR_DEMO_WALL_SECONDS: tags['demo-wall-seconds'] } : {}),
    ...(tags['demo-fail-at-percent'] !== undefined
      ? { GCR_DEMO_FAIL_AT_PERCENT: tags['demo-fail-at-percent'] }
      : {}),
  };
  const wallSeconds = numberVar(knobs, 'GCR_DEMO_WALL_SECONDS', 20, 0, MAX_WALL_SECONDS);
  const failText = nonEmpty(knobs['GCR_DEMO_FAIL_AT_PERCENT']);
  const failAtPercentSet =
    failText === undefined ? undefined : numberVar(knobs, 'GCR_DEMO_FAIL_AT_PERCENT', 0, 0, 100);
  const failAtPercent = failsOnPurpose(env) ? (failAtPercentSet ?? 0) : failAtPercentSet;
  const outputS3Text = nonEmpty(env['GCR_OUTPUT_S3_URI']);
  const statusS3Text = nonEmpty(env['GCR_STATUS_S3_URI']);
  const restartsS3Text = nonEmpty(env['GCR_RESTARTS_S3_URI']);
  // Checked here (a malformed one is a configuration error), then counted on from the earlier jobs'.
  numberVar(env, 'AWS_BATCH_JOB_ATTEMPT', 1, 1, 10);
  const attempt = attemptFromEnvironment(env);

  return {
    spec: result.spec,
    specSource,
    outputDir: path.resolve(cwd, nonEmpty(env['GCR_OUTPUT_DIR']) ?? 'OutputDir'),
    statusFile: statusFileFrom(env, cwd),
    wallSeconds,
    ...(failAtPercent !== undefined ? { failAtPercent } : {}),
    ...(outputS3Text ? { outputS3: parseS3Uri(outputS3Text, 'GCR_OUTPUT_S3_URI', 'prefix') } : {}),
    ...(statusS3Text ? { statusS3: parseS3Uri(statusS3Text, 'GCR_STATUS_S3_URI', 'object') } : {}),
    ...(restartsS3Text ? { restartsS3: parseS3Uri(restartsS3Text, 'GCR_RESTARTS_S3_URI', 'prefix') } : {}),
    restartsDir: path.resolve(cwd, nonEmpty(env['GCR_RESTARTS_DIR']) ?? 'Restarts'),
    attempt,
  };
}

/**
 * Whether this simulation is one GCR_DEMO_FAIL_SIMULATIONS names: how a test
 * makes one member of an ensemble fail while its retry, a simulation of its
 * own with the same spec, succeeds.
 */
function failsOnPurpose(env: Env): boolean {
  const id = nonEmpty(env['GCR_SIMULATION_ID']);
  const listed = (env['GCR_DEMO_FAIL_SIMULATIONS'] ?? '').split(',').map((s) => s.trim());
  return id !== undefined && listed.includes(id);
}

/**
 * s3://bucket/key. As a prefix the key is made to end in "/" (or is empty);
 * as an object a key ending in "/" gets "gcr-status.json" appended.
 */
export function parseS3Uri(uri: string, variable: string, kind: 'prefix' | 'object'): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri.trim());
  if (!match) {
    throw new DemoConfigError(
      `${variable} must look like s3://bucket/${kind === 'prefix' ? 'prefix/' : 'key'}, got ${uri}`,
    );
  }
  const bucket = match[1]!;
  let key = match[2] ?? '';
  if (kind === 'prefix') {
    if (key !== '' && !key.endsWith('/')) key += '/';
  } else if (key === '' || key.endsWith('/')) {
    key += 'gcr-status.json';
  }
  return { bucket, key };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function numberVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = nonEmpty(env[name]);
  if (text === undefined) return fallback;
  const value = Number(text.trim());
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new DemoConfigError(`${name} must be a number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}
