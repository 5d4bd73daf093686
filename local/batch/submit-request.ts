/**
 * Validation of SubmitJob, ListJobs, DescribeJobs and TerminateJob requests as
 * Batch validates them: every refusal is a `BatchClientError` (HTTP 400
 * ClientException). Inputs are untrusted JSON (from the endpoint) or typed
 * objects (direct callers); both go through the same checks.
 *
 * Differences from Batch, on purpose:
 * - `timeout.attemptDurationSeconds` accepts any positive number (Batch's
 *   minimum is 60), so tests can time jobs out in a fraction of a second;
 * - job dependencies, multi-node and EKS/ECS overrides are refused with a
 *   ClientException naming the member, rather than half-emulated (array jobs
 *   are emulated: `arrayProperties.size` 2 to 10,000).
 */
import {
  BatchClientError,
  type ContainerOverrides,
  type EvaluateOnExit,
  type KeyValuePair,
  type ListJobsInput,
  type ResourceRequirement,
  type RetryStrategy,
  type SubmitJobInput,
} from './types.js';
import { JobStatus } from '@aws-sdk/client-batch';

export const JOB_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
/** Batch's job statuses, from the API model the SDK is generated from. */
export const JOB_STATUSES: string[] = Object.values(JobStatus);
const MAX_REASON = 1024;
const UNSUPPORTED_SUBMIT_MEMBERS = [
  'nodeOverrides',
  'eksPropertiesOverride',
  'ecsPropertiesOverride',
  'consumableResourcePropertiesOverride',
];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(obj: Json, key: string, where = ''): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new BatchClientError(`${where}${key} must be a string`);
  return v;
}

function optionalInteger(obj: Json, key: string, where = ''): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new BatchClientError(`${where}${key} must be an integer`);
  return v;
}

function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string')) {
    throw new BatchClientError(`${where} must be a list of strings`);
  }
  return value as string[];
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (!isObject(value) || Object.values(value).some((s) => typeof s !== 'string')) {
    throw new BatchClientError(`${where} must be a map of strings to strings`);
  }
  return { ...(value as Record<string, string>) };
}

function keyValuePairs(value: unknown, where: string): KeyValuePair[] {
  if (!Array.isArray(value)) throw new BatchClientError(`${where} must be a list`);
  return value.map((item, i) => {
    if (!isObject(item) || typeof item['name'] !== 'string' || item['name'] === '') {
      throw new BatchClientError(`${where}[${i}].name must be a non-empty string`);
    }
    if (item['name'].startsWith('AWS_BATCH')) {
      throw new BatchClientError(
        `Environment variable names starting with AWS_BATCH are reserved (${where}[${i}])`,
      );
    }
    const v = item['value'];
    if (v !== undefined && typeof v !== 'string')
      throw new BatchClientError(`${where}[${i}].value must be a string`);
    return { name: item['name'], value: v ?? '' };
  });
}

export function parseResourceRequirements(value: unknown, where: string): ResourceRequirement[] {
  if (!Array.isArray(value)) throw new BatchClientError(`${where} must be a list`);
  return value.map((item, i) => {
    if (!isObject(item)) throw new BatchClientError(`${where}[${i}] must be an object`);
    const type = item['type'];
    const v = item['value'];
    if (type !== 'VCPU' && type !== 'MEMORY' && type !== 'GPU') {
      throw new BatchClientError(`${where}[${i}].type must be one of VCPU, MEMORY, GPU`);
    }
    if (typeof v !== 'string' || !/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0) {
      throw new BatchClientError(`${where}[${i}].value must be a positive number as a string`);
    }
    return { type, value: v };
  });
}

