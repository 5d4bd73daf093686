/**
 * The AWS Batch implementation of the compute backend port (backend.ts).
 *
 * One SDK call per port call (DescribeJobs: one per 100 ids), no retries of its
 * own beyond the SDK's standard retry: errors propagate unchanged so that the
 * poller, which owns the pacing, can back off. `isThrottling` and
 * `isTransientBatchError` classify them.
 *
 * The same mapping (`JobDetail` -> `JobDescription`) serves DescribeJobs
 * answers and the `detail` of EventBridge `Batch Job State Change` events, which
 * carry a JobDetail too (`jobDescriptionFromBatchEvent`).
 */
import {
  DescribeJobsCommand,
  JobStatus,
  ListJobsCommand,
  RetryAction,
  SubmitJobCommand,
  TerminateJobCommand,
  type AttemptContainerDetail,
  type AttemptDetail,
  type BatchClient,
  type ContainerDetail,
  type EvaluateOnExit,
  type JobDetail,
  type JobSummary,
  type SubmitJobCommandInput,
} from '@aws-sdk/client-batch';
import { MalformedEventError, type FieldIssue } from '../errors.js';
import {
  MAX_ARRAY_SIZE,
  MIN_ARRAY_SIZE,
  type ComputeBackend,
  type JobAttempt,
  type JobDescription,
  type JobState,
  type SubmitJobRequest,
} from './backend.js';
import { RETRYABLE_EXIT_CODES } from './exit-codes.js';

export type Architecture = SubmitJobRequest['architecture'];
export type Purchase = SubmitJobRequest['purchase'];

export interface BatchBackendConfig {
  /** Job queue (name or ARN) per architecture and purchase option. */
  jobQueues: Record<Architecture, Record<Purchase, string>>;
  /**
   * Job definition per architecture: a name or an ARN without revision (Batch
   * then uses the latest ACTIVE revision), or one with `:<revision>` to pin it.
   */
  jobDefinitions: Record<Architecture, string>;
  /**
   * GCHP's multi-node parallel jobs: one on-demand queue and one job
   * definition (type multinode) per architecture. Without it, multi-node
   * requests are refused.
   */
  multiNode?: {
    jobQueues: Record<Architecture, string>;
    jobDefinitions: Record<Architecture, string>;
  };
  /**
   * Tags every job gets besides the request's own, e.g. `gcr:stage`, which the
   * poller's IAM policy requires of a job before it may terminate it.
   */
  jobTags?: Record<string, string>;
}

/** The queues a backend submits to (names or ARNs, as configured). */
function configuredQueues(config: Pick<BatchBackendConfig, 'jobQueues' | 'multiNode'>): string[] {
  return [
    ...new Set([
      ...Object.values(config.jobQueues).flatMap((byPurchase) => Object.values(byPurchase)),
      ...Object.values(config.multiNode?.jobQueues ?? {}),
    ]),
  ];
}

/** A job queue's name, from its name or its ARN (`arn:<partition>:batch:<region>:<account>:job-queue/<name>`). */
export function jobQueueName(queue: string): string {
  const marker = ':job-queue/';
  const at = queue.indexOf(marker);
  return queue.startsWith('arn:') && at >= 0 ? queue.slice(at + marker.length) : queue;
}

/**
 * Whether a job queue (name or ARN) is one of this stage's: a job in any other
 * queue is another stage's (or a forgery) and is never acted on. Queue names
 * carry the stage whole (`gcr-<stage>-<arch>-<purchase>`), so `dev` never
 * matches `dev2`'s queues.
 */
export function createJobQueueFilter(
  config: Pick<BatchBackendConfig, 'jobQueues' | 'multiNode'>,
): (jobQueue: string) => boolean {
  const own = new Set(configuredQueues(config).map(jobQueueName));
  return (jobQueue) => own.has(jobQueueName(jobQueue));
}

