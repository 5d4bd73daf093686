/**
 * The GEOS-Chem job runner: the entrypoint of the gcclassic and gchp images.
 *
 *   download simulations/<id>/rundir/ (an attempt after the first: moved to
 *   the latest restart in simulations/<id>/restarts/, resume.ts) -> stage the inputs it lists -> run the
 *   model (OpenMP, or mpirun for GCHP) while uploading finished outputs and
 *   keeping simulations/<id>/status.json current -> upload the rest -> exit
 *
 * Exit codes: shared/kernel/compute/exit-codes.ts (0 success, 1 model failure,
 * 69 input unavailable, 75 transient S3 failure (Batch retries), 78 bad job
 * configuration), 143 when told to stop. See docs/CONTAINERS.md.
 */
import './quiet-sdk-warning.js';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { describeExitCode, EXIT_CODES } from '#shared/kernel/compute/exit-codes.js';
import { attemptFromEnvironment } from '#shared/kernel/compute/attempts.js';
import { RESTART_ATTEMPT_METADATA } from '#shared/kernel/storage/bucket-layout.js';
import { resumeNote } from '#shared/science/rundir/restart.js';
import { adoptArrayMember } from './array-member.js';
import { parseRunnerEnv, type RunnerConfig } from './env.js';
import { classicExecutableFor, gchpExecutableFor, simulationTypeOf } from './executable.js';
import { RunnerFailure } from './failures.js';
import { INPUT_LIST_FILE, parseInputList } from './inputs-list.js';
import { linkIntoRunDirectory } from '#shared/science/run/run-directory-links.js';
import { containedPath } from './contained-path.js';
import {
  announce,
  awaitNodes,
  mpirunSshEnvironment,
  prepareMainSsh,
  prepareWorkerSsh,
  privateAddress,
  serveSsh,
  trustWorkers,
  writeHostfile,
  type Coordination,
} from './mpi-launch.js';
import { startModel, type RunningModel } from './model-process.js';
import { coordinationPrefix, mpirunArgs, parseMultiNodeEnv, type MultiNodeEnv } from './multi-node.js';
import { modelOutcome, TERMINATED_EXIT_CODE } from './outcome.js';
import { OutputUploader } from './output-uploader.js';
import { resumeFromLatestRestart } from './resume.js';
import { isoSeconds, percentDone, simulationPeriod } from '#shared/science/run/progress.js';
import { addRundirDefaults, downloadRundir, pointAtDataRoot, readOptional } from './rundir.js';
import { anonymousClient, resultsClient, withRetries } from './s3.js';
import { checkLocalInputs, stageFromS3 } from './staging.js';
import { StatusReporter } from './status.js';
import { contentTypeOf, uploadFile } from './transfers.js';
import { jobVcpus, requestedVcpus } from './vcpus.js';

const say = (line: string): void => {
  process.stdout.write(`--- gcr runner: ${line}\n`);
};

/** Set once SIGTERM arrives, so the model is stopped and the end is reported as a stop. */
const stopping = { requested: false, model: undefined as RunningModel | undefined };

function readCpuEvidence(override: number | undefined, requested: number | undefined) {
  const read = (file: string): string | undefined => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };
  const v2 = read('/sys/fs/cgroup/cpu.max');
  const v1Quota = read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us');
  const v1Period = read('/sys/fs/cgroup/cpu/cpu.cfs_period_us');
  return {
    ...(override !== undefined ? { override } : {}),
    ...(requested !== undefined ? { requested } : {}),
    ...(v2 !== undefined ? { cgroupV2CpuMax: v2 } : {}),
    ...(v2 === undefined && v1Quota !== undefined && v1Period !== undefined
      ? { cgroupV1: { quota: v1Quota, period: v1Period } }
      : {}),
    availableParallelism: os.availableParallelism(),
  };
}

