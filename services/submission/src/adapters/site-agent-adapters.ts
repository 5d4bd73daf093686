/**
 * What the site agent routes need from AWS: the agent's short-lived queue
 * credentials (STS AssumeRole of the site-agent role, narrowed by a session
 * policy to the one queue; on the local platform, the platform's own
 * credentials, since the local SQS checks none) and presigned URLs into the
 * simulation's prefix of the results bucket.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { runDirectoryPrefix, simulationKey, simulationPrefix } from '#shared/kernel/storage/bucket-layout.js';
import type { AgentCredentials, SiteAgentPorts } from '../domain/site-agent-api.js';

/** How long an agent's queue credentials last; it asks for a new session before they end. */
export const AGENT_SESSION_SECONDS = 3600;

/** What the agent may do on its queue: receive, delete, extend; nothing else, nowhere else. */
export function agentSessionPolicy(queueArn: string): string {
  return JSON.stringify({
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
        Resource: queueArn,
      },
    ],
  });
}

export function stsAgentCredentials(client: STSClient, roleArn: string): SiteAgentPorts['issueCredentials'] {
  return async (site, queueArn): Promise<AgentCredentials> => {
    const { Credentials } = await client.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: `gcr-site-${site}`.slice(0, 64),
        DurationSeconds: AGENT_SESSION_SECONDS,
        Policy: agentSessionPolicy(queueArn),
      }),
    );
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.Expiration) {
      throw new Error('STS AssumeRole answered no credentials');
    }
    return {
      credentials: {
        accessKeyId: Credentials.AccessKeyId,
        secretAccessKey: Credentials.SecretAccessKey,
        ...(Credentials.SessionToken ? { sessionToken: Credentials.SessionToken } : {}),
      },
      expiresAt: Credentials.Expiration,
    };
  };
}

/** The local platform: its queues check no signature, so the platform's own (dummy) credentials serve. */
export function localAgentCredentials(now: () => Date): SiteAgentPorts['issueCredentials'] {
  return async () => ({
    credentials: {
      accessKeyId: process.env['AWS_ACCESS_KEY_ID'] ?? 'local',
      secretAccessKey: process.env['AWS_SECRET_ACCESS_KEY'] ?? 'local',
    },
    expiresAt: new Date(now().getTime() + AGENT_SESSION_SECONDS * 1000),
  });
}

/** The attempt number an upload carries (its object metadata, like a job's restarts). */
const SIGNED_HEADERS = new Set(['x-amz-meta-gcr-attempt']);

export function s3SiteTransfers(client: S3Client, bucket: string): SiteAgentPorts['objects'] {
  return {
    async listRunDirectory(simulationId) {
      const prefix = runDirectoryPrefix(simulationId);
      const base = simulationPrefix(simulationId);
      const files: { path: string; bytes: number }[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) {
          if (object.Key) files.push({ path: object.Key.slice(base.length), bytes: object.Size ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return files;
    },
    presignGet: (simulationId, path, expiresIn) =>
      getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: simulationKey(simulationId, path) }), {
        expiresIn,
      }),
    presignPut: (simulationId, path, headers, expiresIn) =>
      getSignedUrl(
        client,
        new PutObjectCommand({
          Bucket: bucket,
          Key: simulationKey(simulationId, path),
          Metadata: { 'gcr-attempt': headers['x-amz-meta-gcr-attempt'] ?? '' },
        }),
        // Signed as a header, not hoisted into the query: the upload must carry it.
        { expiresIn, unhoistableHeaders: SIGNED_HEADERS },
      ),
  };
}