/** DescribeJobs accepts at most 100 job ids per call. */
export const DESCRIBE_JOBS_MAX_IDS = 100;
/** Batch allows 1 to 10 attempts per job. */
export const MAX_BATCH_ATTEMPTS = 10;
/** The minimum job timeout Batch accepts. */
export const MIN_ATTEMPT_DURATION_SECONDS = 60;
/** TerminateJob's reason is limited to 1024 characters. */
const MAX_TERMINATE_REASON = 1024;
/** A safety stop for ListJobs pagination in findJobByName (100 jobs a page with a filter). */
const MAX_LIST_PAGES = 20;

/**
 * Retry a host failure (a spot reclaim or a lost instance: the attempt's
 * statusReason starts with "Host EC2") and the runner's transient
 * infrastructure exit (RETRYABLE_EXIT_CODES: S3 staging or upload still failed
 * after its own retries); give up on anything else (a model error, missing
 * input data, an out-of-memory kill, a timeout). Batch applies the first entry
 * that matches; if none matched it would retry, hence the catch-all EXIT. The
 * job definitions in serverless.yml carry the same rules.
 */
export const RETRY_EVALUATE_ON_EXIT: readonly EvaluateOnExit[] = [
  { onStatusReason: 'Host EC2*', action: RetryAction.RETRY },
  ...RETRYABLE_EXIT_CODES.map((code) => ({ onExitCode: String(code), action: RetryAction.RETRY })),
  { onReason: '*', action: RetryAction.EXIT },
];

/** Where a multi-node job's nodes get their overrides: every node, from 0 on. */
export const ALL_NODES = '0:';

/** Batch's job statuses, from the API model the SDK is generated from. */
const JOB_STATES: ReadonlySet<string> = new Set<string>(Object.values(JobStatus));

/** Batch answered something the port cannot represent (e.g. a job status it does not know). */
export class BatchResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchResponseError';
  }
}

export function createBatchBackend(client: BatchClient, config: BatchBackendConfig): ComputeBackend {
  const queues = configuredQueues(config);

  async function describe(jobIds: string[]): Promise<JobDescription[]> {
    const unique = [...new Set(jobIds)];
    const found: JobDescription[] = [];
    // Sequential on purpose: one call per 100 ids at a steady rate; the poller
    // hands over at most a few hundred ids per invocation.
    for (let start = 0; start < unique.length; start += DESCRIBE_JOBS_MAX_IDS) {
      const chunk = unique.slice(start, start + DESCRIBE_JOBS_MAX_IDS);
      const answer = await client.send(new DescribeJobsCommand({ jobs: chunk }));
      for (const job of answer.jobs ?? []) found.push(jobDescriptionFromDetail(job));
    }
    return found;
  }

  /**
   * The jobs named `jobName` in every queue of this stage, newest first. With a
   * filter ListJobs answers every status (jobStatus is ignored).
   */
  async function listByName(jobName: string): Promise<JobSummary[]> {
    const found: JobSummary[] = [];
    for (const jobQueue of queues) {
      let nextToken: string | undefined;
      let pages = 0;
      do {
        const page = await client.send(
          new ListJobsCommand({ jobQueue, filters: [{ name: 'JOB_NAME', values: [jobName] }], nextToken }),
        );
        // The JOB_NAME filter matches case-insensitively: keep exact names only.
        for (const summary of page.jobSummaryList ?? []) {
          if (summary.jobName === jobName) found.push(summary);
        }
        nextToken = page.nextToken;
        pages += 1;
      } while (nextToken && pages < MAX_LIST_PAGES);
    }
    return found.sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
  }

  return {
    supportsArrays: true,

    async submit(request: SubmitJobRequest): Promise<{ jobId: string }> {
      const answer = await client.send(new SubmitJobCommand(submitJobInput(request, config)));
      if (!answer.jobId) throw new BatchResponseError(`SubmitJob for ${request.jobName} returned no jobId`);
      return { jobId: answer.jobId };
    },

    async findJobByName(jobName: string): Promise<JobDescription | undefined> {
      const [newest] = await listByName(jobName);
      if (!newest?.jobId) return undefined;
      const [described] = await describe([newest.jobId]);
      return described ?? jobDescriptionFromSummary(newest);
    },

    async findJobsByName(jobName: string): Promise<JobDescription[]> {
      const summaries = (await listByName(jobName)).filter((summary) => summary.jobId);
      if (summaries.length === 0) return [];
      const described = new Map((await describe(summaries.map((s) => s.jobId!))).map((d) => [d.jobId, d]));
      return summaries.flatMap((summary) => {
        const job = described.get(summary.jobId!) ?? jobDescriptionFromSummary(summary);
        return job ? [job] : [];
      });
    },

    describe,

    async terminate(jobId: string, reason: string): Promise<void> {
      // TerminateJob stops STARTING/RUNNING jobs and cancels jobs that have not
      // started yet (SUBMITTED, PENDING, RUNNABLE), so CancelJob is not needed.
      await client.send(new TerminateJobCommand({ jobId, reason: reason.slice(0, MAX_TERMINATE_REASON) }));
    },
  };
}

