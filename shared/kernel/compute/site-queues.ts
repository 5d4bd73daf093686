/**
 * A Slurm site's work queue (docs/SLURM.md, "Agent protocol"): one SQS queue
 * per site, `gcr-<stage>-site-<name>`, with its dead-letter queue
 * `gcr-<stage>-site-<name>-dlq` (a message the agent received this many times
 * without deleting it goes there). The submission service creates them with
 * the site and deletes them with it (its IAM allows only `gcr-<stage>-site-*`);
 * the execution poller sends to them; the agent receives with the session's
 * credentials, which name only its own queue.
 */
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** A crashed agent's message comes back after this; the agent extends it while it works. */
export const SITE_QUEUE_VISIBILITY_SECONDS = 300;
/** Receives before a message goes to the dead-letter queue (an agent that fails on it every time). */
export const SITE_QUEUE_MAX_RECEIVE_COUNT = 5;
const RETENTION_SECONDS = 1_209_600;

export function siteQueueName(stage: string, site: string): string {
  return `gcr-${stage}-site-${site}`;
}

export function siteDeadLetterQueueName(stage: string, site: string): string {
  return `${siteQueueName(stage, site)}-dlq`;
}

function isQueueMissing(err: unknown): boolean {
  const name = (err as { name?: string }).name ?? '';
  return name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue';
}

export interface SiteQueues {
  /** Creates the site's queue and dead-letter queue (CreateQueue is idempotent for the same attributes). */
  create(site: string): Promise<void>;
  /** Deletes both; a queue already gone is fine. */
  remove(site: string): Promise<void>;
  /** The work queue's URL and ARN (undefined when it does not exist). */
  find(site: string): Promise<{ url: string; arn: string } | undefined>;
  send(site: string, body: string): Promise<void>;
}

export function createSiteQueues(client: SQSClient, stage: string): SiteQueues {
  const urls = new Map<string, string>();
  const urlOf = async (name: string): Promise<string | undefined> => {
    const known = urls.get(name);
    if (known) return known;
    try {
      const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: name }));
      if (QueueUrl) urls.set(name, QueueUrl);
      return QueueUrl;
    } catch (err) {
      if (isQueueMissing(err)) return undefined;
      throw err;
    }
  };
  const arnOf = async (url: string): Promise<string> => {
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    return Attributes?.['QueueArn'] ?? '';
  };
  return {
    async create(site) {
      const dlq = await client.send(
        new CreateQueueCommand({
          QueueName: siteDeadLetterQueueName(stage, site),
          Attributes: { MessageRetentionPeriod: String(RETENTION_SECONDS), SqsManagedSseEnabled: 'true' },
        }),
      );
      const deadLetterTargetArn = await arnOf(dlq.QueueUrl!);
      await client.send(
        new CreateQueueCommand({
          QueueName: siteQueueName(stage, site),
          Attributes: {
            VisibilityTimeout: String(SITE_QUEUE_VISIBILITY_SECONDS),
            MessageRetentionPeriod: String(RETENTION_SECONDS),
            SqsManagedSseEnabled: 'true',
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn,
              maxReceiveCount: SITE_QUEUE_MAX_RECEIVE_COUNT,
            }),
          },
        }),
      );
    },
    async remove(site) {
      for (const name of [siteQueueName(stage, site), siteDeadLetterQueueName(stage, site)]) {
        const url = await urlOf(name);
        urls.delete(name);
        if (!url) continue;
        try {
          await client.send(new DeleteQueueCommand({ QueueUrl: url }));
        } catch (err) {
          if (!isQueueMissing(err)) throw err;
        }
      }
    },
    async find(site) {
      const url = await urlOf(siteQueueName(stage, site));
      return url ? { url, arn: await arnOf(url) } : undefined;
    },
    async send(site, body) {
      const name = siteQueueName(stage, site);
      const url = await urlOf(name);
      if (!url) throw new SiteQueueMissingError(site, name);
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    },
  };
}

/** The site has no work queue (removed, or defined before queues existed): the job cannot be sent. */
export class SiteQueueMissingError extends Error {
  constructor(site: string, queue: string) {
    super(`site ${site} has no work queue ${queue} (redefine it with POST /sites)`);
    this.name = 'SiteQueueMissingError';
  }
}
