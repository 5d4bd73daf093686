import { DescribeJobsCommand, type BatchClient, type JobDetail } from '@aws-sdk/client-batch';
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { DescribeContainerInstancesCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { Simulation } from '#schemas/generated/types.js';
import { OBSERVED_LAUNCH_SOURCE, type AttemptLaunch, type LaunchFacts } from '../domain/ports.js';

/** An AWS answer the chain cannot follow (a container instance ECS or EC2 no longer knows). */
export class LaunchChainError extends Error {
  override readonly name = 'LaunchChainError';
}

/**
 * The container instance an attempt ran on: a stopped attempt is listed in
 * `attempts` (in order, attempt n at index n-1); the running one, not listed
 * yet, is the job's own `container`.
 */
function containerInstanceOf(job: JobDetail, attempt: number): string | undefined {
  const listed = job.attempts ?? [];
  const stopped = listed[attempt - 1]?.container?.containerInstanceArn;
  if (stopped) return stopped;
  return attempt === listed.length + 1 ? job.container?.containerInstanceArn : undefined;
}

/** The ECS task of an attempt, found as its container instance is (`containerInstanceOf`). */
function taskArnOf(job: JobDetail, attempt: number): string | undefined {
  const listed = job.attempts ?? [];
  const stopped = listed[attempt - 1]?.container?.taskArn;
  if (stopped) return stopped;
  return attempt === listed.length + 1 ? job.container?.taskArn : undefined;
}

/** arn:aws:ecs:<region>:<account>:container-instance/<cluster>/<id> -> its cluster. */
function clusterOf(containerInstanceArn: string): string {
  const parts = containerInstanceArn.split(':').at(-1)!.split('/');
  if (parts.length !== 3) {
    throw new LaunchChainError(`container instance ARN without a cluster: ${containerInstanceArn}`);
  }
  return parts[1]!;
}

async function describeJobs(batch: BatchClient, jobIds: string[]): Promise<JobDetail[]> {
  const found: JobDetail[] = [];
  for (let i = 0; i < jobIds.length; i += 100) {
    const answer = await batch.send(new DescribeJobsCommand({ jobs: jobIds.slice(i, i + 100) }));
    found.push(...(answer.jobs ?? []));
  }
  return found;
}

/** A job and its nodes' jobs (`<jobId>#<n>` of a multi-node job; the job itself otherwise); undefined when Batch forgot it. */
async function jobWithNodes(batch: BatchClient, jobId: string): Promise<JobDetail[] | undefined> {
  const [job] = await describeJobs(batch, [jobId]);
  if (!job) return undefined;
  const numNodes = job.nodeProperties?.numNodes ?? 0;
  return numNodes > 0
    ? describeJobs(
        batch,
        Array.from({ length: numNodes }, (_, node) => `${jobId}#${node}`),
      )
    : [job];
}

/** The ECS task ARNs of an attempt, one per node, that Batch names. */
function taskArnsOf(nodeJobs: JobDetail[], attempt: number): string[] {
  return nodeJobs
    .map((nodeJob) => taskArnOf(nodeJob, attempt))
    .filter((arn): arn is string => arn !== undefined);
}

const taskArnsIfAny = (taskArns: string[]): { taskArns?: string[] } =>
  taskArns.length > 0 ? { taskArns } : {};

/**
 * The task ARNs of a job's attempt alone, from DescribeJobs: for a backend
 * whose instance is a stand-in (the local one, whose Batch emulator records a
 * task per attempt) but whose tasks the Cost and Usage Report names.
 */
export function createBatchTaskArns(batch: BatchClient) {
  return async (simulation: Simulation, attempt: number): Promise<string[]> => {
    const jobId = simulation.job?.jobId;
    if (!jobId) return [];
    return taskArnsOf((await jobWithNodes(batch, jobId)) ?? [], attempt);
  };
}

/** EC2 instance ids of container instances, one DescribeContainerInstances per cluster (≤ 100 each). */
async function ec2InstanceIds(ecs: ECSClient, containerInstanceArns: string[]): Promise<Map<string, string>> {
  const byCluster = new Map<string, string[]>();
  for (const arn of new Set(containerInstanceArns)) {
    const cluster = clusterOf(arn);
    byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), arn]);
  }
  const ids = new Map<string, string>();
  for (const [cluster, arns] of byCluster) {
    for (let i = 0; i < arns.length; i += 100) {
      const answer = await ecs.send(
        new DescribeContainerInstancesCommand({ cluster, containerInstances: arns.slice(i, i + 100) }),
      );
      for (const instance of answer.containerInstances ?? []) {
        if (instance.containerInstanceArn && instance.ec2InstanceId) {
          ids.set(instance.containerInstanceArn, instance.ec2InstanceId);
        }
      }
    }
  }
  return ids;
}

