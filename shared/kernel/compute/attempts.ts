/**
 * A simulation's attempts across its jobs. A paused simulation that is resumed
 * runs as a new job, whose backend attempt counter starts at 1 again; the
 * simulation's own attempt numbers go on (docs/CAMPAIGNS.md, "Pause and
 * resume"), so restarts, history and cost name one attempt once.
 */
import type { Simulation } from '#schemas/generated/types.js';

type Job = NonNullable<Simulation['job']>;

/** Attempts the simulation's jobs have run so far: the earlier jobs' and those this job lists as ended. */
export function attemptsRun(job: Job | undefined): number {
  return (job?.attemptsBefore ?? 0) + (job?.attempts?.length ?? 0);
}

/** The simulation's attempt number of this job's backend attempt `jobAttempt` (from 1). */
export function simulationAttempt(job: Pick<Job, 'attemptsBefore'> | undefined, jobAttempt: number): number {
  return (job?.attemptsBefore ?? 0) + jobAttempt;
}

/**
 * The simulation's attempt a job is running, from its environment: AWS Batch's
 * AWS_BATCH_JOB_ATTEMPT (from 1; 1 when unset) plus GCR_EARLIER_ATTEMPTS, the
 * attempts the simulation's earlier jobs ran (0 when unset;
 * schemas/job/job-environment.schema.json). The job runner and the demo model
 * both read it so: above 1, the run resumes from its latest restart.
 */
export function attemptFromEnvironment(env: Readonly<Record<string, string | undefined>>): number {
  const whole = (text: string | undefined, min: number, fallback: number): number => {
    const value = Number(text?.trim());
    return Number.isInteger(value) && value >= min ? value : fallback;
  };
  return whole(env['GCR_EARLIER_ATTEMPTS'], 0, 0) + whole(env['AWS_BATCH_JOB_ATTEMPT'], 1, 1);
}
