import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Simulation } from '#schemas/generated/types.js';
import { isTerminal } from '../status.js';

/**
 * Each owner's active simulations, held exactly: one item per owner in the
 * simulations table (`#active#<owner>`, never a simulation: it has no `owner`
 * attribute, and ids that are not simulation ids never reach the table from
 * the API) with a map `slots` of simulation id -> when its slot was reserved.
 *
 * - Reserve: one conditional UpdateItem adds the id to the map only while the
 *   map holds fewer than `limit` ids (or already holds this one). DynamoDB
 *   serialises writes to one item, so of ten parallel requests against a limit
 *   of 3 exactly 3 get a slot, whatever the indexes say. An idempotent replay
 *   of a keyed request reserves the same id again: a map key, not a count, so
 *   it never counts twice.
 * - Release: when a simulation reaches a terminal status, its id leaves the
 *   map (the repository's transition does it, right after the terminal write).
 * - Nothing leaks across a crash: a refused reservation first checks every
 *   holder against the table with strongly consistent reads and frees the
 *   slots of simulations that are terminal (their release was lost) or whose
 *   item never appeared within RESERVATION_GRACE_MS (their request died
 *   between reserving and creating). So a 429 is only ever answered when the
 *   owner really has `limit` simulations that are active or being created.
 * - Owners from before these items existed: an owner's first reservation
 *   seeds the item from the ActiveOwnerIndex (ids only), then reserves.
 */

export const ACTIVE_SLOTS_PREFIX = '#active#';

/**
 * How long a reserved slot may wait for its simulation's item before a refused
 * request may take it back: far more than a create request can take
 * (createSimulation times out after 10 s; the packaging test holds it under a
 * minute), so a live request never loses its slot.
 */
export const RESERVATION_GRACE_MS = 5 * 60 * 1000;

/** Reservation attempts before answering with what the item says (each refused one may free slots). */
const RESERVE_ATTEMPTS = 5;

export type SlotReservation = { reserved: true } | { reserved: false; active: number };

export interface ActiveSlots {
  reserve(request: { owner: string; id: string; limit: number; nowMs: number }): Promise<SlotReservation>;
  release(owner: string, id: string): Promise<void>;
}

export interface ActiveSlotsDependencies {
  tableName: string;
  /** Consistent reads of simulations by id (missing ones left out). */
  readSimulations(ids: string[]): Promise<Simulation[]>;
  /** The owner's active simulations as the ActiveOwnerIndex lists them (eventually consistent). */
  activeIdsFromIndex(owner: string): Promise<string[]>;
}

/** A conditional write whose condition no longer holds did nothing, which is all these writes want. */
function unlessConditionFailed(err: unknown): void {
  if (!(err instanceof Error && err.name === 'ConditionalCheckFailedException')) throw err;
}

export function createActiveSlots(
  client: DynamoDBDocumentClient,
  deps: ActiveSlotsDependencies,
): ActiveSlots {
  const { tableName } = deps;
  const keyOf = (owner: string) => ({ id: `${ACTIVE_SLOTS_PREFIX}${owner}` });

  async function readSlots(owner: string): Promise<Record<string, number> | undefined> {
    const out = await client.send(
      new GetCommand({ TableName: tableName, Key: keyOf(owner), ConsistentRead: true }),
    );
    return out.Item ? ((out.Item['slots'] ?? {}) as Record<string, number>) : undefined;
  }

  /** The owner's first reservation: the item, with the ids the index knows as reserved long ago (0). */
  async function seed(owner: string): Promise<void> {
    const ids = await deps.activeIdsFromIndex(owner);
    await client
      .send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keyOf(owner), slots: Object.fromEntries(ids.map((id) => [id, 0])) },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      )
      .catch(unlessConditionFailed); // seeded by a concurrent request
  }

  /**
   * Takes an id out of the map. With the reservation time read: only that
   * reservation, never one made again since. Without: never creates the item
   * (an owner without one has no slot to free).
   */
  async function removeSlot(owner: string, id: string, reservedAt?: number): Promise<void> {
    await client
      .send(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(owner),
          UpdateExpression: 'REMOVE slots.#sim',
          ConditionExpression: reservedAt === undefined ? 'attribute_exists(slots)' : 'slots.#sim = :at',
          ExpressionAttributeNames: { '#sim': id },
          ...(reservedAt === undefined ? {} : { ExpressionAttributeValues: { ':at': reservedAt } }),
        }),
      )
      .catch(unlessConditionFailed);
  }

  /** Frees the slots whose holders are terminal, or were never created; returns how many it freed. */
  async function reclaim(owner: string, slots: Record<string, number>, nowMs: number): Promise<number> {
    const ids = Object.keys(slots);
    const found = new Map<string, Simulation>();
    for (let i = 0; i < ids.length; i += 100) {
      for (const simulation of await deps.readSimulations(ids.slice(i, i + 100))) {
        found.set(simulation.id, simulation);
      }
    }
    const stale = ids.filter((id) => {
      const simulation = found.get(id);
      return simulation ? isTerminal(simulation.status) : nowMs - slots[id]! > RESERVATION_GRACE_MS;
    });
    for (const id of stale) await removeSlot(owner, id, slots[id]);
    return stale.length;
  }

  return {
    async reserve({ owner, id, limit, nowMs }) {
      let active = 0;
      for (let attempt = 0; attempt < RESERVE_ATTEMPTS; attempt++) {
        try {
          await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: keyOf(owner),
              UpdateExpression: 'SET slots.#sim = if_not_exists(slots.#sim, :now)',
              ConditionExpression:
                'attribute_exists(slots) AND (size(slots) < :limit OR attribute_exists(slots.#sim))',
              ExpressionAttributeNames: { '#sim': id },
              ExpressionAttributeValues: { ':now': nowMs, ':limit': limit },
            }),
          );
          return { reserved: true };
        } catch (err) {
          unlessConditionFailed(err);
        }
        const slots = await readSlots(owner);
        if (!slots) {
          await seed(owner);
          continue;
        }
        active = Object.keys(slots).length;
        // A slot was released meanwhile: try again at once.
        if (active < limit) continue;
        const freed = await reclaim(owner, slots, nowMs);
        if (freed === 0) return { reserved: false, active };
        active -= freed;
      }
      return { reserved: false, active };
    },

    release: (owner, id) => removeSlot(owner, id),
  };
}
