/**
 * When a message that is not done comes back: by default after the queue's
 * visibility timeout (180 s), which is too late for a digest whose window
 * closes in 20 s and too soon for a Slack Retry-After of 10 minutes. The
 * handler sets that message's visibility instead (ChangeMessageVisibility),
 * before it reports the message failed (ReportBatchItemFailures), so it is
 * received again when it is due.
 */
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/** SQS's upper bound of a visibility timeout (12 hours). */
export const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * The queue URL of an SQS ARN (arn:aws:sqs:<region>:<account>:<name>): on SQS's
 * own endpoint, or on `endpointUrl` (an emulator's, AWS_ENDPOINT_URL_SQS),
 * since the SDK sends a request to its QueueUrl's host.
 */
export function queueUrlOf(queueArn: string, endpointUrl?: string): string {
  const [, partition, , region, account, name] = queueArn.split(':');
  if (!region || !account || !name) throw new Error(`not an SQS queue ARN: ${queueArn}`);
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${endpointUrl?.replace(/\/$/, '') ?? `https://sqs.${region}.${domain}`}/${account}/${name}`;
}

/** Seconds from now until `atMs`, within what SQS accepts (0: visible at once). */
export function visibilitySecondsUntil(atMs: number, nowMs: number): number {
  return Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil((atMs - nowMs) / 1000)));
}

export interface Redelivery {
  /** The record's message is received again at `atMs` (epoch ms), not after the queue's visibility timeout. */
  at(record: SQSRecord, atMs: number): Promise<void>;
}

export function createSqsRedelivery(
  client: SQSClient,
  options: { endpointUrl?: string; now?: () => number } = {},
): Redelivery {
  const now = options.now ?? Date.now;
  return {
    async at(record, atMs) {
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrlOf(record.eventSourceARN, options.endpointUrl),
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: visibilitySecondsUntil(atMs, now()),
        }),
      );
    },
  };
}
