/**
 * The agent's own record of the jobs it submitted, in one JSON file under the
 * work root, written atomically (a temporary file renamed over the old one): a
 * SIGKILL leaves the old file or the new one, never half of one. With Slurm's
 * own record (squeue, then sacct or the jobcomp log), it is how a restarted
 * agent re-attaches to its jobs and never submits one twice.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SimulationStatus } from '#schemas/generated/types.js';
import type { FileState } from '#shared/science/run/upload-readiness.js';

/** One attempt the agent submitted (or is submitting). */
export interface TrackedJob {
  simulationId: string;
  attempt: number;
  jobName: string;
  /** Its run directory on the shared filesystem. */
  runDirectory: string;
  /** Set once sbatch answered (`<array id>_<task>` for an array's member); absent while the agent prepares or submits. */
  slurmJobId?: string;
  /** An ensemble array's member: the array's job name and this member's task. */
  array?: { jobName: string; task: number };
  /** When the agent wrote this entry (before the sbatch). */
  submittedAt: string;
  /** The last status the platform acknowledged (applied or ignored). */
  reportedStatus?: SimulationStatus;
  /** The last model time reported. */
  reportedModelTime?: string;
  /** Files uploaded, relative to simulations/<id>/ (outputs/..., restarts/..., logs/...), as they were when sent. */
  uploaded: Record<string, FileState>;
  /** Files of the run directory before the job started (the initial restart): inputs, never uploaded. */
  initialFiles: Record<string, FileState>;
  /** The job ended and the platform acknowledged its end: kept only for idempotency (never submitted again). */
  finished?: boolean;
}

/** One job array the agent submitted (or is submitting) for an ensemble's members. */
export interface TrackedArray {
  /** Its members' job names, task i the i-th. */
  members: string[];
  /** Set once sbatch answered. */
  slurmJobId?: string;
  submittedAt: string;
}

export interface AgentState {
  schemaVersion: '1';
  jobs: Record<string, TrackedJob>;
  /** By array job name (gcr-<ensemble id>-arr<n>): a redelivered submitArray finds it here. Absent in older state files. */
  arrays?: Record<string, TrackedArray>;
}

export interface StateStore {
  load(): Promise<AgentState>;
  save(state: AgentState): Promise<void>;
}

/** The state file was there but unreadable: the agent stops rather than forget its jobs. */
export class AgentStateError extends Error {
  constructor(file: string, why: string) {
    super(
      `the agent state file ${file} is unreadable (${why}); move it aside only if no job of this site runs`,
    );
    this.name = new.target.name;
  }
}

export function emptyAgentState(): AgentState {
  return { schemaVersion: '1', jobs: {} };
}

/** `<work root>/.gcr-agent/<site>.state.json`. */
export function agentStatePath(workRoot: string, site: string): string {
  return path.join(workRoot, '.gcr-agent', `${site}.state.json`);
}

export class FileStateStore implements StateStore {
  constructor(private readonly file: string) {}

  async load(): Promise<AgentState> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyAgentState();
      throw new AgentStateError(this.file, (error as Error).message);
    }
    try {
      const parsed = JSON.parse(text) as AgentState;
      if (parsed.schemaVersion !== '1' || typeof parsed.jobs !== 'object' || parsed.jobs === null) {
        throw new Error(`schemaVersion ${JSON.stringify(parsed.schemaVersion)}`);
      }
      return parsed;
    } catch (error) {
      throw new AgentStateError(this.file, (error as Error).message);
    }
  }

  async save(state: AgentState): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(state, null, 1)}\n`, { mode: 0o600 });
    await rename(temporary, this.file);
  }
}
