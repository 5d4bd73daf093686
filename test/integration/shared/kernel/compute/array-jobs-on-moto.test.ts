/**
 * The Batch adapter's array jobs against a second, independent Batch: moto's
 * (moto_server), which models array jobs. The adapter's SubmitJob with
 * arrayProperties.size is accepted, the parent is described with its size and
 * a status summary covering every child, and a child `<parent>:<index>` is
 * described by that id, all through the adapter's mapping (moto omits a
 * child's arrayProperties.index, which Batch reports; nothing here needs it). moto runs jobs
 * in Docker, so only the request and the described shapes are compared, not
 * the children's runs. Skipped where moto_server is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  BatchClient,
  CreateComputeEnvironmentCommand,
  CreateJobQueueCommand,
  RegisterJobDefinitionCommand,
} from '@aws-sdk/client-batch';
import { createBatchBackend } from '#shared/kernel/compute/batch-backend.js';
import { findMotoServer, startMotoServer, type RunningMotoServer } from '#test/helpers/moto-server.js';

const motoServer = findMotoServer();
const maybe = motoServer ? describe : describe.skip;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

maybe('array jobs through the Batch adapter, on moto', () => {
  let moto: RunningMotoServer;
  let client: BatchClient;

  beforeAll(async () => {
    moto = await startMotoServer(motoServer);
    client = new BatchClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
    // moto wants the compute environment's service role to exist: IAM's Query API, which moto routes by the credential scope.
    const created = await fetch(moto.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization:
          'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: 'Action=CreateRole&Version=2010-05-08&RoleName=gcr-ci-batch&AssumeRolePolicyDocument=%7B%7D',
    });
    const roleArn = /<Arn>([^<]+)<\/Arn>/.exec(await created.text())?.[1];
    const env = await client.send(
      new CreateComputeEnvironmentCommand({
        computeEnvironmentName: 'gcr-ci-ce',
        type: 'UNMANAGED',
        state: 'ENABLED',
        serviceRole: roleArn!,
      }),
    );
    await client.send(
      new CreateJobQueueCommand({
        jobQueueName: 'gcr-ci-arm64-spot',
        state: 'ENABLED',
        priority: 1,
        computeEnvironmentOrder: [{ order: 1, computeEnvironment: env.computeEnvironmentArn! }],
      }),
    );
    await client.send(
      new RegisterJobDefinitionCommand({
        jobDefinitionName: 'gcr-ci-gcclassic-arm64',
        type: 'container',
        containerProperties: {
          image: 'busybox',
          command: ['true'],
          resourceRequirements: [
            { type: 'VCPU', value: '1' },
            { type: 'MEMORY', value: '512' },
          ],
        },
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it('submits an array job and describes its parent and a child as Batch does', async () => {
    const backend = createBatchBackend(client, {
      jobQueues: {
        arm64: { spot: 'gcr-ci-arm64-spot', 'on-demand': 'gcr-ci-arm64-spot' },
        x86_64: { spot: 'gcr-ci-arm64-spot', 'on-demand': 'gcr-ci-arm64-spot' },
      },
      jobDefinitions: { arm64: 'gcr-ci-gcclassic-arm64', x86_64: 'gcr-ci-gcclassic-arm64' },
    });
    const { jobId } = await backend.submit({
      simulationId: 'sim_0123456789abcdefghjkmnpqrs',
      jobName: 'gcr-ens_0123456789abcdefghjkmnpqrs-a1',
      architecture: 'arm64',
      purchase: 'spot',
      vcpus: 1,
      memoryMiB: 512,
      spotRetries: 0,
      maxRuntimeSeconds: 600,
      environment: { GCR_ARRAY_MEMBERS_S3_URI: 's3://results/ensembles/e/arrays/a/' },
      tags: {},
      arraySize: 3,
    });
    const [parent, child] = await backend.describe([jobId, `${jobId}:2`]);
    expect(parent).toMatchObject({ jobId, jobName: 'gcr-ens_0123456789abcdefghjkmnpqrs-a1' });
    expect(parent!.array?.size).toBe(3);
    const summary = Object.values(parent!.array?.statusSummary ?? {}).reduce((a, b) => a + b, 0);
    expect(summary).toBe(3);
    // moto leaves out the child's arrayProperties.index (Batch reports it); the poller needs only the id.
    expect(child).toMatchObject({ jobId: `${jobId}:2`, jobName: 'gcr-ens_0123456789abcdefghjkmnpqrs-a1' });
  }, 60_000);
});