/** The SubmitJob request for a simulation's job (exported for tests and tooling). */
export function submitJobInput(request: SubmitJobRequest, config: BatchBackendConfig): SubmitJobCommandInput {
  const attempts = request.spotRetries + 1;
  if (!Number.isInteger(request.spotRetries) || attempts < 1 || attempts > MAX_BATCH_ATTEMPTS) {
    throw new RangeError(
      `spotRetries must be an integer from 0 to ${MAX_BATCH_ATTEMPTS - 1} (Batch allows 1-${MAX_BATCH_ATTEMPTS} attempts), got ${request.spotRetries}`,
    );
  }
  const reserved = Object.keys(request.environment).filter((name) => name.startsWith('AWS_BATCH'));
  if (reserved.length > 0) {
    throw new RangeError(
      `environment variables starting with AWS_BATCH are reserved by Batch: ${reserved.join(', ')}`,
    );
  }
  const retryStrategy = {
    attempts,
    evaluateOnExit: RETRY_EVALUATE_ON_EXIT.map((rule) => ({ ...rule })),
  };
  const timeout = {
    attemptDurationSeconds: Math.max(MIN_ATTEMPT_DURATION_SECONDS, Math.ceil(request.maxRuntimeSeconds)),
  };
  if (request.multiNode) {
    if (request.arraySize !== undefined)
      throw new RangeError('a multi-node parallel job cannot be an array job');
    return multiNodeSubmitJobInput(request, config, { retryStrategy, timeout });
  }
  if (
    request.arraySize !== undefined &&
    (!Number.isInteger(request.arraySize) ||
      request.arraySize < MIN_ARRAY_SIZE ||
      request.arraySize > MAX_ARRAY_SIZE)
  ) {
    throw new RangeError(
      `an array job has ${MIN_ARRAY_SIZE} to ${MAX_ARRAY_SIZE} children, got ${request.arraySize}`,
    );
  }

  const jobQueue = config.jobQueues[request.architecture]?.[request.purchase];
  const jobDefinition = config.jobDefinitions[request.architecture];
  if (!jobQueue || !jobDefinition) {
    throw new RangeError(
      `no job queue/definition configured for ${request.architecture} ${request.purchase}`,
    );
  }
  return {
    jobName: request.jobName,
    jobQueue,
    jobDefinition,
    // `containerOverrides.instanceType` is only valid for multi-node parallel
    // jobs (Batch rejects it on single-node container jobs), and SubmitJob has
    // no other per-job instance-type choice. The instance comes from the
    // queue's compute environment, which picks a type that fits these
    // vCPU/memory requirements; `request.instanceType` is therefore not sent
    // (the caller's cost estimate may still use it as a hint).
    containerOverrides: {
      resourceRequirements: [
        { type: 'VCPU', value: String(request.vcpus) },
        { type: 'MEMORY', value: String(request.memoryMiB) },
      ],
      environment: Object.entries(request.environment).map(([name, value]) => ({ name, value })),
    },
    retryStrategy,
    timeout,
    ...(request.arraySize !== undefined ? { arrayProperties: { size: request.arraySize } } : {}),
    tags: { ...request.tags, ...config.jobTags },
    propagateTags: true,
  };
}

/** Batch runs a multi-node parallel job on at most this many nodes here (the spec's limit). */
export const MAX_JOB_NODES = 32;

