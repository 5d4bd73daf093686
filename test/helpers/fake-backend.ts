import type {
  ComputeBackend,
  JobDescription,
  JobState,
  SubmitJobRequest,
} from '#shared/kernel/compute/backend.js';

import { arrayChildren } from '#scripts/bench/simulated-batch.js';

/**
 * An in-memory compute backend for the poller's domain tests: it keeps jobs the
 * way Batch reports them, lets a test move them, counts calls, and can throttle.
 */
export class FakeBackend implements ComputeBackend {
  readonly jobs = new Map<string, JobDescription & { request: SubmitJobRequest }>();
  readonly calls = { submit: 0, findJobByName: 0, findJobsByName: 0, describe: 0, terminate: 0 };
  /** Calls to fail with TooManyRequestsException before answering. */
  throttleNext = 0;
  private seq = 0;

  /** With `arrays`, it takes array jobs as Batch does: children `<jobId>:<index>`, each describable. */
  constructor(private readonly options: { arrays?: boolean } = {}) {}

  get supportsArrays(): boolean {
    return this.options.arrays === true;
  }

  private throttle(): void {
    if (this.throttleNext > 0) {
      this.throttleNext -= 1;
      const err = new Error('Too Many Requests');
      err.name = 'TooManyRequestsException';
      throw err;
    }
  }

  async submit(request: SubmitJobRequest) {
    this.calls.submit += 1;
    this.throttle();
    const jobId = `job-${++this.seq}`;
    this.jobs.set(jobId, {
      jobId,
      jobName: request.jobName,
      state: 'SUBMITTED',
      attempts: [],
      createdAt: Date.now(),
      request,
      ...(request.arraySize ? { array: { size: request.arraySize } } : {}),
    });
    for (const child of arrayChildren(jobId, request)) this.jobs.set(child.jobId, { ...child, request });
    return { jobId };
  }

  async findJobByName(jobName: string) {
    this.calls.findJobByName += 1;
    this.throttle();
    // As ListJobs by name: array parents, not their children.
    return [...this.jobs.values()].filter((j) => j.jobName === jobName && j.array?.index === undefined).pop();
  }

  async findJobsByName(jobName: string) {
    this.calls.findJobsByName += 1;
    this.throttle();
    return [...this.jobs.values()]
      .filter((j) => j.jobName === jobName)
      .reverse()
      .map((j) => structuredClone(j));
  }

  async describe(jobIds: string[]) {
    this.calls.describe += 1;
    this.throttle();
    if (jobIds.length > 100) throw new Error('DescribeJobs takes at most 100 ids');
    return jobIds.flatMap((id) => (this.jobs.has(id) ? [structuredClone(this.jobs.get(id)!)] : []));
  }

  async terminate(jobId: string, reason: string) {
    this.calls.terminate += 1;
    this.throttle();
    const job = this.jobs.get(jobId);
    if (job && job.state !== 'SUCCEEDED' && job.state !== 'FAILED') {
      job.state = 'FAILED';
      job.statusReason = reason;
      job.attempts.push({ statusReason: reason });
    }
  }

  /** Moves a job (as Batch would) and returns the description an event would carry. */
  move(jobId: string, state: JobState, patch: Partial<JobDescription> = {}): JobDescription {
    const job = this.jobs.get(jobId)!;
    Object.assign(job, { state, ...patch });
    return structuredClone(job);
  }

  only(): JobDescription & { request: SubmitJobRequest } {
    if (this.jobs.size !== 1) throw new Error(`expected exactly one job, found ${this.jobs.size}`);
    return [...this.jobs.values()][0]!;
  }
}
