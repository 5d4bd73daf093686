/**
 * The AWS Batch wire shapes the local emulator speaks (a subset of the Batch
 * API 2016-08-10 model, member names exactly as in botocore's service-2.json).
 * A `BatchJobDetail` is both a DescribeJobs `JobDetail` and the `detail` of a
 * `Batch Job State Change` EventBridge event.
 */

export type BatchJobStatus =
  'SUBMITTED' | 'PENDING' | 'RUNNABLE' | 'STARTING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export const TERMINAL_STATUSES: ReadonlySet<BatchJobStatus> = new Set(['SUCCEEDED', 'FAILED']);

export interface KeyValuePair {
  name: string;
  value: string;
}

export interface ResourceRequirement {
  type: 'VCPU' | 'MEMORY' | 'GPU';
  value: string;
}

export interface EvaluateOnExit {
  onStatusReason?: string;
  onReason?: string;
  onExitCode?: string;
  /** RETRY or EXIT, case-insensitive as in Batch. */
  action: string;
}

export interface RetryStrategy {
  attempts?: number;
  evaluateOnExit?: EvaluateOnExit[];
}

export interface JobTimeout {
  attemptDurationSeconds?: number;
}

export interface ContainerOverrides {
  vcpus?: number;
  memory?: number;
  command?: string[];
  instanceType?: string;
  environment?: KeyValuePair[];
  resourceRequirements?: ResourceRequirement[];
}

/** SubmitJob's request members that the emulator honours (others are refused, see submit-request.ts). */
export interface SubmitJobInput {
  jobName: string;
  jobQueue: string;
  jobDefinition: string;
  parameters?: Record<string, string>;
  containerOverrides?: ContainerOverrides;
  retryStrategy?: RetryStrategy;
  timeout?: JobTimeout;
  tags?: Record<string, string>;
  propagateTags?: boolean;
  shareIdentifier?: string;
  schedulingPriorityOverride?: number;
  /** An array job of `size` children (2 to 10,000), `<jobId>:<index>` each. */
  arrayProperties?: { size: number };
}

/** JobDetail.arrayProperties: a parent's size and its children's count per status; a child's index. */
export interface ArrayPropertiesDetail {
  size?: number;
  index?: number;
  statusSummary?: Partial<Record<BatchJobStatus, number>>;
}

export interface SubmitJobOutput {
  jobArn: string;
  jobName: string;
  jobId: string;
}

export interface AttemptContainerDetail {
  containerInstanceArn?: string;
  taskArn?: string;
  exitCode?: number;
  reason?: string;
  logStreamName?: string;
  networkInterfaces?: unknown[];
}

export interface AttemptDetail {
  container?: AttemptContainerDetail;
  startedAt?: number;
  stoppedAt?: number;
  statusReason?: string;
}

export interface ContainerDetail {
  image?: string;
  vcpus?: number;
  memory?: number;
  command?: string[];
  volumes?: unknown[];
  environment?: KeyValuePair[];
  mountPoints?: unknown[];
  ulimits?: unknown[];
  exitCode?: number;
  reason?: string;
  containerInstanceArn?: string;
  taskArn?: string;
  logStreamName?: string;
  instanceType?: string;
  networkInterfaces?: unknown[];
  resourceRequirements?: ResourceRequirement[];
  secrets?: unknown[];
}

export interface BatchJobDetail {
  jobArn: string;
  jobName: string;
  jobId: string;
  jobQueue: string;
  status: BatchJobStatus;
  shareIdentifier?: string;
  schedulingPriority?: number;
  attempts: AttemptDetail[];
  statusReason?: string;
  createdAt: number;
  retryStrategy?: RetryStrategy;
  startedAt?: number;
  stoppedAt?: number;
  dependsOn: unknown[];
  jobDefinition: string;
  parameters: Record<string, string>;
  container: ContainerDetail;
  timeout?: JobTimeout;
  tags?: Record<string, string>;
  propagateTags: boolean;
  platformCapabilities: string[];
  isCancelled?: boolean;
  isTerminated?: boolean;
  arrayProperties?: ArrayPropertiesDetail;
}

/** ListJobs' JobSummary. */
export interface BatchJobSummary {
  jobArn: string;
  jobId: string;
  jobName: string;
  createdAt: number;
  status: BatchJobStatus;
  statusReason?: string;
  startedAt?: number;
  stoppedAt?: number;
  container?: { exitCode?: number; reason?: string };
  jobDefinition: string;
  shareIdentifier?: string;
  arrayProperties?: { size?: number; index?: number };
}

export interface ListJobsInput {
  jobQueue?: string;
  arrayJobId?: string;
  multiNodeJobId?: string;
  jobStatus?: string;
  maxResults?: number;
  nextToken?: string;
  filters?: { name?: string; values?: string[] }[];
}

export interface ListJobsOutput {
  jobSummaryList: BatchJobSummary[];
  nextToken?: string;
}

/**
 * A bad request, answered as Batch answers it: HTTP 400 with
 * `x-amzn-errortype: ClientException`.
 */
export class BatchClientError extends Error {
  readonly code = 'ClientException';
  constructor(message: string) {
    super(message);
    this.name = 'BatchClientError';
  }
}