/**
 * GCHP's SubmitJob: the architecture's multinode queue (on-demand: multi-node
 * parallel jobs do not run on Spot) and job definition, with `nodeOverrides`
 * giving the node count and, for every node ("0:"), the node type, its
 * vCPUs and memory and the environment the runner needs to launch MPI.
 */
function multiNodeSubmitJobInput(
  request: SubmitJobRequest,
  config: BatchBackendConfig,
  common: Pick<SubmitJobCommandInput, 'retryStrategy' | 'timeout'>,
): SubmitJobCommandInput {
  const { nodes, mpiProcesses } = request.multiNode!;
  if (request.purchase !== 'on-demand') {
    throw new RangeError('multi-node parallel jobs do not run on Spot capacity: purchase must be on-demand');
  }
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_JOB_NODES) {
    throw new RangeError(`a multi-node job needs 1 to ${MAX_JOB_NODES} nodes, got ${nodes}`);
  }
  if (!Number.isInteger(mpiProcesses) || mpiProcesses < nodes) {
    throw new RangeError(`a multi-node job needs at least one MPI process per node, got ${mpiProcesses}`);
  }
  const jobQueue = config.multiNode?.jobQueues[request.architecture];
  const jobDefinition = config.multiNode?.jobDefinitions[request.architecture];
  if (!jobQueue || !jobDefinition) {
    throw new RangeError(`no multi-node job queue/definition configured for ${request.architecture}`);
  }
  const environment: Record<string, string> = {
    ...request.environment,
    SIMULATION_ID: request.simulationId,
    GCR_LAUNCH_MODE: 'mpi',
    GCR_MPI_PROCESSES: String(mpiProcesses),
    GCR_MPI_PROCESSES_PER_NODE: String(Math.ceil(mpiProcesses / nodes)),
    GCR_NUM_NODES: String(nodes),
  };
  return {
    jobName: request.jobName,
    jobQueue,
    jobDefinition,
    nodeOverrides: {
      numNodes: nodes,
      nodePropertyOverrides: [
        {
          targetNodes: ALL_NODES,
          containerOverrides: {
            ...(request.instanceType ? { instanceType: request.instanceType } : {}),
            resourceRequirements: [
              { type: 'VCPU', value: String(request.vcpus) },
              { type: 'MEMORY', value: String(request.memoryMiB) },
            ],
            environment: Object.entries(environment).map(([name, value]) => ({ name, value })),
          },
        },
      ],
    },
    ...common,
    tags: { ...request.tags, ...config.jobTags },
    propagateTags: true,
  };
}

// ------------------------------------------------------------------ mapping

function isJobState(value: unknown): value is JobState {
  return typeof value === 'string' && JOB_STATES.has(value);
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Drops undefined members so that descriptions compare and serialise cleanly. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * An attempt's reason: Batch's attempt statusReason (e.g. "Host EC2 (instance
 * i-...) terminated." for a spot reclaim, "Essential container in task exited"
 * for a model exit) comes first, so prefix matching on it keeps working; the
 * container's own reason (e.g. "OutOfMemoryError: Container killed due to
 * memory usage") follows in parentheses when it adds something.
 */
function attemptReason(attempt: AttemptDetail): string | undefined {
  const status = optionalString(attempt.statusReason);
  const container = optionalString(attempt.container?.reason);
  if (status && container && container !== status) return `${status} (${container})`;
  return status ?? container;
}

function mapAttempt(attempt: AttemptDetail, instanceType: string | undefined): JobAttempt {
  return compact<JobAttempt>({
    exitCode: optionalNumber(attempt.container?.exitCode),
    statusReason: attemptReason(attempt),
    startedAt: optionalNumber(attempt.startedAt),
    stoppedAt: optionalNumber(attempt.stoppedAt),
    logStreamName: optionalString(attempt.container?.logStreamName),
    instanceType,
  });
}

