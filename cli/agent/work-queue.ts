/**
 * The agent's port to its site's work queue: long-poll, delete once acted
 * upon, extend the visibility of a message still being worked on. The real
 * one is SQS (@aws-sdk/client-sqs) with the session's short-lived, queue-only
 * credentials and endpoint (the local platform's queue locally); a renewed
 * session makes a new client.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SiteSession } from '#schemas/generated/types.js';

export interface QueueMessage {
  body: string;
  receiptHandle: string;
  /** How many times the queue handed it out (ApproximateReceiveCount). */
  receiveCount: number;
}

export interface WorkQueue {
  receive(maxMessages: number, waitSeconds: number): Promise<QueueMessage[]>;
  delete(receiptHandle: string): Promise<void>;
  extendVisibility(receiptHandle: string, seconds: number): Promise<void>;
}

/** The site's queue over SQS, as the session says where and with what. */
export function sqsWorkQueue(session: SiteSession): WorkQueue {
  const client = new SQSClient({
    region: session.region,
    ...(session.endpoint ? { endpoint: session.endpoint } : {}),
    credentials: {
      accessKeyId: session.credentials.accessKeyId,
      secretAccessKey: session.credentials.secretAccessKey,
      ...(session.credentials.sessionToken ? { sessionToken: session.credentials.sessionToken } : {}),
    },
  });
  const QueueUrl = session.queueUrl;
  return {
    async receive(maxMessages, waitSeconds) {
      const answer = await client.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: Math.min(10, Math.max(1, maxMessages)),
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      return (answer.Messages ?? []).map((message) => ({
        body: message.Body ?? '',
        receiptHandle: message.ReceiptHandle ?? '',
        receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
      }));
    },
    async delete(receiptHandle) {
      await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: receiptHandle }));
    },
    async extendVisibility(receiptHandle, seconds) {
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    },
  };
}
