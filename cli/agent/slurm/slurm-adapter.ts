/**
 * The agent's Slurm adapter: submits with sbatch, follows every job of the
 * agent in one squeue call per poll (however many jobs: the controller's load
 * stays flat), falls back to the accounting record for jobs squeue has
 * forgotten (MinJobAge), and cancels with scancel. Jobs are named
 * `gcr-<simulation id>-a<attempt>`, so a restarted agent finds its jobs again
 * by name. An ensemble is one job array with a `%` throttle: the same submit
 * with `array` set, its tasks followed as `<array id>_<task>`.
 */
import { readFile } from 'node:fs/promises';
import {
  parseJobRecordLines,
  parseSacct,
  parseSbatchParsable,
  parseSqueue,
  SACCT_FORMAT,
  slurmJobKey,
  SQUEUE_FORMAT,
  type SlurmJobRecord,
} from './parse.js';
import type { SlurmCommands } from './slurm-commands.js';
import type { SiteAgentConfig } from '#schemas/generated/types.js';

/** What a site sets for every job unless the spec says otherwise: the agent configuration's partitionDefaults. */
export type SlurmJobDefaults = NonNullable<SiteAgentConfig['partitionDefaults']>;

export interface SlurmJobRequest extends SlurmJobDefaults {
  /** `gcr-<simulation id>-a<attempt>` (slurmJobName). */
  jobName: string;
  /** The batch script sbatch runs. */
  scriptPath: string;
  /** The job's working directory (the run directory). */
  workDir: string;
  /** Where the job's stdout and stderr go (`%A_%a` expands for array tasks). */
  outputPath?: string;
  /** A job array: `indices` such as `0-199`, at most `maxRunning` tasks at once (`%N`). */
  array?: { indices: string; maxRunning?: number };
  /** Variables the job sees on top of the agent's environment (sbatch --export=ALL,...). */
  environment?: Record<string, string>;
}

/** Where a site keeps finished jobs once squeue has forgotten them. */
export type SlurmAccounting =
  /** slurmdbd: `sacct -j ...` (the usual on a real cluster). */
  | { kind: 'sacct' }
  /** No slurmdbd: the jobcomp/filetxt log (JobCompLoc), read directly (sacct -c cannot tell array tasks apart). */
  | { kind: 'jobcomp-log'; path: string };

export interface SlurmAdapterOptions {
  /** The user whose jobs squeue lists (the agent's own). */
  user: string;
  accounting: SlurmAccounting;
  /** Only jobs whose name starts with this are the agent's (default `gcr-`). */
  namePrefix?: string;
}

/** A simulation attempt's job name: carries the simulation id, so a restarted agent re-attaches by name. */
export function slurmJobName(simulationId: string, attempt: number): string {
  return `gcr-${simulationId}-a${attempt}`;
}