async function run(config: RunnerConfig, status: StatusReporter, results: S3Client): Promise<number> {
  const nodes = config.launchMode === 'mpi' ? parseMultiNodeEnv(process.env) : undefined;
  const nodeVcpus = jobVcpus(readCpuEvidence(config.vcpusOverride, undefined));
  const coordination: Coordination = {
    client: results,
    bucket: config.resultsBucket,
    prefix: coordinationPrefix(config.prefix, process.env),
    attempts: config.s3Attempts,
  };
  if (nodes && !nodes.isMain) {
    say(
      `worker node ${nodes.nodeIndex} of ${nodes.numNodes}: waiting for the main node's ssh key, then serving ssh for mpirun`,
    );
    const ssh = { dir: config.sshDir, port: config.sshPort };
    const hostKey = await prepareWorkerSsh(coordination, ssh, {
      mainAddress: nodes.mainNodeAddress,
      comment: `gcr-${config.simulationId}-node-${nodes.nodeIndex}`,
      timeoutMs: NODES_TIMEOUT_MS,
    });
    const sshd = serveSsh(process.env['GCR_SSHD_CONFIG'], ssh);
    await sshd.ready;
    await announce(coordination, {
      index: nodes.nodeIndex,
      address: privateAddress(),
      slots: config.mpiProcessesPerNode ?? nodeVcpus,
      hostKey,
    });
    return sshd.done;
  }

  await status.update({ state: 'staging', message: 'downloading the run directory' });
  const rundirFiles = await downloadRundir(
    {
      client: results,
      bucket: config.resultsBucket,
      prefix: `${config.prefix}rundir/`,
      attempts: config.s3Attempts,
    },
    config.workDir,
  );
  say(
    `run directory: ${rundirFiles.length} file(s) from s3://${config.resultsBucket}/${config.prefix}rundir/`,
  );
  const defaults = await addRundirDefaults(config.rundirDefaults, config.workDir);
  if (defaults.length > 0)
    say(`added ${defaults.length} static run-directory file(s) from ${config.rundirDefaults}`);

  const inputList = await readOptional(path.join(config.workDir, INPUT_LIST_FILE));
  const inputs = inputList === undefined ? [] : parseInputList(inputList);
  const dataRoot = config.inputsFromDir ?? config.dataRoot;
  if (inputs.length === 0) {
    say(
      `no ${INPUT_LIST_FILE} in the run directory: no input data staged (the data root ${dataRoot} is used as it is)`,
    );
  } else if (config.inputsFromDir) {
    await status.update({ message: `checking ${inputs.length} input file(s) in ${config.inputsFromDir}` });
    const report = await checkLocalInputs(config.inputsFromDir, inputs);
    say(`inputs: ${report.files} file(s), ${report.bytes} bytes, all present in ${config.inputsFromDir}`);
  } else {
    await status.update({
      message: `staging ${inputs.length} input file(s) from s3://${config.inputBucket}`,
    });
    const report = await stageFromS3(
      {
        client: anonymousClient(config.inputRegion),
        bucket: config.inputBucket,
        prefix: config.inputPrefix,
        concurrency: config.stagingConcurrency,
        attempts: config.s3Attempts,
      },
      inputs,
      config.dataRoot,
    );
    say(
      `inputs: ${report.files} file(s), ${report.bytes} bytes (${report.kept} already there) in ${config.dataRoot}`,
    );
  }
  const linked = await linkIntoRunDirectory(config.workDir, dataRoot, inputs, containedPath);
  if (linked.length > 0) say(`linked into the run directory: ${linked.join(', ')}`);
  const replaced = await pointAtDataRoot(config.workDir, dataRoot);
  if (replaced) say(`run directory now reads its data from ${dataRoot} (was ${replaced})`);

  const outputDir = path.join(config.workDir, 'OutputDir');
  const restartsDir = path.join(config.workDir, 'Restarts');
  await mkdir(outputDir, { recursive: true });
  await mkdir(restartsDir, { recursive: true });

  const metadata = await readOptional(path.join(config.workDir, 'gcr-rundir.json'));
  const period = simulationPeriod(
    metadata,
    await readOptional(path.join(config.workDir, 'geoschem_config.yml')),
  );
  const attempt = attemptFromEnvironment(process.env);
  const restartsSource = {
    client: results,
    bucket: config.resultsBucket,
    prefix: `${config.prefix}restarts/`,
    attempts: config.s3Attempts,
  };
  if (attempt > 1 && period) {
    const note = await resumeFromLatestRestart(
      restartsSource,
      config.workDir,
      period,
      config.launchMode === 'mpi' ? 'gchp' : 'gcclassic',
    );
    say(`attempt ${attempt}: ${note ?? resumeNote(undefined)}`);
    if (note) await status.update({ message: note });
  }
  // Every restart (mid-run checkpoints, the end's) also goes to restarts/, marked with this attempt.
  const restartUploader = new OutputUploader({
    ...restartsSource,
    dirs: [restartsDir],
    metadata: { [RESTART_ATTEMPT_METADATA]: String(attempt) },
  });
  await restartUploader.takeBaseline();
  const uploader = new OutputUploader({
    client: results,
    bucket: config.resultsBucket,
    prefix: `${config.prefix}outputs/`,
    dirs: [outputDir, restartsDir],
    attempts: config.s3Attempts,
    onUploaded: (name) => status.update({ files: [...status.status.files, name] }),
  });
  await uploader.takeBaseline();

  const simulationType = simulationTypeOf(metadata);
  const executable =
    config.executable ??
    (config.launchMode === 'mpi' ? gchpExecutableFor(simulationType) : classicExecutableFor(simulationType));
  const vcpus = jobVcpus(
    readCpuEvidence(config.vcpusOverride, requestedVcpus(metadata, process.env['GCR_SPEC'])),
  );
  const launch = await launchCommand(config, executable, nodes, vcpus, coordination);
  say(`running ${[launch.command, ...launch.args].join(' ')} with OMP_NUM_THREADS=${launch.threads}`);
  await status.update({ state: 'running', message: `running ${path.basename(executable)}` });
  uploader.start(config.uploadScanSeconds);
  restartUploader.start(config.uploadScanSeconds);

  if (stopping.requested) {
    await uploader.finish().catch(() => undefined);
    await restartUploader.finish().catch(() => undefined);
    const message = 'the job was told to stop (SIGTERM) before the model started';
    await status.update({ state: 'cancelled', message, exitCode: TERMINATED_EXIT_CODE });
    return TERMINATED_EXIT_CODE;
  }
  const model = startModel({
    command: launch.command,
    args: launch.args,
    cwd: config.workDir,
    env: {
      ...process.env,
      ...launch.env,
      OMP_NUM_THREADS: String(launch.threads),
      OMP_STACKSIZE: process.env['OMP_STACKSIZE'] ?? '500m',
    },
    logFile: path.join(config.workDir, 'GC.log'),
    onProgress: (reached) => {
      void status
        .update({
          simulatedTime: isoSeconds(reached),
          ...(period ? { percent: percentDone(period.start, period.end, reached) } : {}),
        })
        .catch(() => undefined);
    },
  });
  stopping.model = model;
  const end = await model.done;
  stopping.model = undefined;
  const outcome = modelOutcome({
    ...end,
    requireEndBanner: config.launchMode === 'omp',
    stopRequested: stopping.requested,
  });
  say(outcome.message);

  await status.update({ state: 'uploading', message: 'uploading outputs' });
  let uploadFailure: unknown;
  try {
    const sent = await uploader.finish();
    say(`outputs: ${sent.length} file(s) in s3://${config.resultsBucket}/${config.prefix}outputs/`);
    const restarts = await restartUploader.finish();
    say(`restarts: ${restarts.length} file(s) in s3://${config.resultsBucket}/${restartsSource.prefix}`);
  } catch (error) {
    uploadFailure = error;
  }
  await withRetries(
    'uploading the model log',
    () =>
      uploadFile(
        results,
        config.resultsBucket,
        `${config.prefix}logs/GC.log`,
        path.join(config.workDir, 'GC.log'),
        contentTypeOf('GC.log'),
      ),
    { attempts: config.s3Attempts },
  ).catch((error: unknown) => say(`the model log was not uploaded: ${(error as Error).message}`));

  if (outcome.exitCode === EXIT_CODES.success) {
    if (uploadFailure) throw uploadFailure;
    await status.update({
      state: 'succeeded',
      percent: 100,
      message: outcome.message,
      exitCode: outcome.exitCode,
    });
    return outcome.exitCode;
  }
  // The model failed: that is the story, even if some outputs could not be uploaded.
  await status.update({
    state: stopping.requested ? 'cancelled' : 'failed',
    message: outcome.message,
    exitCode: outcome.exitCode,
  });
  return outcome.exitCode;
}

