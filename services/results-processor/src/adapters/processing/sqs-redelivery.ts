import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** SQS delays a message by at most 15 minutes; a copy due later comes early and defers again. */
export const MAX_DELAY_SECONDS = 900;

/**
 * Sends a message's body back to its queue, to be delivered at a given time
 * (a second after it, so that a lease expiring then has expired).
 */
export function createSqsRedelivery(
  client: SQSClient,
  queueUrl: string,
  now: () => number = Date.now,
): (body: string, at: Date) => Promise<void> {
  return async (body, at) => {
    const seconds = Math.ceil((at.getTime() - now()) / 1000) + 1;
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: body,
        DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, seconds)),
      }),
    );
  };
}
