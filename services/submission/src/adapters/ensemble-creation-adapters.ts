import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ensembleKey } from '#shared/kernel/storage/bucket-layout.js';
import { issuesFromAjv, validatorFor } from '#schemas/validator.js';
import type { EnsembleCreationMembers } from '#schemas/generated/types.js';
import type { EnsembleCreationPorts } from '../domain/ports.js';

const validateMembers = validatorFor<EnsembleCreationMembers>(
  'https://gcr.dev/schemas/queue/ensemble-creation-members.schema.json',
);

/** `ensembles/<id>/creation/batch-<n>.json`: one batch's members, kept until the ensemble is purged. */
export function creationBatchKey(ensembleId: string, batch: number): string {
  return ensembleKey(ensembleId, `creation/batch-${batch}.json`);
}

/** Each batch's members as a JSON object of the results bucket. */
export function createS3CreationBatches(client: S3Client, bucket: string): EnsembleCreationPorts['batches'] {
  return {
    async put(members) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: creationBatchKey(members.ensembleId, members.batch),
          Body: JSON.stringify(members),
          ContentType: 'application/json',
        }),
      );
    },
    async get(ensembleId, batch) {
      let text: string;
      try {
        const got = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: creationBatchKey(ensembleId, batch) }),
        );
        text = got.Body ? await got.Body.transformToString() : '';
      } catch (err) {
        if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
        throw err;
      }
      const members: unknown = JSON.parse(text);
      if (!validateMembers(members)) {
        const issues = issuesFromAjv(validateMembers.errors).map((i) => `${i.field} ${i.message}`);
        throw new Error(
          `${creationBatchKey(ensembleId, batch)} is not an EnsembleCreationMembers: ${issues.join('; ')}`,
        );
      }
      return members;
    },
  };
}

/** The creation queue: SendMessageBatch, 10 a call; an entry SQS refused is an error (the request's 5xx, replayable). */
export function createSqsCreationQueue(client: SQSClient, queueUrl: string): EnsembleCreationPorts['queue'] {
  return {
    async send(messages) {
      for (let i = 0; i < messages.length; i += 10) {
        const entries = messages.slice(i, i + 10).map((message) => ({
          Id: `b${message.batch}`,
          MessageBody: JSON.stringify(message),
        }));
        const out = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        if (out.Failed && out.Failed.length > 0) {
          throw new Error(
            `the creation queue refused ${out.Failed.length} batch message(s): ${out.Failed[0]!.Message ?? out.Failed[0]!.Code}`,
          );
        }
      }
    },
  };
}
