/**
 * Prepares an attempt's run directory on the shared filesystem before sbatch:
 * downloads the stored `rundir/` (and a resumed attempt's restart) through
 * presigned URLs, checks the run's input list against the site's ExtData root
 * (the job runner's checks, shared/science/run/), points the configuration at
 * that root, and writes the batch script. The job itself needs no network: it
 * only runs the model (or the demo model) in the run directory.
 */
import { chmod, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SiteArrayWork, SiteJobWork } from '#schemas/generated/types.js';
import { resolveInside } from '#shared/science/run/contained-path.js';
import { pointAtDataRoot, readOptional } from '#shared/science/run/data-root.js';
import { INPUT_LIST_FILE, InputListError, parseInputList } from '#shared/science/run/inputs-list.js';
import { checkInputsInDirectory } from '#shared/science/run/local-inputs.js';
import { linkIntoRunDirectory } from '#shared/science/run/run-directory-links.js';
import type { FileState } from '#shared/science/run/upload-readiness.js';
import type { FileTransfer } from './file-transfer.js';
import type { SiteApi } from './site-api.js';

/** The attempt cannot run at this site as sent: reported FAILED with this message. */
export class PreparationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The file the job's stdout and stderr go to (uploaded as logs/GC.log). */
export const JOB_LOG = 'GC.log';
export const JOB_SCRIPT = 'gcr-job.sh';
export const SPEC_FILE = 'gcr-spec.json';
/** The demo model's status file (the job runner's too), uploaded as the simulation's status.json. */
export const STATUS_FILE = 'gcr-status.json';
export const STATUS_UPLOAD = 'status.json';
/** Where the model writes what the agent uploads, and under which prefix. */
export const UPLOADED_DIRECTORIES = [
  { directory: 'OutputDir', prefix: 'outputs/' },
  { directory: 'Restarts', prefix: 'restarts/' },
] as const;

export interface PreparationSite {
  workRoot: string;
  extDataRoot: string;
  /** The GC Classic executable, or undefined for the demo model. */
  geosChemExecutable?: string;
  demoModelCommand: readonly string[];
}

export type SubmitMessage = SiteJobWork & { kind: 'submit'; job: NonNullable<SiteJobWork['job']> };

/** An array member's work as the submit of its own attempt: its run directory is prepared the same way. */
export function memberSubmitMessage(message: SiteArrayWork, index: number): SubmitMessage {
  const member = message.members[index]!;
  return {
    schemaVersion: message.schemaVersion,
    kind: 'submit',
    site: message.site,
    simulationId: member.simulationId,
    attempt: member.attempt,
    jobName: member.jobName,
    sentAt: message.sentAt,
    job: message.job,
    spec: member.spec,
  };
}

/** The array's batch script, next to its task list (one member's run directory a line, task i on line i + 1). */
export const ARRAY_SCRIPT = 'gcr-array.sh';
export const ARRAY_TASKS = 'gcr-array-tasks.txt';

/** `<workRoot>/<ensemble id>/<array job name>/`: the array's script, task list and its tasks' own Slurm output. */
export function arrayDirectoryOf(workRoot: string, message: SiteArrayWork): string {
  return path.join(workRoot, message.ensembleId, message.arrayJobName);
}

export function runDirectoryOf(workRoot: string, simulationId: string, attempt: number): string {
  return path.join(workRoot, simulationId, `a${attempt}`);
}

/** `relative` under `root`, or a PreparationError naming it. */
export function insideOrRefuse(root: string, relative: string, what: string): string {
  const resolved = resolveInside(root, relative);
  if (resolved === undefined) throw new PreparationError(`${what} "${relative}" leaves ${root}; refused`);
  return resolved;
}

/** Prepares the run directory and writes the batch script; returns the run directory. */
export async function prepareRunDirectory(
  message: SubmitMessage,
  site: PreparationSite,
  api: SiteApi,
  transfer: FileTransfer,
): Promise<string> {
  const runDirectory = runDirectoryOf(site.workRoot, message.simulationId, message.attempt);
  await mkdir(runDirectory, { recursive: true });
  const granted = await api.transfers({
    simulationId: message.simulationId,
    attempt: message.attempt,
    downloadRunDirectory: true,
    ...(message.resumeFrom ? { downloads: [message.resumeFrom] } : {}),
  });
  const rundirFiles = granted.downloads.filter((file) => file.path.startsWith('rundir/'));
  if (rundirFiles.length === 0) throw new PreparationError(`the simulation has no stored run directory`);
  // Every path is checked before the first download: one that leaves the run directory refuses them all.
  const targets = granted.downloads.map((file) => ({
    url: file.url,
    file: file.path.startsWith('rundir/')
      ? insideOrRefuse(runDirectory, file.path.slice('rundir/'.length), 'run directory file')
      : insideOrRefuse(path.join(runDirectory, 'Restarts'), path.basename(file.path), 'restart'),
  }));
  for (const target of targets) await transfer.download(target.url, target.file);

  if (site.geosChemExecutable) await checkAndPointAtInputs(runDirectory, site.extDataRoot);
  await writeFile(path.join(runDirectory, SPEC_FILE), `${JSON.stringify(message.spec, null, 2)}\n`);
  const script = path.join(runDirectory, JOB_SCRIPT);
  await writeFile(script, jobScript(message, runDirectory, site));
  await chmod(script, 0o755);
  return runDirectory;
}

