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
  /**
   * Periods (epoch ms, the last one maybe still open: `to` is now) when nobody
   * could observe the job (its Slurm site's agent was silent): the poller's
   * queue limit does not count them (queue-time.ts).
   */
  unobserved?: { from: number; to: number }[];
  /**
   * An array job's parent: its size and how many children are in each state
   * (Batch's `arrayProperties.statusSummary`); a child: its index. Absent for
   * ordinary jobs.
   */
  array?: { size?: number; index?: number; statusSummary?: Partial<Record<JobState, number>> };
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
  /**
   * An array job of this many children (2 to 10,000, AWS Batch's limits),
   * `<jobId>:<index>` each, every one with the same environment plus
   * AWS_BATCH_JOB_ARRAY_INDEX. Only for backends with `supportsArrays`.
   */
  arraySize?: number;
}

/** AWS Batch's array sizes. */
export const MIN_ARRAY_SIZE = 2;
export const MAX_ARRAY_SIZE = 10_000;

/** An ensemble's members as one array of a backend that keeps a job per member (a Slurm site's job array). */
export interface MemberArrayRequest {
  ensembleId: string;
  /** The ensemble's array submission (its lease's sequence): names the array, so a repeat is found again. */
  sequence: number;
  /** Each member's single-job request, in array order; they share their compute settings. */
  members: SubmitJobRequest[];
}

export interface ComputeBackend {
  /** Whether `submit` takes `arraySize` (AWS Batch does; a backend without arrays submits members one by one). */
  readonly supportsArrays?: boolean;
  submit(request: SubmitJobRequest): Promise<{ jobId: string }>;
  /**
   * Submits the members as one array while each keeps its own job (id and
   * description as if submitted alone): the slurm backend's job arrays. A
   * member the backend already knows is not sent again. Absent on backends
   * whose arrays have one parent job (`supportsArrays`) or none.
   */
  submitMemberArray?(request: MemberArrayRequest): Promise<{ jobIds: string[] }>;
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
