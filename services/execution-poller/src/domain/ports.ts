import type { ComputeBackend } from '#shared/kernel/compute/backend.js';
import type { EventPublisher } from '#shared/kernel/events/publisher.js';
import type { EnsembleArrayStore } from '#shared/kernel/repository/ensemble-arrays.js';
import type { SimulationRepository } from '#shared/kernel/repository/simulations.js';
import type { JobArrayIndex, Simulation } from '#schemas/generated/types.js';

export interface Progress {
  percent: number;
  simulatedTime?: string;
}

/** A restart file a retried attempt resumes from (simulations/<id>/restarts/). */
export interface ResumePoint {
  name: string;
  /** The model time it holds (ISO 8601, from its GEOS-Chem name). */
  modelTime: string;
  /** The attempt that wrote it (its object metadata), when known. */
  attempt?: number;
}

/** What the poller needs from the outside world; handlers build it once, tests build it with fakes. */
export interface PollerPorts {
  repository: SimulationRepository;
  publisher: EventPublisher;
  /** The backend a simulation asked for, or undefined where it is not available. */
  backendFor(name: string): ComputeBackend | undefined;
  /** Shared budget for backend API calls (AWS Batch allows 50 requests/s per account). */
  rateLimiter: { acquire(calls: number): Promise<void> };
  /** Progress the job reported (its status file), if any. */
  progress?: { read(simulation: Simulation): Promise<Progress | undefined> };
  /**
   * The restart an attempt resumes from: the latest inside the period written
   * by an earlier attempt (the rule the job itself follows at its start).
   */
  restarts?: {
    resumePoint(simulation: Simulation, beforeAttempt: number): Promise<ResumePoint | undefined>;
    /** The latest restart inside the period uploaded at or after `sinceMs` (a pause's stopping point). */
    latestSince(simulation: Simulation, sinceMs: number): Promise<ResumePoint | undefined>;
  };
  /**
   * Ensemble array jobs (submit-array.ts, docs/CAMPAIGNS.md): the ensemble's
   * submission lease and the array's files in the results bucket. Without
   * it, members are submitted one job each.
   */
  arrays?: {
    store: EnsembleArrayStore;
    /** Writes an array's files (array-members.ts) before its SubmitJob. */
    writeFiles(files: readonly { key: string; body: string }[]): Promise<void>;
    /** An array's index (it never changes once written), or undefined when there is none. */
    readIndex(ensembleId: string, jobName: string): Promise<JobArrayIndex | undefined>;
    /** `s3://<results bucket>/<prefix>`: the members files' location a child is told. */
    uriOf(prefix: string): string;
  };
  /** Environment handed to a new job. */
  jobEnvironment(simulation: Simulation): Record<string, string>;
  /** Whether a backend error is worth retrying here (throttling, 5xx, network). */
  isRetryable(err: unknown): boolean;
  /** Whether a job queue (ARN or name) is one of this stage's: jobs anywhere else are not ours. */
  ownsJobQueue(jobQueue: string): boolean;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
}
