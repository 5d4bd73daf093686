/**
 * Job definitions and job queues of the local Batch emulator, and how
 * SubmitJob's references to them resolve (name, name:revision, or ARN, as the
 * Batch API accepts).
 *
 * Local job definitions have no revisions: any revision a caller names
 * resolves to the one definition of that name and is echoed back in the
 * job's `jobDefinition` ARN (a caller holding the ARN of revision 7 from the
 * infrastructure stack's exports keeps working locally).
 */
import { createHash } from 'node:crypto';
import type { ResourceRequirement, RetryStrategy, JobTimeout } from './types.js';

export interface LocalJobDefinition {
  /** argv of the process; SubmitJob's containerOverrides.command replaces it (as in Batch). */
  command: string[];
  environment?: Record<string, string>;
  /** Defaults that SubmitJob's members override, as a Batch job definition's do. */
  resourceRequirements?: ResourceRequirement[];
  retryStrategy?: RetryStrategy;
  timeout?: JobTimeout;
  /** Default values for `Ref::name` placeholders in the command. */
  parameters?: Record<string, string>;
}

export interface ResolvedDefinition {
  name: string;
  revision: number;
  arn: string;
  definition: LocalJobDefinition;
}

const DEFINITION_ARN = /^arn:[a-z-]+:batch:[^:]*:[^:]*:job-definition\/([^:/]+)(?::(\d+))?$/;
const QUEUE_ARN = /^arn:[a-z-]+:batch:[^:]*:[^:]*:job-queue\/([^:/]+)$/;

export function jobDefinitionArn(region: string, accountId: string, name: string, revision: number): string {
  return `arn:aws:batch:${region}:${accountId}:job-definition/${name}:${revision}`;
}

export function jobQueueArn(region: string, accountId: string, name: string): string {
  return `arn:aws:batch:${region}:${accountId}:job-queue/${name}`;
}

export function jobArn(region: string, accountId: string, jobId: string): string {
  return `arn:aws:batch:${region}:${accountId}:job/${jobId}`;
}

/** The cluster Batch would create for a compute environment; locally, one. */
export const LOCAL_ECS_CLUSTER = 'gcr-local';

/**
 * The ECS container instance a job runs on (Batch reports it once the job
 * starts): this machine, under an id stable for its host name.
 */
export function containerInstanceArn(region: string, accountId: string, host: string): string {
  const id = createHash('sha256').update(host).digest('hex').slice(0, 32);
  return `arn:aws:ecs:${region}:${accountId}:container-instance/${LOCAL_ECS_CLUSTER}/${id}`;
}

/** An attempt's ECS task. */
export function ecsTaskArn(region: string, accountId: string, taskId: string): string {
  return `arn:aws:ecs:${region}:${accountId}:task/${LOCAL_ECS_CLUSTER}/${taskId}`;
}

/** `name`, `name:revision`, or a job-definition ARN with or without revision; undefined if unknown. */
export function resolveJobDefinition(
  definitions: Readonly<Record<string, LocalJobDefinition>>,
  reference: string,
  region: string,
  accountId: string,
): ResolvedDefinition | undefined {
  let name: string;
  let revision: number;
  const arn = DEFINITION_ARN.exec(reference);
  if (arn) {
    name = arn[1]!;
    revision = arn[2] ? Number(arn[2]) : 1;
  } else {
    const m = /^([^:/]+)(?::(\d+))?$/.exec(reference);
    if (!m) return undefined;
    name = m[1]!;
    revision = m[2] ? Number(m[2]) : 1;
  }
  if (!Object.prototype.hasOwnProperty.call(definitions, name)) return undefined;
  return {
    name,
    revision,
    arn: jobDefinitionArn(region, accountId, name, revision),
    definition: definitions[name]!,
  };
}

/** A job queue's name from its name or ARN; undefined if the queue is not one of `queues`. */
export function resolveJobQueue(queues: readonly string[], reference: string): string | undefined {
  const arn = QUEUE_ARN.exec(reference);
  const name = arn ? arn[1]! : reference;
  return queues.includes(name) ? name : undefined;
}
