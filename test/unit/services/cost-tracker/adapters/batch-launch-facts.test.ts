import { beforeEach, describe, expect, it } from '@jest/globals';
import { BatchClient, DescribeJobsCommand, type JobDetail } from '@aws-sdk/client-batch';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeContainerInstancesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import type { Simulation } from '#schemas/generated/types.js';
import {
  createBatchLaunchFacts,
  createBatchTaskArns,
  launchFactsByBackend,
} from '#services/cost-tracker/src/adapters/batch-launch-facts.js';
import { OBSERVED_LAUNCH_SOURCE, type LaunchFacts } from '#services/cost-tracker/src/domain/ports.js';
import { aSimulation } from '#test/helpers/simulations.js';

const batch = mockClient(BatchClient);
const ecs = mockClient(ECSClient);
const ec2 = mockClient(EC2Client);

const CLUSTER = 'gcr-ci-spot_Batch_1234';
const containerInstance = (id: string): string =>
  `arn:aws:ecs:us-east-1:123456789012:container-instance/${CLUSTER}/${id}`;

function batchSimulation(): Simulation {
  return aSimulation({
    id: 'sim_LAUNCHFACTS000000000000001',
    backend: 'aws-batch',
    status: 'RUNNING',
    job: { jobId: 'job-1', jobName: 'gcr-sim', attempt: 2 },
  });
}

function job(overrides: Partial<JobDetail>): JobDetail {
  return {
    jobId: 'job-1',
    jobName: 'gcr-sim',
    jobQueue: 'q',
    jobDefinition: 'd',
    status: 'RUNNING',
    startedAt: 0,
    ...overrides,
  } as JobDetail;
}

const facts = (): LaunchFacts =>
  createBatchLaunchFacts({
    batch: new BatchClient({ region: 'us-east-1' }),
    ecs: new ECSClient({ region: 'us-east-1' }),
    ec2: new EC2Client({ region: 'us-east-1' }),
  });

beforeEach(() => {
  batch.reset();
  ecs.reset();
  ec2.reset();
  ecs.on(DescribeContainerInstancesCommand).callsFake((input: { containerInstances: string[] }) => ({
    containerInstances: input.containerInstances.map((arn) => ({
      containerInstanceArn: arn,
      ec2InstanceId: `i-${arn.split('/').at(-1)}`,
    })),
  }));
});

const task = (id: string): string => `arn:aws:ecs:us-east-1:123456789012:task/${CLUSTER}/${id}`;

/** A job whose first attempt stopped on container instance `first` and whose second runs on `second`. */
function describeRetriedJob(): void {
  batch.on(DescribeJobsCommand).resolves({
    jobs: [
      job({
        attempts: [
          { container: { containerInstanceArn: containerInstance('first'), taskArn: task('first') } },
        ],
        container: { containerInstanceArn: containerInstance('second'), taskArn: task('second') },
      }),
    ],
  });
}

/** The stand-in: what the spec says the job runs on. */
const standIn: LaunchFacts = {
  launchOf: async () => ({
    instanceType: 'c7g.4xlarge',
    availabilityZone: 'us-east-1a',
    purchase: 'spot',
    nodes: 1,
    source: 'stand-in',
  }),
};