/** Maps a Batch JobDetail (from DescribeJobs or an event) to the port's JobDescription. */
export function jobDescriptionFromDetail(detail: JobDetail): JobDescription {
  if (!isJobState(detail.status)) {
    throw new BatchResponseError(
      `job ${detail.jobId ?? '?'} has a status the port does not know: ${String(detail.status)}`,
    );
  }
  if (!detail.jobId || !detail.jobName) throw new BatchResponseError('a Batch job without jobId or jobName');
  // `container.instanceType` is only reported for multi-node parallel jobs;
  // it is the job's, so every attempt ran on it.
  const instanceType = optionalString(detail.container?.instanceType);
  const attempts = (detail.attempts ?? []).map((attempt) => mapAttempt(attempt, instanceType));
  const lastAttempt = attempts.at(-1);
  const tags =
    detail.tags && Object.keys(detail.tags).length > 0
      ? Object.fromEntries(Object.entries(detail.tags).filter(([, v]) => typeof v === 'string'))
      : undefined;
  return compact<JobDescription>({
    jobId: detail.jobId,
    jobName: detail.jobName,
    jobQueue: optionalString(detail.jobQueue),
    state: detail.status,
    statusReason: optionalString(detail.statusReason),
    exitCode: optionalNumber(detail.container?.exitCode) ?? lastAttempt?.exitCode,
    createdAt: optionalNumber(detail.createdAt),
    startedAt: optionalNumber(detail.startedAt),
    stoppedAt: optionalNumber(detail.stoppedAt),
    logStreamName: optionalString(detail.container?.logStreamName) ?? lastAttempt?.logStreamName,
    attempts,
    tags,
    array: arrayOf(detail.arrayProperties),
  });
}

/** An array parent's size and status summary, or a child's index (JobDetail.arrayProperties). */
function arrayOf(properties: JobDetail['arrayProperties']): JobDescription['array'] {
  if (!properties) return undefined;
  const summary = properties.statusSummary
    ? Object.fromEntries(
        Object.entries(properties.statusSummary).filter(
          (entry): entry is [JobState, number] => isJobState(entry[0]) && typeof entry[1] === 'number',
        ),
      )
    : undefined;
  const array = compact({
    size: optionalNumber(properties.size),
    index: optionalNumber(properties.index),
    statusSummary: summary,
  });
  return Object.keys(array).length > 0 ? array : undefined;
}