/** sbatch's arguments for a request over the site's defaults (the request wins). */
export function sbatchArguments(request: SlurmJobRequest, defaults: SlurmJobDefaults = {}): string[] {
  const merged = { ...defaults, ...withoutUndefined(request) } as SlurmJobRequest;
  const args = ['--parsable', `--job-name=${merged.jobName}`, `--chdir=${merged.workDir}`];
  if (merged.partition) args.push(`--partition=${merged.partition}`);
  if (merged.account) args.push(`--account=${merged.account}`);
  if (merged.qos) args.push(`--qos=${merged.qos}`);
  if (merged.timeLimitMinutes !== undefined) args.push(`--time=${Math.ceil(merged.timeLimitMinutes)}`);
  if (merged.memoryMiB !== undefined) args.push(`--mem=${Math.ceil(merged.memoryMiB)}M`);
  if (merged.cpus !== undefined) args.push('--ntasks=1', `--cpus-per-task=${merged.cpus}`);
  if (merged.outputPath) args.push(`--output=${merged.outputPath}`);
  if (merged.array) {
    const throttle = merged.array.maxRunning !== undefined ? `%${merged.array.maxRunning}` : '';
    args.push(`--array=${merged.array.indices}${throttle}`);
  }
  const environment = Object.entries(merged.environment ?? {});
  for (const [name, value] of environment) {
    // sbatch splits --export on commas; a value with one cannot be passed this way.
    if (value.includes(',') || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new Error(`environment variable ${name} cannot be passed through sbatch --export`);
    }
  }
  args.push(`--export=${['ALL', ...environment.map(([name, value]) => `${name}=${value}`)].join(',')}`);
  args.push(merged.scriptPath);
  return args;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export class SlurmAdapter {
  private readonly namePrefix: string;

  constructor(
    private readonly commands: SlurmCommands,
    private readonly options: SlurmAdapterOptions,
    private readonly defaults: SlurmJobDefaults = {},
  ) {
    this.namePrefix = options.namePrefix ?? 'gcr-';
  }

  /** Submits one job (or one array) and returns its Slurm job id. */
  async submit(request: SlurmJobRequest): Promise<string> {
    return parseSbatchParsable(await this.commands.run('sbatch', sbatchArguments(request, this.defaults)));
  }

  /**
   * Every job and array task of the agent that squeue still knows (one call),
   * plus, from the accounting record, those of `wanted` it no longer lists.
   * `wanted` holds job ids, array ids (all their tasks) or task keys (`120_4`).
   * A wanted job neither knows is absent (sacct is eventually consistent: ask again).
   */
  async observe(wanted: readonly string[] = []): Promise<SlurmJobRecord[]> {
    const listed = await this.squeue([]);
    const missing = wanted.filter((key) => !listed.some((record) => matches(record, key)));
    if (missing.length === 0) return listed;
    const finished = await this.accountingRecords({ keys: missing });
    return [...listed, ...finished.filter((record) => missing.some((key) => matches(record, key)))];
  }

  /** The jobs named `jobName`, squeue's first, else the accounting record's (a restarted agent re-attaching). */
  async findByName(jobName: string): Promise<SlurmJobRecord[]> {
    const listed = await this.squeue([`--name=${jobName}`]);
    if (listed.length > 0) return listed;
    return (await this.accountingRecords({ names: [jobName] })).filter((record) => record.name === jobName);
  }

  /**
   * The jobs named any of `jobNames`, in one squeue (every job of the agent)
   * and, for names it does not list, one read of the accounting record: a
   * burst of submits asks the controller once, not once per job.
   */
  async findByNames(jobNames: readonly string[]): Promise<SlurmJobRecord[]> {
    if (jobNames.length === 0) return [];
    const wanted = new Set(jobNames);
    const listed = (await this.squeue([])).filter((record) => wanted.has(record.name));
    const missing = jobNames.filter((name) => !listed.some((record) => record.name === name));
    if (missing.length === 0) return listed;
    const finished = await this.accountingRecords({ names: missing });
    return [...listed, ...finished.filter((record) => missing.includes(record.name))];
  }

  /** Cancels a job, a whole array (its id) or one task (`120_4`). A job that already ended is not an error. */
  async cancel(jobKey: string): Promise<void> {
    await this.commands.run('scancel', [jobKey]);
  }

  private async squeue(extra: string[]): Promise<SlurmJobRecord[]> {
    const stdout = await this.commands.run('squeue', [
      '-h',
      '-r',
      '-t',
      'all',
      `--user=${this.options.user}`,
      ...extra,
      '-O',
      SQUEUE_FORMAT,
    ]);
    return parseSqueue(stdout).filter((record) => record.name.startsWith(this.namePrefix));
  }

  private async accountingRecords(filter: {
    keys?: readonly string[];
    names?: readonly string[];
  }): Promise<SlurmJobRecord[]> {
    const { accounting } = this.options;
    if (accounting.kind === 'jobcomp-log') {
      let text: string;
      try {
        text = await readFile(accounting.path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      return latestPerKey(parseJobRecordLines(text));
    }
    const selection = filter.keys
      ? [`--jobs=${filter.keys.join(',')}`]
      : [`--name=${(filter.names ?? []).join(',')}`];
    const stdout = await this.commands.run('sacct', [
      '-X',
      '-P',
      '-n',
      `--user=${this.options.user}`,
      ...selection,
      '-o',
      SACCT_FORMAT,
    ]);
    return latestPerKey(parseSacct(stdout));
  }
}

/** A record is what `key` names: the job itself, one of its array's tasks, or that task. */
function matches(record: SlurmJobRecord, key: string): boolean {
  return record.jobId === key || record.arrayJobId === key || slurmJobKey(record) === key;
}

/** A requeued job is logged once per run: the last line is its state now. */
function latestPerKey(records: SlurmJobRecord[]): SlurmJobRecord[] {
  const byKey = new Map<string, SlurmJobRecord>();
  for (const record of records) byKey.set(slurmJobKey(record), record);
  return [...byKey.values()];
}