describe('AWS Batch launch facts (DescribeJobs -> ECS -> EC2)', () => {
  it("follows a stopped attempt's container instance to its EC2 instance: type, zone, spot", async () => {
    describeRetriedJob();
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: 'i-first',
              InstanceType: 'c7g.4xlarge',
              Placement: { AvailabilityZone: 'us-east-1c' },
              InstanceLifecycle: 'spot',
            },
          ],
        },
      ],
    });
    const launch = await facts().launchOf(batchSimulation(), 1);
    expect(launch).toEqual({
      instanceType: 'c7g.4xlarge',
      availabilityZone: 'us-east-1c',
      purchase: 'spot',
      nodes: 1,
      source: `${OBSERVED_LAUNCH_SOURCE}: job job-1 attempt 1 on i-first`,
      // What the Cost and Usage Report's line items name (line_item_resource_id)
      taskArns: [task('first')],
    });
    expect(batch.commandCalls(DescribeJobsCommand)[0]!.args[0].input).toEqual({ jobs: ['job-1'] });
    expect(ecs.commandCalls(DescribeContainerInstancesCommand)[0]!.args[0].input).toEqual({
      cluster: CLUSTER,
      containerInstances: [containerInstance('first')],
    });
    expect(ec2.commandCalls(DescribeInstancesCommand)[0]!.args[0].input).toEqual({
      InstanceIds: ['i-first'],
    });
  });

  it("takes the running attempt (not listed yet) from the job's container; no lifecycle is on-demand", async () => {
    describeRetriedJob();
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        { Instances: [{ InstanceType: 'c7g.8xlarge', Placement: { AvailabilityZone: 'us-east-1a' } }] },
      ],
    });
    const launch = await facts().launchOf(batchSimulation(), 2);
    expect(launch).toMatchObject({
      instanceType: 'c7g.8xlarge',
      purchase: 'on-demand',
      nodes: 1,
      taskArns: [task('second')],
    });
    expect(ec2.commandCalls(DescribeInstancesCommand)[0]!.args[0].input).toEqual({
      InstanceIds: ['i-second'],
    });
  });

  it("counts every node of a multi-node job: each node's job (<jobId>#<n>) and instance", async () => {
    batch.on(DescribeJobsCommand, { jobs: ['job-1'] }).resolves({
      jobs: [job({ nodeProperties: { numNodes: 3, mainNode: 0, nodeRangeProperties: [] } })],
    });
    batch.on(DescribeJobsCommand, { jobs: ['job-1#0', 'job-1#1', 'job-1#2'] }).resolves({
      jobs: [0, 1, 2].map((node) =>
        job({
          jobId: `job-1#${node}`,
          container: { containerInstanceArn: containerInstance(`n${node}`), taskArn: task(`n${node}`) },
        }),
      ),
    });
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [0, 1, 2].map(() => ({
            InstanceType: 'c5n.18xlarge',
            Placement: { AvailabilityZone: 'us-east-1b' },
          })),
        },
      ],
    });
    const launch = await facts().launchOf(
      { ...batchSimulation(), job: { ...batchSimulation().job!, attempt: 1 } },
      1,
    );
    expect(launch).toMatchObject({
      instanceType: 'c5n.18xlarge',
      nodes: 3,
      purchase: 'on-demand',
      taskArns: [task('n0'), task('n1'), task('n2')],
    });
    expect(ecs.commandCalls(DescribeContainerInstancesCommand)).toHaveLength(1);
    expect(ec2.commandCalls(DescribeInstancesCommand)[0]!.args[0].input).toEqual({
      InstanceIds: ['i-n0', 'i-n1', 'i-n2'],
    });
  });

  it('says nothing for a job Batch no longer knows, so the stand-in prices it', async () => {
    batch.on(DescribeJobsCommand).resolves({ jobs: [] });
    const logged: string[] = [];
    const launches = launchFactsByBackend(facts, standIn, (message) => logged.push(message));
    expect((await launches.launchOf(batchSimulation(), 1))?.source).toBe('stand-in');
    // The local backend never asks AWS.
    batch.reset();
    expect((await launches.launchOf({ ...batchSimulation(), backend: 'local' }, 1))?.source).toBe('stand-in');
    expect(batch.commandCalls(DescribeJobsCommand)).toHaveLength(0);
  });

  it('prices a local job on its stand-in, with the task ARN the local Batch emulator records for the attempt', async () => {
    describeRetriedJob();
    const launches = launchFactsByBackend(
      facts,
      standIn,
      () => undefined,
      createBatchTaskArns(new BatchClient({ region: 'us-east-1' })),
    );
    const local: Simulation = { ...batchSimulation(), backend: 'local' };
    expect(await launches.launchOf(local, 1)).toMatchObject({
      source: 'stand-in',
      taskArns: [task('first')],
    });
    expect(await launches.launchOf(local, 2)).toMatchObject({
      source: 'stand-in',
      taskArns: [task('second')],
    });
    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(0);
  });
});