export function parseRetryStrategy(value: unknown, where = 'retryStrategy'): RetryStrategy {
  if (!isObject(value)) throw new BatchClientError(`${where} must be an object`);
  const attempts = optionalInteger(value, 'attempts', `${where}.`);
  if (attempts !== undefined && (attempts < 1 || attempts > 10)) {
    throw new BatchClientError(`${where}.attempts must be between 1 and 10`);
  }
  const out: RetryStrategy = {};
  if (attempts !== undefined) out.attempts = attempts;
  if (value['evaluateOnExit'] !== undefined) {
    const list = value['evaluateOnExit'];
    if (!Array.isArray(list)) throw new BatchClientError(`${where}.evaluateOnExit must be a list`);
    if (list.length > 5) throw new BatchClientError(`${where}.evaluateOnExit can have at most 5 entries`);
    if (list.length > 0 && attempts === undefined) {
      throw new BatchClientError(`${where}.attempts must be specified when evaluateOnExit is`);
    }
    out.evaluateOnExit = list.map((item, i): EvaluateOnExit => {
      const w = `${where}.evaluateOnExit[${i}].`;
      if (!isObject(item)) throw new BatchClientError(`${w.slice(0, -1)} must be an object`);
      const action = optionalString(item, 'action', w);
      if (!action || !['RETRY', 'EXIT'].includes(action.toUpperCase())) {
        throw new BatchClientError(`${w}action must be RETRY or EXIT`);
      }
      const entry: EvaluateOnExit = { action };
      for (const key of ['onStatusReason', 'onReason', 'onExitCode'] as const) {
        const pattern = optionalString(item, key, w);
        if (pattern === undefined) continue;
        if (pattern.length > 512) throw new BatchClientError(`${w}${key} can be at most 512 characters`);
        if (key === 'onExitCode' && !/^\d*\*?$/.test(pattern)) {
          throw new BatchClientError(`${w}onExitCode can contain only digits and may end with *`);
        }
        entry[key] = pattern;
      }
      return entry;
    });
  }
  return out;
}

function parseContainerOverrides(value: unknown): ContainerOverrides {
  if (!isObject(value)) throw new BatchClientError('containerOverrides must be an object');
  const out: ContainerOverrides = {};
  const w = 'containerOverrides.';
  if (value['command'] !== undefined) out.command = stringList(value['command'], `${w}command`);
  if (value['environment'] !== undefined)
    out.environment = keyValuePairs(value['environment'], `${w}environment`);
  if (value['resourceRequirements'] !== undefined) {
    out.resourceRequirements = parseResourceRequirements(
      value['resourceRequirements'],
      `${w}resourceRequirements`,
    );
  }
  const vcpus = optionalInteger(value, 'vcpus', w);
  if (vcpus !== undefined) out.vcpus = vcpus;
  const memory = optionalInteger(value, 'memory', w);
  if (memory !== undefined) out.memory = memory;
  if (optionalString(value, 'instanceType', w) !== undefined) {
    // Batch: "isn't applicable to single-node container jobs ... and shouldn't be provided".
    throw new BatchClientError(
      'containerOverrides.instanceType applies only to multi-node parallel jobs, and local jobs are single-node',
    );
  }
  return out;
}

