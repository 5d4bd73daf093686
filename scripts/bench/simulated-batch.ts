import type {
  ComputeBackend,
  JobDescription,
  JobState,
  SubmitJobRequest,
} from '#shared/kernel/compute/backend.js';

/** An array job's children as Batch creates them: `<parent>:<index>`, PENDING, each knowing its index. */
export function arrayChildren(parentJobId: string, request: SubmitJobRequest): JobDescription[] {
  return Array.from({ length: request.arraySize ?? 0 }, (_, index) => ({
    jobId: `${parentJobId}:${index}`,
    jobName: request.jobName,
    state: 'PENDING',
    attempts: [],
    createdAt: Date.now(),
    array: { index },
  }));
}

/**
 * An in-process AWS Batch for benchmarks and the event storm: jobs move through
 * Batch's states on a schedule the caller drives, DescribeJobs takes at most 100 ids, it can
 * throttle a share of calls, and it counts every call.
 */
export class SimulatedBatch implements ComputeBackend {
  readonly calls = {
    submit: 0,
    findJobByName: 0,
    describe: 0,
    describeAnswered: 0,
    terminate: 0,
    throttled: 0,
  };
  private readonly jobs = new Map<string, JobDescription>();
  private seq = 0;
  /** When each DescribeJobs call was answered (performance.now() ms): its peak rate. */
  readonly describeTimes: number[] = [];
  /** Array jobs as Batch runs them: children `<jobId>:<index>`, each describable. */
  readonly supportsArrays = true;

  /** `jobQueue`: the queue (ARN) new jobs are in, by default. */
  constructor(private readonly options: { throttleShare?: number; jobQueue?: string } = {}) {}

  private maybeThrottle(): void {
    if (this.options.throttleShare && Math.random() < this.options.throttleShare) {
      this.calls.throttled += 1;
      const err = new Error('Too Many Requests');
      err.name = 'TooManyRequestsException';
      throw err;
    }
  }

  /** A job already in Batch (for seeding a benchmark with active simulations). */
  seed(jobName: string, state: JobState, startedAt: number, jobQueue = this.options.jobQueue): string {
    const jobId = `bench-job-${++this.seq}`;
    this.jobs.set(jobId, {
      jobId,
      jobName,
      ...(jobQueue !== undefined ? { jobQueue } : {}),
      state,
      attempts: [],
      createdAt: startedAt,
      startedAt,
      logStreamName: `bench/${jobId}`,
    });
    return jobId;
  }

  /** A job as Batch describes it now. */
  get(jobId: string): JobDescription | undefined {
    const job = this.jobs.get(jobId);
    return job ? { ...job, attempts: [...job.attempts] } : undefined;
  }

  /** Moves a job on, as Batch would between two polls. */
  advance(jobId: string, state: JobState): void {
    const job = this.jobs.get(jobId)!;
    job.state = state;
    if (state === 'RUNNING') job.startedAt ??= Date.now();
    if (state === 'SUCCEEDED') {
      job.exitCode = 0;
      job.stoppedAt = Date.now();
      job.attempts = [{ exitCode: 0, startedAt: job.startedAt, stoppedAt: job.stoppedAt }];
    }
  }

  async submit(request: SubmitJobRequest) {
    this.calls.submit += 1;
    this.maybeThrottle();
    const jobId = this.seed(request.jobName, 'SUBMITTED', Date.now());
    for (const child of arrayChildren(jobId, request)) this.jobs.set(child.jobId, child);
    if (request.arraySize) this.jobs.get(jobId)!.array = { size: request.arraySize };
    return { jobId };
  }

  /** The children of an array job. */
  childrenOf(parentJobId: string): string[] {
    return [...this.jobs.keys()].filter((id) => id.startsWith(`${parentJobId}:`));
  }

  /** The array parents submitted so far. */
  arrayParents(): string[] {
    return [...this.jobs.values()].filter((j) => j.array?.size !== undefined).map((j) => j.jobId);
  }

  async findJobByName(jobName: string) {
    this.calls.findJobByName += 1;
    this.maybeThrottle();
    return [...this.jobs.values()].find((j) => j.jobName === jobName);
  }

  async findJobsByName(jobName: string) {
    this.calls.findJobByName += 1;
    this.maybeThrottle();
    return [...this.jobs.values()].filter((j) => j.jobName === jobName).reverse();
  }

  async describe(jobIds: string[]) {
    this.calls.describe += 1;
    this.maybeThrottle();
    if (jobIds.length > 100) throw new Error(`DescribeJobs takes at most 100 ids, got ${jobIds.length}`);
    this.calls.describeAnswered += 1;
    this.describeTimes.push(performance.now());
    return jobIds.flatMap((id) => {
      const job = this.jobs.get(id);
      return job ? [{ ...job, attempts: [...job.attempts] }] : [];
    });
  }

  async terminate(jobId: string) {
    this.calls.terminate += 1;
    this.maybeThrottle();
    this.advance(jobId, 'FAILED');
  }
}
