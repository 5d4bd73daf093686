/**
 * Ensembles, kept in the simulations table beside their members: the
 * submission service creates them and answers their roll-up, the results
 * processor aggregates them when every member is terminal. Services share
 * only `shared/`, `schemas/`, events and this table (docs/CAMPAIGNS.md).
 *
 * - `#ensemble#<ensemble id>`: one item, the ensemble's definition (name,
 *   sweep kind, member count, base member, perturbation factor, estimate),
 *   `attempts` (member index -> attempt, only for members retried) and
 *   `aggregation` (its state). No `owner` attribute (the ensemble's is
 *   `ensembleOwner`): the OwnerIndex and the admin scan list simulations only.
 * - Members are ordinary simulation items whose ids are derived from the
 *   ensemble id, the member index and the attempt (`memberSimulationId`), so
 *   the members of an ensemble are found without an index (BatchGetItem by
 *   id), a repeated create lands on the same items, and a retry's new member
 *   has an id of its own while the failed one keeps its history.
 * - `creation` (ensembles of more than 200 members, written in batches after
 *   POST /ensembles answered 202): its state, and `creationBatches`, the
 *   numbers of the batches written (a number set: adding one twice, as a
 *   redelivered batch does, changes nothing).
 */
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Ensemble } from '#schemas/generated/types.js';
import { ensembleSchema } from '#schemas/generated/schemas.js';
import { isConditionalCheckFailed } from './simulations.js';

const ENSEMBLE_PREFIX = '#ensemble#';
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const ENSEMBLE_ID = new RegExp(ensembleSchema.properties.id.pattern);

export function isEnsembleId(id: string): boolean {
  return ENSEMBLE_ID.test(id);
}

export function ensembleItemId(ensembleId: string): string {
  return `${ENSEMBLE_PREFIX}${ensembleId}`;
}

/** 26 Crockford base-32 characters of SHA-256: the body of an id derived from `text`. */
export function base32Digest(text: string): string {
  const digest = createHash('sha256').update(text).digest();
  let out = '';
  for (let i = 0; i < 26; i++) out += CROCKFORD[digest[i]! % 32];
  return out;
}

/** An ensemble id derived from owner and Idempotency-Key (a replay meets the stored ensemble). */
export function idempotentEnsembleId(owner: string, key: string): string {
  return `ens_${base32Digest(`ensemble\u0000${owner}\u0000${key}`)}`;
}

/** The simulation id of a member's attempt (attempt 1 is the first; a retry is attempt 2, ...). */
export function memberSimulationId(ensembleId: string, memberIndex: number, attempt = 1): string {
  return `sim_${base32Digest(`${ensembleId}\u0000${memberIndex}\u0000${attempt}`)}`;
}

export type AggregationState =
  | { status: 'PROCESSING'; startedAt: string; leaseUntil: number }
  | { status: 'READY'; finishedAt: string; products: string[] }
  | { status: 'FAILED'; finishedAt: string; reason: string };

/** A batched creation's state (docs/CAMPAIGNS.md, "Creation in batches"). */
export interface EnsembleCreationState {
  status: 'CREATING' | 'COMPLETE' | 'FAILED';
  membersTotal: number;
  batchSize: number;
  startedAt: string;
  finishedAt?: string;
  reason?: string;
  /** Paused while being created: the members stay WAITING once all exist. */
  heldWhenCreated?: boolean;
}

/** How many batches of `state.batchSize` make `state.membersTotal` members. */
export function creationBatchCount(state: Pick<EnsembleCreationState, 'membersTotal' | 'batchSize'>): number {
  return Math.ceil(state.membersTotal / state.batchSize);
}

/** An ensemble as stored. */
export interface EnsembleRecord extends Pick<
  Ensemble,
  'id' | 'owner' | 'name' | 'createdAt' | 'sweepKind' | 'memberCount' | 'hasBaseMember' | 'perturbationFactor'
> {
  description: string;
  /** Member index -> current attempt, for members that were retried (absent: attempt 1). */
  attempts: Record<string, number>;
  /** Member index -> label, for members the sweep labelled. */
  labels: Record<string, string>;
  estimateUsd?: number;
  requestFingerprint?: string;
  aggregation?: AggregationState;
  creation?: EnsembleCreationState;
  /** The creation batches written so far, ascending. */
  createdBatches?: number[];
}

/** The current simulation id of every member, in member-index order. */
export function currentMemberIds(
  ensemble: Pick<EnsembleRecord, 'id' | 'memberCount' | 'attempts'>,
): string[] {
  return Array.from({ length: ensemble.memberCount }, (_, index) =>
    memberSimulationId(ensemble.id, index, ensemble.attempts[String(index)] ?? 1),
  );
}