/**
 * Writes an array's task list and batch script (ARRAY_SCRIPT) under the work
 * root: task i runs the i-th run directory's own gcr-job.sh
 * (prepareRunDirectory wrote it), its output to that directory's GC.log, as
 * a single job's. Returns the array's directory.
 */
export async function prepareArrayDirectory(
  workRoot: string,
  message: SiteArrayWork,
  runDirectories: readonly string[],
): Promise<string> {
  const arrayDirectory = arrayDirectoryOf(workRoot, message);
  await mkdir(arrayDirectory, { recursive: true });
  const tasks = path.join(arrayDirectory, ARRAY_TASKS);
  for (const directory of runDirectories) {
    if (directory.includes('\n')) throw new PreparationError(`run directory ${directory} has a newline`);
  }
  await writeFile(tasks, runDirectories.map((directory) => `${directory}\n`).join(''));
  const script = path.join(arrayDirectory, ARRAY_SCRIPT);
  await writeFile(
    script,
    [
      '#!/bin/sh',
      `# ${message.arrayJobName}: written by gcr agent (site ${message.site}), ${runDirectories.length} members of ensemble ${message.ensembleId}.`,
      "# Task i runs line i + 1 of the task list: its member's run directory.",
      `dir=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" ${shellQuote(tasks)})`,
      '[ -n "$dir" ] || { echo "no member for array task $SLURM_ARRAY_TASK_ID" >&2; exit 78; }',
      `exec "$dir/${JOB_SCRIPT}" > "$dir/${JOB_LOG}" 2>&1`,
      '',
    ].join('\n'),
  );
  await chmod(script, 0o755);
  return arrayDirectory;
}

/** The job runner's checks against the site's ExtData root: every listed input there, the config pointing at it. */
async function checkAndPointAtInputs(runDirectory: string, extDataRoot: string): Promise<void> {
  const listText = await readOptional(path.join(runDirectory, INPUT_LIST_FILE));
  if (listText !== undefined) {
    let entries;
    try {
      entries = parseInputList(listText);
    } catch (error) {
      if (error instanceof InputListError) throw new PreparationError(error.message);
      throw error;
    }
    const { problems } = await checkInputsInDirectory(extDataRoot, entries, insideOrRefuse);
    if (problems.length > 0) {
      throw new PreparationError(
        `${problems.length} input file(s) unusable in the site's ExtData root ${extDataRoot}: ${problems.slice(0, 5).join(', ')}`,
      );
    }
    await linkIntoRunDirectory(runDirectory, extDataRoot, entries, insideOrRefuse);
  }
  await pointAtDataRoot(runDirectory, extDataRoot);
}

/** A word safe inside single quotes in sh. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The batch script: runs the model (or the demo model) in the run directory, its output to GC.log (sbatch --output). */
export function jobScript(message: SubmitMessage, runDirectory: string, site: PreparationSite): string {
  const command = site.geosChemExecutable ? [site.geosChemExecutable] : site.demoModelCommand;
  return [
    '#!/bin/sh',
    `# ${message.jobName}: written by gcr agent (site ${message.site}). Runs on a compute node; needs no network.`,
    `cd ${shellQuote(runDirectory)} || exit 78`,
    `export GCR_SIMULATION_ID=${shellQuote(message.simulationId)}`,
    `export GCR_SPEC_FILE=${shellQuote(path.join(runDirectory, SPEC_FILE))}`,
    // The demo model resumes from its latest restart on attempts after the first, as on AWS Batch.
    `export AWS_BATCH_JOB_ATTEMPT=${message.attempt}`,
    'export OMP_NUM_THREADS="${SLURM_CPUS_PER_TASK:-1}"',
    `exec ${command.map(shellQuote).join(' ')}`,
    '',
  ].join('\n');
}

/** The files under the uploaded directories now, keyed by their upload path (outputs/..., restarts/...). */
export async function snapshotUploadable(runDirectory: string): Promise<Map<string, FileState>> {
  const snapshot = new Map<string, FileState>();
  for (const { directory, prefix } of UPLOADED_DIRECTORIES) {
    let names: string[];
    try {
      names = await readdir(path.join(runDirectory, directory), { recursive: true });
    } catch {
      continue;
    }
    for (const name of names) {
      const info = await stat(path.join(runDirectory, directory, name)).catch(() => undefined);
      if (info?.isFile() && !name.endsWith('.tmp') && !name.startsWith('.'))
        snapshot.set(`${prefix}${name.split(path.sep).join('/')}`, {
          size: info.size,
          mtimeMs: info.mtimeMs,
        });
    }
  }
  return snapshot;
}

/** The file behind an upload path (outputs/x -> <run>/OutputDir/x; logs/GC.log -> <run>/GC.log). */
export function localFileOf(runDirectory: string, uploadPath: string): string {
  if (uploadPath === `logs/${JOB_LOG}`) return path.join(runDirectory, JOB_LOG);
  if (uploadPath === STATUS_UPLOAD) return path.join(runDirectory, STATUS_FILE);
  const where = UPLOADED_DIRECTORIES.find(({ prefix }) => uploadPath.startsWith(prefix));
  if (!where) throw new Error(`no local file for ${uploadPath}`);
  return path.join(runDirectory, where.directory, uploadPath.slice(where.prefix.length));
}