/** How long the nodes wait for each other (the main node's key, the workers' announcements). */
const NODES_TIMEOUT_MS = 10 * 60_000;

async function launchCommand(
  config: RunnerConfig,
  executable: string,
  nodes: MultiNodeEnv | undefined,
  vcpus: number,
  coordination: Coordination,
): Promise<{ command: string; args: string[]; threads: number; env: Record<string, string> }> {
  if (config.launchMode === 'omp') return { command: executable, args: [], threads: vcpus, env: {} };
  let hostfilePath: string | undefined;
  let slots = config.mpiProcessesPerNode ?? vcpus;
  let env: Record<string, string> = {};
  if (nodes && nodes.numNodes > 1) {
    const ssh = { dir: config.sshDir, port: config.sshPort };
    await prepareMainSsh(coordination, ssh, `gcr-${config.simulationId}-main`);
    await announce(coordination, { index: nodes.nodeIndex, address: privateAddress(), slots });
    const announced = await awaitNodes(coordination, nodes, NODES_TIMEOUT_MS);
    env = mpirunSshEnvironment(
      await trustWorkers(
        ssh,
        announced.filter((node) => node.index !== nodes.nodeIndex),
      ),
    );
    hostfilePath = path.join(config.workDir, 'gcr-hostfile');
    await writeHostfile(hostfilePath, announced);
    slots = announced.reduce((sum, node) => sum + node.slots, 0);
  }
  return {
    command: 'mpirun',
    args: mpirunArgs({
      processes: config.mpiProcesses ?? slots,
      ...(hostfilePath ? { hostfilePath } : {}),
      executable,
      exportVariables: ['OMP_NUM_THREADS', 'PATH', 'LD_LIBRARY_PATH'],
    }),
    // GCHP runs one MPI process per core, one thread each.
    threads: 1,
    env,
  };
}

