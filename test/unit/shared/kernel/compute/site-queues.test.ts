import { describe, expect, it } from '@jest/globals';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { createSiteQueues, SiteQueueMissingError } from '#shared/kernel/compute/site-queues.js';

const ARN = 'arn:aws:sqs:us-east-1:123456789012:gcr-prod-site-cannon';

describe("a Slurm site's queues, as SQS requests", () => {
  it('makes the dead-letter queue first, then the work queue redriving to it after 5 receives', async () => {
    const sqs = mockClient(SQSClient);
    sqs
      .on(CreateQueueCommand)
      .callsFake((input: { QueueName: string }) => ({ QueueUrl: `https://sqs/${input.QueueName}` }));
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: `${ARN}-dlq` } });
    await createSiteQueues(sqs as unknown as SQSClient, 'prod').create('cannon');
    const creates = sqs.commandCalls(CreateQueueCommand).map((call) => call.args[0].input);
    expect(creates).toEqual([
      {
        QueueName: 'gcr-prod-site-cannon-dlq',
        Attributes: { MessageRetentionPeriod: '1209600', SqsManagedSseEnabled: 'true' },
      },
      {
        QueueName: 'gcr-prod-site-cannon',
        Attributes: {
          VisibilityTimeout: '300',
          MessageRetentionPeriod: '1209600',
          SqsManagedSseEnabled: 'true',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${ARN}-dlq`, maxReceiveCount: 5 }),
        },
      },
    ]);
  });

  it('sends a body to the site queue by its URL (looked up once), and says so when the site has none', async () => {
    const sqs = mockClient(SQSClient);
    sqs
      .on(GetQueueUrlCommand, { QueueName: 'gcr-prod-site-cannon' })
      .resolves({ QueueUrl: 'https://sqs/gcr-prod-site-cannon' });
    sqs
      .on(GetQueueUrlCommand, { QueueName: 'gcr-prod-site-gone' })
      .rejects(Object.assign(new Error('no'), { name: 'QueueDoesNotExist' }));
    sqs.on(SendMessageCommand).resolves({});
    const queues = createSiteQueues(sqs as unknown as SQSClient, 'prod');
    await queues.send('cannon', '{"kind":"submit"}');
    await queues.send('cannon', '{"kind":"cancel"}');
    expect(sqs.commandCalls(GetQueueUrlCommand)).toHaveLength(1);
    expect(sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: 'https://sqs/gcr-prod-site-cannon', MessageBody: '{"kind":"submit"}' },
      { QueueUrl: 'https://sqs/gcr-prod-site-cannon', MessageBody: '{"kind":"cancel"}' },
    ]);
    await expect(queues.send('gone', '{}')).rejects.toThrow(SiteQueueMissingError);
  });
});
