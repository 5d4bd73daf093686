/**
 * The compute backend port: what the execution poller needs from wherever jobs
 * run. AWS Batch implements it; so does the local platform's Batch emulator
 * (child processes on this machine), reached through the same adapter; and
 * the slurm backend (slurm-backend.ts), over a site's work queue and the jobs
 * its agent reports.
 */

/** AWS Batch's job states (JobStatus in the Batch API). */
export type JobState = 'SUBMITTED' | 'PENDING' | 'RUNNABLE' | 'STARTING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface JobAttempt {
  exitCode?: number;
  statusReason?: string;
  /** Epoch milliseconds. */
  startedAt?: number;
  stoppedAt?: number;
  logStreamName?: string;
  instanceType?: string;
}

export interface JobDescription {
  jobId: string;
  jobName: string;
  /** The job queue's ARN (or name): whose job it is (a stage's queues are its own). */
  jobQueue?: string;
  state: JobState;
  statusReason?: string;
  /** Exit code of the latest attempt's container, once it stopped. */
  exitCode?: number;
  createdAt?: number;
  startedAt?: number;
  stoppedAt?: number;
  logStreamName?: string;
  /** Finished attempts (Batch lists an attempt once its container stopped). */
  attempts: JobAttempt[];
  tags?: Record<string, string>;
  /**
   * Set while the job cannot be observed for a reason outside the run (a Slurm
   * site whose agent is silent): what it waits for, in words. The poller then
   * shows it and runs no time limit against the job.
   */
  waitingFor?: string;
}

export interface SubmitJobRequest {
  simulationId: string;
  /** Carries the simulation id, so an orphaned job can be found by name. */
  jobName: string;
  architecture: 'arm64' | 'x86_64';
  purchase: 'spot' | 'on-demand';
  vcpus: number;
  memoryMiB: number;
  instanceType?: string;
  /** Batch-level retries for spot reclaims and host loss (attempts = spotRetries + 1). */
  spotRetries: number;
  /** Per-attempt wall-time limit. */
  maxRuntimeSeconds: number;
  /**
   * GCHP: run as a multi-node parallel job of `nodes` instances with
   * `mpiProcesses` MPI processes in all (vcpus and memoryMiB are then per node,
   * and instanceType is the node type). Absent for single-node GC Classic jobs.
   */
  multiNode?: { nodes: number; mpiProcesses: number };
  environment: Record<string, string>;
  tags: Record<string, string>;
}

export interface ComputeBackend {
  submit(request: SubmitJobRequest): Promise<{ jobId: string }>;
  /** The newest job with this name, if any (for crash recovery before re-submitting). */
  findJobByName(jobName: string): Promise<JobDescription | undefined>;
  /**
   * Every job with this name in this stage's queues, whatever its status,
   * newest first (a cancel stops them all: a crashed submitter's job and any
   * second one a takeover submitted before Batch listed the first).
   */
  findJobsByName(jobName: string): Promise<JobDescription[]>;
  /** Describes up to 100 jobs in one call; unknown ids are simply absent. */
  describe(jobIds: string[]): Promise<JobDescription[]>;
  terminate(jobId: string, reason: string): Promise<void>;
}

/** Job names are limited to 128 letters, digits, hyphens and underscores. */
export function jobNameFor(simulationId: string): string {
  return `gcr-${simulationId}`;
}