async function main(): Promise<number> {
  process.on('SIGTERM', () => {
    say('SIGTERM received: stopping the model');
    stopping.requested = true;
    stopping.model?.stop('SIGTERM');
  });
  const startedAt = new Date();
  let config: RunnerConfig;
  try {
    await adoptArrayMember(process.env, resultsClient, 5);
    config = parseRunnerEnv(process.env, process.cwd());
  } catch (error) {
    if (!(error instanceof RunnerFailure)) throw error;
    process.stderr.write(`gcr runner: ${error.message}\n`);
    say(`exit ${error.exitCode}: ${describeExitCode(error.exitCode)}`);
    return error.exitCode;
  }
  await mkdir(config.workDir, { recursive: true });
  const results = resultsClient();
  const status = new StatusReporter(
    path.join(config.workDir, 'gcr-status.json'),
    { client: results, bucket: config.resultsBucket, key: `${config.prefix}status.json` },
    config.launchMode === 'mpi' ? 'gchp' : 'gcclassic',
    startedAt,
  );
  let code: number;
  try {
    code = await run(config, status, results);
  } catch (error) {
    if (!(error instanceof RunnerFailure)) throw error;
    process.stderr.write(`gcr runner: ${error.message}\n`);
    code = error.exitCode;
    await status.update({ state: 'failed', message: error.message, exitCode: code }).catch(() => undefined);
  }
  try {
    await status.settle();
  } catch (error) {
    say(`the last status was not uploaded: ${(error as Error).message}`);
  }
  say(`exit ${code}: ${describeExitCode(code)}`);
  return code;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Stop promptly even if an SDK keep-alive socket lingers.
    setTimeout(() => process.exit(code), 100).unref();
  },
  (error: unknown) => {
    process.stderr.write(
      `gcr runner: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    // Unexpected errors are most likely the environment's (disk, network): let Batch try again.
    process.exit(EXIT_CODES.transientInfrastructure);
  },
);