/** A ListJobs summary as a description, for the rare case DescribeJobs no longer returns the job. */
function jobDescriptionFromSummary(summary: JobSummary): JobDescription | undefined {
  if (!summary.jobId || !summary.jobName || !isJobState(summary.status)) return undefined;
  return compact<JobDescription>({
    jobId: summary.jobId,
    jobName: summary.jobName,
    state: summary.status,
    statusReason: optionalString(summary.statusReason),
    exitCode: optionalNumber(summary.container?.exitCode),
    createdAt: optionalNumber(summary.createdAt),
    startedAt: optionalNumber(summary.startedAt),
    stoppedAt: optionalNumber(summary.stoppedAt),
    attempts: [],
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The container fields the mapping reads, from an event's (untyped) container object. */
function containerOf(value: unknown): (ContainerDetail & AttemptContainerDetail) | undefined {
  if (!isRecord(value)) return undefined;
  return {
    exitCode: optionalNumber(value['exitCode']),
    logStreamName: optionalString(value['logStreamName']),
    instanceType: optionalString(value['instanceType']),
    reason: optionalString(value['reason']),
  };
}

function attemptOf(value: Record<string, unknown>): AttemptDetail {
  return {
    container: containerOf(value['container']),
    startedAt: optionalNumber(value['startedAt']),
    stoppedAt: optionalNumber(value['stoppedAt']),
    statusReason: optionalString(value['statusReason']),
  };
}

/** What is wrong with a `Batch Job State Change` detail, field by field (none: it is one). */
function batchDetailIssues(detail: Record<string, unknown>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const check = (ok: boolean, field: string, message: string) => {
    if (!ok) issues.push({ field: `detail.${field}`, message });
  };
  check(optionalString(detail['jobId']) !== undefined, 'jobId', 'must be a non-empty string');
  check(optionalString(detail['jobName']) !== undefined, 'jobName', 'must be a non-empty string');
  // Every Batch job detail names its queue and its definition.
  check(typeof detail['jobQueue'] === 'string', 'jobQueue', 'must be a string');
  check(typeof detail['jobDefinition'] === 'string', 'jobDefinition', 'must be a string');
  check(isJobState(detail['status']), 'status', `must be one of ${[...JOB_STATES].join(', ')}`);
  check(detail['attempts'] === undefined || Array.isArray(detail['attempts']), 'attempts', 'must be a list');
  check(detail['container'] === undefined || isRecord(detail['container']), 'container', 'must be an object');
  for (const key of ['createdAt', 'startedAt', 'stoppedAt']) {
    check(detail[key] === undefined || typeof detail[key] === 'number', key, 'must be epoch milliseconds');
  }
  return issues;
}

/**
 * Maps the `detail` of an EventBridge `Batch Job State Change` event (source
 * `aws.batch`) to a JobDescription. Both documented shapes are accepted: the
 * 2018 one and the 2022 one (which adds jobArn, tags, propagateTags,
 * platformCapabilities). Anything else (another event's detail, a whole event
 * envelope, a malformed detail) is a MalformedEventError naming the fields.
 */
export function jobDescriptionFromBatchEvent(detail: unknown): JobDescription {
  if (!isRecord(detail)) {
    throw new MalformedEventError('a Batch Job State Change detail must be a JSON object', [
      { field: 'detail', message: 'must be a JSON object' },
    ]);
  }
  const issues = batchDetailIssues(detail);
  if (issues.length > 0) {
    throw new MalformedEventError(
      `not a Batch Job State Change detail: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`,
      issues,
    );
  }
  const tags = isRecord(detail['tags']) ? detail['tags'] : {};
  return jobDescriptionFromDetail({
    jobId: optionalString(detail['jobId']),
    jobName: optionalString(detail['jobName']),
    jobQueue: optionalString(detail['jobQueue']),
    jobDefinition: optionalString(detail['jobDefinition']),
    status: isJobState(detail['status']) ? detail['status'] : undefined,
    statusReason: optionalString(detail['statusReason']),
    createdAt: optionalNumber(detail['createdAt']),
    startedAt: optionalNumber(detail['startedAt']),
    stoppedAt: optionalNumber(detail['stoppedAt']),
    container: containerOf(detail['container']),
    attempts: ((detail['attempts'] as unknown[] | undefined) ?? []).filter(isRecord).map(attemptOf),
    ...(isRecord(detail['arrayProperties'])
      ? { arrayProperties: detail['arrayProperties'] as JobDetail['arrayProperties'] }
      : {}),
    tags: Object.fromEntries(
      Object.entries(tags).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    ),
  });
}

// ----------------------------------------------------------- error classes

interface SdkErrorLike {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: { throttling?: unknown };
}

const THROTTLING_NAMES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
]);

const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

const TRANSIENT_NAMES = new Set([
  'ServerException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

function asSdkError(err: unknown): SdkErrorLike | undefined {
  return typeof err === 'object' && err !== null ? (err as SdkErrorLike) : undefined;
}

/**
 * Batch refused the call for its rate (HTTP 429 `TooManyRequestsException`, or
 * any other throttling error the SDK marks). The SDK has already retried it;
 * the caller should back off, not retry at once.
 */
export function isThrottling(err: unknown): boolean {
  const e = asSdkError(err);
  if (!e) return false;
  return (
    (typeof e.name === 'string' && THROTTLING_NAMES.has(e.name)) ||
    e.$metadata?.httpStatusCode === 429 ||
    e.$retryable?.throttling === true
  );
}

/**
 * A failure that says nothing about the request itself: a Batch server error
 * (`ServerException`, any 5xx), a timeout or a network error. Worth trying
 * again later; a `ClientException` (4xx, e.g. an unknown queue) is not.
 * Throttling is reported by `isThrottling`, not here.
 */
export function isTransientBatchError(err: unknown): boolean {
  const e = asSdkError(err);
  if (!e) return false;
  if (isThrottling(err)) return false;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500 && status <= 599) return true;
  if (e.$fault === 'server') return true;
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  return typeof e.code === 'string' && NETWORK_ERROR_CODES.has(e.code);
}
