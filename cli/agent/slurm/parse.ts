/**
 * Parsers of Slurm's text output (Slurm 22.05, Debian 12), the forms the
 * agent's adapter asks for. Text, not `--json`: 22.05's `sacct --json`
 * reports exit code 0 for a job that exited 3, and JSON shapes change between
 * releases. Each parser is tested on outputs captured from a real cluster
 * (test/fixtures/slurm/).
 */

/** A line of Slurm output the adapter cannot read: the format it asked for was not what came back. */
export class SlurmOutputError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * One job (or one array task) as Slurm reports it. An array task's `jobId` is
 * its own id once it is scheduled, the array's id while it is pending (and for
 * the array's last task), so array tasks are known by `arrayJobId_arrayTaskId`.
 */
export interface SlurmJobRecord {
  jobId: string;
  name: string;
  /** Slurm's state word: PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, CANCELLED, NODE_FAIL, ... */
  state: string;
  reason?: string;
  arrayJobId?: string;
  arrayTaskId?: number;
  /** The script's exit code, once it exited (not when a signal ended it). */
  exitCode?: number;
  /** The signal that ended it, if one did. */
  signal?: number;
}

/** The key a job or an array task is followed by: `123`, or `120_4` for task 4 of array 120. */
export function slurmJobKey(record: Pick<SlurmJobRecord, 'jobId' | 'arrayJobId' | 'arrayTaskId'>): string {
  return record.arrayJobId !== undefined && record.arrayTaskId !== undefined
    ? `${record.arrayJobId}_${record.arrayTaskId}`
    : record.jobId;
}

/** `sbatch --parsable` prints `jobid` or `jobid;cluster`. */
export function parseSbatchParsable(stdout: string): string {
  const line = stdout.trim().split('\n').pop() ?? '';
  const jobId = line.split(';')[0]!;
  if (!/^\d+$/.test(jobId))
    throw new SlurmOutputError(`sbatch printed no job id: ${JSON.stringify(line)}`, stdout);
  return jobId;
}

/**
 * The fields of `squeue -O`, each followed by `|` (an empty width means no
 * truncation: a long job name comes back whole). exit_code is the raw wait
 * status (768 for `exit 3`, 15 for SIGTERM).
 */
export const SQUEUE_FIELDS = [
  'JobID',
  'ArrayJobID',
  'ArrayTaskID',
  'Name',
  'State',
  'Reason',
  'exit_code',
] as const;
export const SQUEUE_FORMAT = SQUEUE_FIELDS.map((field) => `${field}:|`).join(',');

/** Lines of `squeue -h -r -t all -O <SQUEUE_FORMAT>`. */
export function parseSqueue(stdout: string): SlurmJobRecord[] {
  const records: SlurmJobRecord[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const cells = line.split('|');
    // SQUEUE_FIELDS cells, then the empty cell after the last separator.
    if (cells.length !== SQUEUE_FIELDS.length + 1) {
      throw new SlurmOutputError(
        `squeue line has ${cells.length - 1} fields, expected ${SQUEUE_FIELDS.length}`,
        line,
      );
    }
    const [jobId, arrayJobId, arrayTaskId, name, state, reason, waitStatus] = cells.map((cell) =>
      cell.trim(),
    ) as [string, string, string, string, string, string, string];
    if (!/^\d+$/.test(jobId)) throw new SlurmOutputError(`squeue line has no job id`, line);
    const record: SlurmJobRecord = { jobId, name, state: stateWord(state) };
    if (reason && reason !== 'None') record.reason = reason;
    if (/^\d+$/.test(arrayTaskId)) {
      record.arrayJobId = arrayJobId;
      record.arrayTaskId = Number(arrayTaskId);
    }
    if (isFinishedState(record.state) && /^\d+$/.test(waitStatus))
      Object.assign(record, decodeWaitStatus(Number(waitStatus)));
    // A pending array's not-yet-started tasks on one line (`123_[5-9%2]`, ArrayTaskID `5-9%2`): one record
    // each. `-r` expands them, so this is belt and braces for a squeue that does not.
    const pendingTasks = record.arrayTaskId === undefined ? taskRange(arrayTaskId) : undefined;
    if (pendingTasks && /^\d+$/.test(arrayJobId)) {
      for (const task of pendingTasks) records.push({ ...record, arrayJobId, arrayTaskId: task });
      continue;
    }
    records.push(record);
  }
  return records;
}

