/**
 * The Slurm sites' work queues (shared/kernel/compute/site-queues.ts) against
 * the local platform's SQS endpoint and, where it is installed, moto_server: a
 * second implementation of SQS, so CreateQueue/DeleteQueue/GetQueueUrl answer
 * locally as SQS answers them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { createSiteQueues, siteQueueName } from '#shared/kernel/compute/site-queues.js';
import { startLocalSqsEndpoint, type LocalSqsEndpoint } from '#test/helpers/local-sqs-endpoint.js';
import { findMotoServer, startMotoServer, type RunningMotoServer } from '#test/helpers/moto-server.js';

let local: LocalSqsEndpoint;
let dir: string;
let moto: RunningMotoServer | undefined;
let motoClient: SQSClient | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gcr-site-queues-'));
  local = await startLocalSqsEndpoint([], dir);
  if (findMotoServer()) {
    moto = await startMotoServer();
    motoClient = new SQSClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
  }
}, 120_000);

afterAll(async () => {
  motoClient?.destroy();
  await moto?.stop();
  await local?.close();
  await rm(dir, { recursive: true, force: true });
});

/** What a site's queues look like through the SQS API, whichever implementation answers. */
async function lifecycle(client: SQSClient) {
  const queues = createSiteQueues(client, 'test');
  await queues.create('cannon');
  await queues.create('cannon'); // idempotent: same name, same attributes
  const found = await queues.find('cannon');
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: found!.url, AttributeNames: ['All'] }),
  );
  await queues.send('cannon', '{"kind":"submit"}');
  const received = await client.send(new ReceiveMessageCommand({ QueueUrl: found!.url, WaitTimeSeconds: 1 }));
  const conflict = await client
    .send(
      new CreateQueueCommand({
        QueueName: siteQueueName('test', 'cannon'),
        Attributes: { VisibilityTimeout: '31' },
      }),
    )
    .then(
      () => 'created',
      (err: Error) => err.name,
    );
  await queues.remove('cannon');
  await queues.remove('cannon'); // already gone: fine
  const afterRemove = await client
    .send(new GetQueueUrlCommand({ QueueName: siteQueueName('test', 'cannon') }))
    .then(
      () => 'found',
      (err: Error) => err.name,
    );
  return {
    arn: found!.arn.replace(/:\d{12}:/, ':<account>:'),
    visibility: Attributes?.['VisibilityTimeout'],
    redrive: JSON.parse(Attributes?.['RedrivePolicy'] ?? '{}'),
    body: received.Messages?.[0]?.Body,
    conflict,
    afterRemove,
    missingAfterRemove: await queues.find('cannon'),
  };
}

describe("a Slurm site's work queues", () => {
  it('are made with a dead-letter queue, found, sent to, and removed on the local SQS', async () => {
    const seen = await lifecycle(local.client);
    expect(seen).toEqual({
      arn: 'arn:aws:sqs:us-east-1:<account>:gcr-test-site-cannon',
      visibility: '300',
      redrive: {
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:gcr-test-site-cannon-dlq',
        maxReceiveCount: 5,
      },
      body: '{"kind":"submit"}',
      conflict: 'QueueNameExists',
      afterRemove: 'QueueDoesNotExist',
      missingAfterRemove: undefined,
    });
  });

  it("outlive a restart of the local platform: CreateQueue's queues are opened again, with their messages and redrive", async () => {
    const queues = createSiteQueues(local.client, 'restart');
    await queues.create('cannon');
    await queues.send('cannon', 'kept');
    await local.close();
    local = await startLocalSqsEndpoint([], dir);
    await local.service.restoreCreatedQueues();
    const again = createSiteQueues(local.client, 'restart');
    const found = await again.find('cannon');
    const { Attributes } = await local.client.send(
      new GetQueueAttributesCommand({ QueueUrl: found!.url, AttributeNames: ['RedrivePolicy'] }),
    );
    expect(JSON.parse(Attributes!['RedrivePolicy']!)).toMatchObject({ maxReceiveCount: 5 });
    const received = await local.client.send(new ReceiveMessageCommand({ QueueUrl: found!.url }));
    expect(received.Messages?.map((m) => m.Body)).toEqual(['kept']);
    await again.remove('cannon');
  });

  it('answer on moto_server as on the local SQS (skipped where moto_server is not installed)', async () => {
    if (!motoClient) return;
    const onMoto = await lifecycle(motoClient);
    const onLocal = await lifecycle(local.client);
    const comparable = (s: typeof onMoto) => ({
      ...s,
      redrive: {
        ...s.redrive,
        deadLetterTargetArn: s.redrive.deadLetterTargetArn.replace(/:\d{12}:/, ':<account>:'),
      },
    });
    expect(comparable(onLocal)).toEqual(comparable(onMoto));
  }, 60_000);
});