/**
 * What an attempt of an AWS Batch job really ran on: DescribeJobs (the
 * attempt's container instance; a multi-node job's every node, `<jobId>#<n>`)
 * -> ECS DescribeContainerInstances (`ec2InstanceId`) -> EC2
 * DescribeInstances (type, zone, `InstanceLifecycle`). Undefined when Batch
 * does not say (the job is gone after its retention, or not placed yet), so
 * the caller can fall back to a stand-in.
 */
export function createBatchLaunchFacts(clients: {
  batch: BatchClient;
  ecs: ECSClient;
  ec2: EC2Client;
}): LaunchFacts {
  return {
    async launchOf(simulation: Simulation, attempt: number): Promise<AttemptLaunch | undefined> {
      const jobId = simulation.job?.jobId;
      if (!jobId) return undefined;
      const nodeJobs = await jobWithNodes(clients.batch, jobId);
      if (!nodeJobs) return undefined;
      const containerInstances = nodeJobs
        .map((nodeJob) => containerInstanceOf(nodeJob, attempt))
        .filter((arn): arn is string => arn !== undefined);
      if (containerInstances.length === 0) return undefined;
      const ec2Ids = await ec2InstanceIds(clients.ecs, containerInstances);
      const instanceIds = [...new Set(containerInstances.map((arn) => ec2Ids.get(arn)))];
      if (instanceIds.some((id) => id === undefined)) {
        throw new LaunchChainError(`ECS does not know every container instance of job ${jobId}`);
      }
      const answer = await clients.ec2.send(
        new DescribeInstancesCommand({ InstanceIds: instanceIds as string[] }),
      );
      const instances = (answer.Reservations ?? []).flatMap((r) => r.Instances ?? []);
      const first = instances[0];
      if (!first?.InstanceType || !first.Placement?.AvailabilityZone) {
        throw new LaunchChainError(`EC2 does not describe instance ${instanceIds[0]} of job ${jobId}`);
      }
      return {
        instanceType: first.InstanceType,
        availabilityZone: first.Placement.AvailabilityZone,
        purchase: first.InstanceLifecycle === 'spot' ? 'spot' : 'on-demand',
        // Every node counts; nodes sharing one instance (never for GCHP's) count once.
        nodes: instanceIds.length,
        source: `${OBSERVED_LAUNCH_SOURCE}: job ${jobId} attempt ${attempt} on ${instanceIds.join(', ')}`,
        ...taskArnsIfAny(taskArnsOf(nodeJobs, attempt)),
      };
    },
  };
}

/**
 * The launch facts of every backend: an `aws-batch` job's attempt from the
 * AWS chain, or the stand-in when the chain has nothing to say (the job past
 * Batch's retention, a container instance gone); other backends' (local) the
 * stand-in, the local backend's own record.
 */
export function launchFactsByBackend(
  observed: () => LaunchFacts,
  standIn: LaunchFacts,
  log: (message: string, data: Record<string, unknown>) => void,
  /** The attempt's task ARNs where the instance is a stand-in (the local backend's Batch emulator). */
  standInTaskArns?: (simulation: Simulation, attempt: number) => Promise<string[]>,
): LaunchFacts {
  return {
    async launchOf(simulation, attempt) {
      if (simulation.backend !== 'aws-batch') {
        const launch = await standIn.launchOf(simulation, attempt);
        if (!launch || !standInTaskArns) return launch;
        try {
          return { ...launch, ...taskArnsIfAny(await standInTaskArns(simulation, attempt)) };
        } catch (err) {
          // Without its task ARN the reconciliation matches the attempt by tag and hour.
          log('task ARN of a stand-in attempt not found', {
            simulationId: simulation.id,
            attempt,
            error: (err as Error).message,
          });
          return launch;
        }
      }
      try {
        const launch = await observed().launchOf(simulation, attempt);
        if (launch) return launch;
      } catch (err) {
        if (!(err instanceof LaunchChainError)) throw err;
        log('launch chain broken; the attempt is priced on its stand-in', {
          simulationId: simulation.id,
          attempt,
          error: err.message,
        });
      }
      return standIn.launchOf(simulation, attempt);
    },
  };
}