export interface EnsembleStore {
  /** 'exists' when the id is taken (an Idempotency-Key replay). */
  create(record: EnsembleRecord): Promise<'created' | 'exists'>;
  get(ensembleId: string): Promise<EnsembleRecord | undefined>;
  /** Moves a member to its next attempt; false when another retry got there first. */
  recordRetry(ensembleId: string, memberIndex: number, fromAttempt: number): Promise<boolean>;
  /** Takes the aggregation (PROCESSING with a lease) unless it is READY or another holds a live lease. */
  claimAggregation(ensembleId: string, nowMs: number, leaseMs: number): Promise<boolean>;
  finishAggregation(
    ensembleId: string,
    state: Exclude<AggregationState, { status: 'PROCESSING' }>,
  ): Promise<void>;
  /** Adds `batch` to the creation batches written (idempotent); the record after. */
  recordCreatedBatch(ensembleId: string, batch: number): Promise<EnsembleRecord>;
  /**
   * Ends a creation: COMPLETE (from CREATING or FAILED: a re-driven batch
   * completes a failed one), or FAILED with its reason (from CREATING only).
   * False when it was already in that state or complete.
   */
  finishCreation(
    ensembleId: string,
    end:
      { status: 'COMPLETE'; finishedAt: string } | { status: 'FAILED'; finishedAt: string; reason: string },
  ): Promise<boolean>;
  /** Sets or clears `creation.heldWhenCreated` while the creation is not COMPLETE; false once it is. */
  holdWhenCreated(ensembleId: string, hold: boolean): Promise<boolean>;
}

function fromItem(item: Record<string, unknown>): EnsembleRecord {
  const { id: _key, ensembleId, ensembleOwner, creationBatches, ...rest } = item;
  return {
    ...(rest as Omit<EnsembleRecord, 'id' | 'owner'>),
    id: ensembleId as string,
    owner: ensembleOwner as string,
    ...(creationBatches instanceof Set
      ? { createdBatches: [...(creationBatches as Set<number>)].map(Number).sort((a, b) => a - b) }
      : {}),
  };
}

export function createDynamoEnsembleStore(client: DynamoDBDocumentClient, tableName: string): EnsembleStore {
  return {
    async create(record) {
      const { id, owner, createdBatches: _written, ...rest } = record;
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...rest, id: ensembleItemId(id), ensembleId: id, ensembleOwner: owner },
            ConditionExpression: 'attribute_not_exists(id)',
          }),
        );
        return 'created';
      } catch (err) {
        if (isConditionalCheckFailed(err)) return 'exists';
        throw err;
      }
    },

    async get(ensembleId) {
      const out = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: { id: ensembleItemId(ensembleId) },
          ConsistentRead: true,
        }),
      );
      return out.Item ? fromItem(out.Item) : undefined;
    },

    async recordRetry(ensembleId, memberIndex, fromAttempt) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: ensembleItemId(ensembleId) },
            UpdateExpression: 'SET attempts.#m = :next REMOVE aggregation',
            ConditionExpression:
              fromAttempt === 1 ? 'attribute_not_exists(attempts.#m)' : 'attempts.#m = :current',
            ExpressionAttributeNames: { '#m': String(memberIndex) },
            ExpressionAttributeValues: {
              ':next': fromAttempt + 1,
              ...(fromAttempt === 1 ? {} : { ':current': fromAttempt }),
            },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
    },

    async claimAggregation(ensembleId, nowMs, leaseMs) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: ensembleItemId(ensembleId) },
            UpdateExpression: 'SET aggregation = :processing',
            ConditionExpression:
              'attribute_exists(id) AND (attribute_not_exists(aggregation) OR aggregation.#status = :failed OR (aggregation.#status = :busy AND aggregation.leaseUntil < :now))',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':processing': {
                status: 'PROCESSING',
                startedAt: new Date(nowMs).toISOString(),
                leaseUntil: nowMs + leaseMs,
              },
              ':failed': 'FAILED',
              ':busy': 'PROCESSING',
              ':now': nowMs,
            },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
    },

    async finishAggregation(ensembleId, state) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id: ensembleItemId(ensembleId) },
          UpdateExpression: 'SET aggregation = :state',
          ExpressionAttributeValues: { ':state': state },
        }),
      );
    },

    async recordCreatedBatch(ensembleId, batch) {
      const out = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id: ensembleItemId(ensembleId) },
          UpdateExpression: 'ADD creationBatches :batch',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: { ':batch': new Set([batch]) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(out.Attributes!);
    },

    async finishCreation(ensembleId, end) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: ensembleItemId(ensembleId) },
            UpdateExpression:
              end.status === 'COMPLETE'
                ? 'SET creation.#status = :to, creation.finishedAt = :at REMOVE creation.reason'
                : 'SET creation.#status = :to, creation.finishedAt = :at, creation.reason = :reason',
            ConditionExpression:
              end.status === 'COMPLETE' ? 'creation.#status <> :to' : 'creation.#status = :creating',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':to': end.status,
              ':at': end.finishedAt,
              ...(end.status === 'FAILED' ? { ':reason': end.reason, ':creating': 'CREATING' } : {}),
            },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
    },

    async holdWhenCreated(ensembleId, hold) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: ensembleItemId(ensembleId) },
            UpdateExpression: 'SET creation.heldWhenCreated = :hold',
            ConditionExpression: 'creation.#status <> :complete',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':hold': hold, ':complete': 'COMPLETE' },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
    },
  };
}