/** SubmitJob's members, checked; references (queue, definition) are resolved by the caller. */
export function parseSubmitJob(input: unknown): SubmitJobInput {
  if (!isObject(input)) throw new BatchClientError('The request body must be a JSON object');
  for (const key of ['jobName', 'jobQueue', 'jobDefinition']) {
    if (typeof input[key] !== 'string' || input[key] === '') {
      throw new BatchClientError(`${key} is required and must be a non-empty string`);
    }
  }
  const jobName = input['jobName'] as string;
  if (!JOB_NAME_PATTERN.test(jobName)) {
    throw new BatchClientError(
      'jobName must be 1-128 characters: letters, numbers, hyphens (-) and underscores (_), starting with a letter or number',
    );
  }
  for (const key of UNSUPPORTED_SUBMIT_MEMBERS) {
    if (input[key] !== undefined && input[key] !== null) {
      throw new BatchClientError(`${key} is not supported by the local platform's Batch emulator`);
    }
  }
  if (Array.isArray(input['dependsOn']) && input['dependsOn'].length > 0) {
    throw new BatchClientError("dependsOn is not supported by the local platform's Batch emulator");
  }
  const out: SubmitJobInput = {
    jobName,
    jobQueue: input['jobQueue'] as string,
    jobDefinition: input['jobDefinition'] as string,
  };
  if (input['parameters'] !== undefined) out.parameters = stringMap(input['parameters'], 'parameters');
  if (input['containerOverrides'] !== undefined)
    out.containerOverrides = parseContainerOverrides(input['containerOverrides']);
  if (input['retryStrategy'] !== undefined) out.retryStrategy = parseRetryStrategy(input['retryStrategy']);
  if (input['timeout'] !== undefined) {
    const t = input['timeout'];
    if (!isObject(t)) throw new BatchClientError('timeout must be an object');
    const s = t['attemptDurationSeconds'];
    if (s !== undefined && (typeof s !== 'number' || !(s > 0))) {
      throw new BatchClientError('timeout.attemptDurationSeconds must be a positive number');
    }
    out.timeout = s === undefined ? {} : { attemptDurationSeconds: s };
  }
  if (input['tags'] !== undefined) {
    const tags = stringMap(input['tags'], 'tags');
    if (Object.keys(tags).length > 50) throw new BatchClientError('tags can have at most 50 entries');
    out.tags = tags;
  }
  if (input['propagateTags'] !== undefined) {
    if (typeof input['propagateTags'] !== 'boolean')
      throw new BatchClientError('propagateTags must be a boolean');
    out.propagateTags = input['propagateTags'];
  }
  if (input['arrayProperties'] !== undefined && input['arrayProperties'] !== null) {
    const array = input['arrayProperties'];
    if (!isObject(array)) throw new BatchClientError('arrayProperties must be an object');
    const size = optionalInteger(array, 'size', 'arrayProperties.');
    if (size === undefined || size < 2 || size > 10_000) {
      throw new BatchClientError('arrayProperties.size must be between 2 and 10000');
    }
    out.arrayProperties = { size };
  }
  const share = optionalString(input, 'shareIdentifier');
  if (share !== undefined) out.shareIdentifier = share;
  const priority = optionalInteger(input, 'schedulingPriorityOverride');
  if (priority !== undefined) out.schedulingPriorityOverride = priority;
  return out;
}

export function parseDescribeJobs(input: unknown): string[] {
  if (!isObject(input) || input['jobs'] === undefined) throw new BatchClientError('jobs is required');
  const jobs = stringList(input['jobs'], 'jobs');
  if (jobs.length > 100) throw new BatchClientError('Too many jobs: DescribeJobs accepts up to 100 job IDs');
  return jobs;
}

/** TerminateJob and CancelJob: `{ jobId, reason }`, both required. */
export function parseStopJob(input: unknown): { jobId: string; reason: string } {
  if (!isObject(input)) throw new BatchClientError('The request body must be a JSON object');
  const jobId = input['jobId'];
  const reason = input['reason'];
  if (typeof jobId !== 'string' || jobId === '') throw new BatchClientError('jobId is required');
  if (typeof reason !== 'string' || reason === '') throw new BatchClientError('reason is required');
  if (reason.length > MAX_REASON)
    throw new BatchClientError(`reason can be at most ${MAX_REASON} characters`);
  return { jobId, reason };
}

export function parseListJobs(input: unknown): ListJobsInput {
  if (!isObject(input)) throw new BatchClientError('The request body must be a JSON object');
  const out: ListJobsInput = {};
  for (const key of ['jobQueue', 'arrayJobId', 'multiNodeJobId', 'jobStatus', 'nextToken'] as const) {
    const v = optionalString(input, key);
    if (v !== undefined) out[key] = v;
  }
  const max = optionalInteger(input, 'maxResults');
  if (max !== undefined) out.maxResults = max;
  if (input['filters'] !== undefined && input['filters'] !== null) {
    const filters = input['filters'];
    if (!Array.isArray(filters)) throw new BatchClientError('filters must be a list');
    out.filters = filters.map((f, i) => {
      if (!isObject(f)) throw new BatchClientError(`filters[${i}] must be an object`);
      return {
        name: optionalString(f, 'name', `filters[${i}].`),
        values: f['values'] === undefined ? undefined : stringList(f['values'], `filters[${i}].values`),
      };
    });
  }
  return out;
}
