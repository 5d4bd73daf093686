/**
 * The array submissions of an ensemble, kept on its item (`#ensemble#<id>`,
 * ensembles.ts) as `arraySubmission`: the execution poller's lease on
 * submitting the ensemble's PENDING members as one AWS Batch array job
 * (docs/CAMPAIGNS.md).
 *
 * One submission at a time per ensemble: a poller takes the next sequence
 * number with a conditional write (none before, or the previous one finished
 * or its lease ran out), writes the array's files, calls SubmitJob with the
 * job name of that sequence and records every member's job; then it marks the
 * submission finished with the parent's job id. A submission whose lease ran
 * out unfinished was cut short (a crash between SubmitJob and the members'
 * writes): the next poller looks its job up by name and records the members
 * it finds PENDING before it submits anything new. A holder that is only slow
 * (a large array recorded under load) renews its lease as it goes, and checks
 * it still holds the submission right before SubmitJob, so a slow holder and
 * a poller taking over never submit the same members twice.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensembleItemId } from './ensembles.js';
import { isConditionalCheckFailed } from './simulations.js';

export interface ArraySubmission {
  /** 1, 2, ...: the array job's name is `gcr-<ensemble id>-a<sequence>` (array-members.ts). */
  sequence: number;
  /** Epoch ms; 0 once finished. */
  leaseUntil: number;
  /** The parent's job id, once its members are recorded. */
  jobId?: string;
  size?: number;
}

/** What the poller reads of an ensemble to submit its array. */
export interface EnsembleForArray {
  id: string;
  memberCount: number;
  /** Member index -> current attempt, for retried members. */
  attempts: Record<string, number>;
  arraySubmission?: ArraySubmission;
}

export interface EnsembleArrayStore {
  get(ensembleId: string): Promise<EnsembleForArray | undefined>;
  /**
   * Takes the submission after `previous` (undefined: the first) unless
   * another poller holds a live lease or got there first; the new submission,
   * or undefined.
   */
  claim(
    ensembleId: string,
    previous: ArraySubmission | undefined,
    nowMs: number,
    leaseMs: number,
  ): Promise<ArraySubmission | undefined>;
  /**
   * Extends the live lease of `sequence` to `nowMs + leaseMs` while its holder
   * still works (files, SubmitJob, recording); false when the lease ran out and
   * another poller took the submission over, or it is finished.
   */
  renew(ensembleId: string, sequence: number, nowMs: number, leaseMs: number): Promise<boolean>;
  /** Marks `sequence` finished: its members are recorded under `jobId`. */
  finish(ensembleId: string, sequence: number, jobId: string | undefined, size: number): Promise<void>;
}

export function createDynamoEnsembleArrayStore(
  client: DynamoDBDocumentClient,
  tableName: string,
): EnsembleArrayStore {
  return {
    async get(ensembleId) {
      const out = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: { id: ensembleItemId(ensembleId) },
          ProjectionExpression: 'ensembleId, memberCount, attempts, arraySubmission',
          ConsistentRead: true,
        }),
      );
      if (!out.Item) return undefined;
      const item = out.Item as {
        ensembleId: string;
        memberCount: number;
        attempts?: Record<string, number>;
        arraySubmission?: ArraySubmission;
      };
      return {
        id: item.ensembleId,
        memberCount: item.memberCount,
        attempts: item.attempts ?? {},
        ...(item.arraySubmission ? { arraySubmission: item.arraySubmission } : {}),
      };
    },

    async claim(ensembleId, previous, nowMs, leaseMs) {
      const next: ArraySubmission = { sequence: (previous?.sequence ?? 0) + 1, leaseUntil: nowMs + leaseMs };
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: ensembleItemId(ensembleId) },
            UpdateExpression: 'SET arraySubmission = :next',
            ConditionExpression: previous
              ? 'arraySubmission.#sequence = :previous AND arraySubmission.leaseUntil < :now'
              : 'attribute_exists(id) AND attribute_not_exists(arraySubmission)',
            ...(previous ? { ExpressionAttributeNames: { '#sequence': 'sequence' } } : {}),
            ExpressionAttributeValues: {
              ':next': next,
              ...(previous ? { ':previous': previous.sequence, ':now': nowMs } : {}),
            },
          }),
        );
        return next;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return undefined;
        throw err;
      }
    },

    async renew(ensembleId, sequence, nowMs, leaseMs) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: ensembleItemId(ensembleId) },
            UpdateExpression: 'SET arraySubmission.leaseUntil = :until',
            ConditionExpression:
              'arraySubmission.#sequence = :sequence AND arraySubmission.leaseUntil > :zero',
            ExpressionAttributeNames: { '#sequence': 'sequence' },
            ExpressionAttributeValues: { ':until': nowMs + leaseMs, ':sequence': sequence, ':zero': 0 },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
    },

    async finish(ensembleId, sequence, jobId, size) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: ensembleItemId(ensembleId) },
            UpdateExpression: 'SET arraySubmission = :done',
            ConditionExpression: 'arraySubmission.#sequence = :sequence',
            ExpressionAttributeNames: { '#sequence': 'sequence' },
            ExpressionAttributeValues: {
              ':done': { sequence, leaseUntil: 0, size, ...(jobId ? { jobId } : {}) },
              ':sequence': sequence,
            },
          }),
        );
      } catch (err) {
        // A later submission took over after our lease ran out: it records what we did not.
        if (!isConditionalCheckFailed(err)) throw err;
      }
    },
  };
}
