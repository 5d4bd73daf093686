import { describe, expect, it } from '@jest/globals';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { stsAgentCredentials } from '#services/submission/src/adapters/site-agent-adapters.js';

const ARN = 'arn:aws:sqs:us-east-1:123456789012:gcr-prod-site-cannon';

describe("a site agent's queue credentials, as an STS request", () => {
  it("assumes the site-agent role with a session policy naming only the site's queue, for an hour", async () => {
    const sts = mockClient(STSClient);
    const expiration = new Date('2026-12-07T11:00:00Z');
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIA',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: expiration,
      },
    });
    const issue = stsAgentCredentials(
      sts as unknown as STSClient,
      'arn:aws:iam::123456789012:role/gcr-prod-site-agent',
    );
    expect(await issue('cannon', ARN)).toEqual({
      credentials: { accessKeyId: 'ASIA', secretAccessKey: 'secret', sessionToken: 'token' },
      expiresAt: expiration,
    });
    const [call] = sts.commandCalls(AssumeRoleCommand);
    const input = call!.args[0].input;
    expect(input).toMatchObject({
      RoleArn: 'arn:aws:iam::123456789012:role/gcr-prod-site-agent',
      RoleSessionName: 'gcr-site-cannon',
      DurationSeconds: 3600,
    });
    expect(JSON.parse(input.Policy!)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ThisSitesWorkQueueOnly',
          Effect: 'Allow',
          Action: [
            'sqs:ReceiveMessage',
            'sqs:DeleteMessage',
            'sqs:ChangeMessageVisibility',
            'sqs:GetQueueAttributes',
          ],
          Resource: ARN,
        },
      ],
    });
  });
});