/** The tasks of an array's range as squeue prints it (`[5-9%2]`, `1,3-5`, `0-8:2%4`), or undefined for anything else. */
export function taskRange(text: string): number[] | undefined {
  const match = /^\[?([0-9,:-]+)(?:%\d+)?\]?$/.exec(text.trim());
  if (!match) return undefined;
  const tasks: number[] = [];
  for (const part of match[1]!.split(',')) {
    const range = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (!range) return undefined;
    const first = Number(range[1]);
    const last = range[2] === undefined ? first : Number(range[2]);
    const step = range[3] === undefined ? 1 : Number(range[3]);
    if (last < first || step < 1 || last - first > 1_000_000) return undefined;
    for (let task = first; task <= last; task += step) tasks.push(task);
  }
  return tasks;
}

/** A POSIX wait status: the exit code in the high byte, or the terminating signal in the low seven bits. */
export function decodeWaitStatus(status: number): { exitCode?: number; signal?: number } {
  const signal = status & 0x7f;
  return signal ? { signal } : { exitCode: (status >> 8) & 0xff };
}

/** Slurm's `exit:signal` pair (scontrol, sacct, the jobcomp log). */
export function parseExitPair(value: string): { exitCode?: number; signal?: number } {
  const match = /^(\d+):(\d+)$/.exec(value.trim());
  if (!match) return {};
  const signal = Number(match[2]);
  return signal ? { signal } : { exitCode: Number(match[1]) };
}

/** sacct writes `CANCELLED by 0`; squeue and the jobcomp log write `CANCELLED`. */
function stateWord(state: string): string {
  return state.trim().split(/\s+/)[0]!.replace(/\+$/, '');
}

const FINISHED_STATES = new Set([
  'COMPLETED',
  'FAILED',
  'TIMEOUT',
  'CANCELLED',
  'NODE_FAIL',
  'PREEMPTED',
  'OUT_OF_MEMORY',
  'BOOT_FAIL',
  'DEADLINE',
]);

/** True once the job (or task) has ended: no later state will come. */
export function isFinishedState(state: string): boolean {
  return FINISHED_STATES.has(state);
}

/**
 * `Key=Value Key=Value ...` lines: `scontrol show job -o` and the
 * jobcomp/filetxt log (values never hold spaces in the keys read here).
 */
export function parseKeyValueLine(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const token of line.trim().split(/\s+/)) {
    const equals = token.indexOf('=');
    if (equals > 0) fields.set(token.slice(0, equals), token.slice(equals + 1));
  }
  return fields;
}

/** One job of `scontrol show job -o` or one line of the jobcomp/filetxt log (`Name` there, `JobName` in scontrol). */
export function parseJobRecordLine(line: string): SlurmJobRecord | undefined {
  const fields = parseKeyValueLine(line);
  const jobId = fields.get('JobId');
  const state = fields.get('JobState');
  if (!jobId || !state) return undefined;
  const record: SlurmJobRecord = {
    jobId,
    name: fields.get('JobName') ?? fields.get('Name') ?? '',
    state: stateWord(state),
  };
  const reason = fields.get('Reason');
  if (reason && reason !== 'None') record.reason = reason;
  const arrayJobId = fields.get('ArrayJobId');
  const arrayTaskId = fields.get('ArrayTaskId');
  if (arrayJobId && arrayTaskId && /^\d+$/.test(arrayTaskId)) {
    record.arrayJobId = arrayJobId;
    record.arrayTaskId = Number(arrayTaskId);
  }
  const exit = fields.get('ExitCode');
  if (exit && isFinishedState(record.state)) Object.assign(record, parseExitPair(exit));
  return record;
}

/** Every job of a jobcomp/filetxt log (or of `scontrol show job -o`), one per line. */
export function parseJobRecordLines(text: string): SlurmJobRecord[] {
  return text
    .split('\n')
    .map(parseJobRecordLine)
    .filter((record): record is SlurmJobRecord => record !== undefined);
}

/** The fields of `sacct -X -P -n -o <SACCT_FORMAT>` (slurmdbd sites). */
export const SACCT_FORMAT = 'JobID,JobIDRaw,JobName,State,ExitCode';

/** Lines of `sacct -X -P -n -o JobID,JobIDRaw,JobName,State,ExitCode`: JobID is `120_4` for an array task. */
export function parseSacct(stdout: string): SlurmJobRecord[] {
  const records: SlurmJobRecord[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const cells = line.split('|');
    if (cells.length !== 5)
      throw new SlurmOutputError(`sacct line has ${cells.length} fields, expected 5`, line);
    const [jobIdShown, jobIdRaw, name, state, exit] = cells as [string, string, string, string, string];
    const record: SlurmJobRecord = { jobId: jobIdRaw, name, state: stateWord(state) };
    const task = /^(\d+)_(\d+)$/.exec(jobIdShown);
    if (task) {
      record.arrayJobId = task[1]!;
      record.arrayTaskId = Number(task[2]);
    }
    if (isFinishedState(record.state)) Object.assign(record, parseExitPair(exit));
    records.push(record);
  }
  return records;
}
