import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Simulation } from '#schemas/generated/types.js';
import type { OutgoingEvent } from '../events/publisher.js';
import { InvalidTransitionError, StaleVersionError, ValidationError } from '../errors.js';
import { canTransition, isTerminal, TERMINAL_STATUSES, type SimulationStatus } from '../status.js';
import { createActiveSlots, type SlotReservation } from './active-slots.js';
import { createdKey, decodeCursor, encodeCursor, shardOf, statusShardKey } from './keys.js';
import { initialSchedule, type PollSchedule } from './poll-schedule.js';

export const STATUS_INDEX = 'StatusIndex';
export const OWNER_INDEX = 'OwnerIndex';
export const ACTIVE_OWNER_INDEX = 'ActiveOwnerIndex';

/** Attributes that exist only to feed the indexes; never returned by the API. */
interface IndexAttributes {
  createdKey: string;
  /**
   * Present while the simulation is active, and after it ended until its last
   * event is confirmed published (the outbox sweep): that is what makes
   * StatusIndex sparse.
   */
  statusShard?: string;
  nextPollAt?: number;
  /** The poll schedule's current interval (poll-schedule.ts); active simulations only. */
  pollIntervalMs?: number;
  activeOwner?: string;
  shard: number;
  /** Hash of the validated spec a keyed (Idempotency-Key) request carried. */
  requestFingerprint?: string;
  /** When a poller claimed a PENDING simulation to submit its job (crash recovery). */
  submitClaimedAt?: number;
}

export type SimulationItem = Simulation & IndexAttributes;

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface ListOptions {
  limit: number;
  cursor?: string;
  status?: SimulationStatus;
  /** Only simulations whose spec.tags has this key with this value. */
  tag?: { key: string; value: string };
  /** Only this spec.simulation.type. */
  simulationType?: string;
  /** Created at or after / at or before these instants (ISO 8601, UTC). */
  createdFrom?: string;
  createdTo?: string;
}

export interface TransitionRequest {
  id: string;
  expectedVersion: number;
  from: SimulationStatus;
  to: SimulationStatus;
  reason: string;
  /** When it happened; the new status's poll schedule starts then (poll-schedule.ts). */
  at?: Date;
  /** Extra attributes to set in the same write (e.g. job details, cancelRequestedAt). */
  set?: Record<string, unknown>;
  /** Attributes to remove in the same write (e.g. a resumed simulation's pause). */
  remove?: string[];
  /**
   * The event announcing this transition, kept on the item in the same write
   * (a transactional outbox) until `clearPendingEvent` confirms it was published.
   */
  event?: OutgoingEvent;
}

export type DueSimulation = Simulation & { nextPollAt: number; pollIntervalMs?: number };

export interface UpdateRequest {
  id: string;
  expectedVersion: number;
  /** The status the simulation must still have. */
  status: SimulationStatus;
  set: Record<string, unknown>;
  /** Attributes to remove in the same write (e.g. a request withdrawn). */
  remove?: string[];
  at?: Date;
}

export interface RescheduleRequest {
  id: string;
  /** The status the simulation must still have. */
  status: SimulationStatus;
  /** The schedule read with it: the write happens only if it is still the stored one. */
  from: PollSchedule;
  to: Required<PollSchedule>;
}

export interface SimulationRepository {
  create(
    simulation: Simulation,
    options?: {
      nextPollAt?: number;
      requestFingerprint?: string;
      /** False for an ensemble's members: not on the ActiveOwnerIndex, so they never count against the owner's active slots. */
      countsAsActive?: boolean;
    },
  ): Promise<'created' | 'exists'>;
  /**
   * Writes new simulations, 25 a BatchWriteItem call, unprocessed items
   * retried. Unconditional (BatchWriteItem takes no condition): the caller
   * writes only ids it read as missing, of items nobody else moves until all
   * exist (an ensemble's members during a batched creation, WAITING).
   */
  createMany(simulations: Simulation[], options?: { countsAsActive?: boolean }): Promise<void>;
  get(id: string): Promise<Simulation | undefined>;
  /** Up to 100 simulations in one BatchGetItem (consistent reads); missing ids are left out. */
  getMany(ids: string[]): Promise<Simulation[]>;
  /** The simulation with the internal attributes its writers need (idempotency fingerprint, submit claim). */
  getWithInternals(
    id: string,
  ): Promise<{ simulation: Simulation; requestFingerprint?: string; submitClaimedAt?: number } | undefined>;
  listByOwner(owner: string, options: ListOptions): Promise<Page<Simulation>>;
  listAll(options: ListOptions): Promise<Page<Simulation>>;
  /**
   * Takes one of the owner's `limit` active slots for `id` before its item is
   * created; exact under concurrency (shared/kernel/repository/active-slots.ts).
   */
  reserveActiveSlot(request: {
    owner: string;
    id: string;
    limit: number;
    nowMs: number;
  }): Promise<SlotReservation>;
  /** Gives a slot back (a create that failed); terminal transitions do it themselves. */
  releaseActiveSlot(owner: string, id: string): Promise<void>;
  transition(request: TransitionRequest): Promise<Simulation>;
  /** A conditional write that keeps the status (claims, progress, job details). */
  update(request: UpdateRequest): Promise<Simulation>;
  /**
   * Forgets a transition's event once it is published (idempotent; does not
   * change the version). A finished simulation leaves the StatusIndex with the
   * last of its events.
   */
  clearPendingEvent(id: string, version: number, options?: { terminal?: boolean }): Promise<void>;
  /**
   * Claims the event at `version` for one publisher until `leaseUntil` (epoch
   * ms): a conditional write that only one of several readers meeting the same
   * abandoned entry wins. False when the entry is gone or another reader holds
   * an unexpired claim.
   */
  claimPendingEvent(
    id: string,
    version: number,
    claim: { nowMs: number; leaseUntil: number },
  ): Promise<boolean>;
  /**
   * Moves a simulation's poll schedule to its next band, unless a writer moved
   * it meanwhile (a transition starts a new schedule): false then. Neither the
   * version nor updatedAt changes, so it races with nothing.
   */
  reschedulePoll(request: RescheduleRequest): Promise<boolean>;
  /** When the execution finder's previous run started (its polling window begins there). */
  lastFinderRun(): Promise<number | undefined>;
  /** Records a finder run (never moves the mark back). */
  recordFinderRun(at: number): Promise<void>;
  /**
   * Simulations of one StatusIndex partition whose schedule has started
   * (`nextPollAt <= now`), with their schedule; for a terminal status, the
   * finished simulations whose last event is not confirmed published yet.
   */
  queryDue(
    status: SimulationStatus,
    shard: number,
    nowMs: number,
    options?: { limit?: number; cursor?: string },
  ): Promise<Page<DueSimulation>>;
}

/** A conditional write's condition did not hold (the SDK error's name, as dynalite names it too). */
export function isConditionalCheckFailed(err: unknown): boolean {
  return err instanceof Error && err.name === 'ConditionalCheckFailedException';
}

const INDEX_ATTRIBUTES: (keyof IndexAttributes)[] = [
  'createdKey',
  'statusShard',
  'nextPollAt',
  'pollIntervalMs',
  'activeOwner',
  'shard',
  'requestFingerprint',
  'submitClaimedAt',
];

/** Outbox entries are top-level attributes `outbox_<version>`: one per transition, never clashing. */
const OUTBOX_PREFIX = 'outbox_';
/** A publisher's claim on the entry at a version (`outboxLease_<version>`, epoch ms it expires). */
const OUTBOX_LEASE_PREFIX = 'outboxLease_';

/**
 * Events written with a transition but not yet confirmed as published, carried
 * on a simulation under a symbol: invisible to JSON (so never in an API answer),
 * available to the writers that must publish them.
 */
export const PENDING_EVENTS = Symbol('pendingEvents');

export interface PendingEvent {
  version: number;
  event: OutgoingEvent;
}

export function pendingEventsOf(simulation: Simulation): PendingEvent[] {
  return (simulation as Simulation & { [PENDING_EVENTS]?: PendingEvent[] })[PENDING_EVENTS] ?? [];
}

/** An active simulation's stored poll schedule, carried like the pending events (never in JSON). */
const POLL_SCHEDULE = Symbol('pollSchedule');

export function pollScheduleOf(simulation: Simulation): PollSchedule | undefined {
  return (simulation as Simulation & { [POLL_SCHEDULE]?: PollSchedule })[POLL_SCHEDULE];
}

/**
 * A writer publishes and clears its event within moments; an entry older than
 * this was left by a writer that failed or crashed (outbox.ts publishes it).
 */
export const ABANDONED_EVENT_AGE_MS = 30_000;

/** The execution finder's run mark, an item of its own in the table (its IAM policy names it). */
export const FINDER_RUN_ID = '#finder#last-run';

function toSimulation(item: Record<string, unknown>): Simulation {
  const copy = { ...item };
  const nextPollAt = item['nextPollAt'];
  const pollIntervalMs = item['pollIntervalMs'];
  for (const key of INDEX_ATTRIBUTES) delete copy[key];
  const pending: PendingEvent[] = [];
  for (const key of Object.keys(copy)) {
    if (key.startsWith(OUTBOX_LEASE_PREFIX)) delete copy[key];
    if (!key.startsWith(OUTBOX_PREFIX)) continue;
    pending.push({ version: Number(key.slice(OUTBOX_PREFIX.length)), event: copy[key] as OutgoingEvent });
    delete copy[key];
  }
  const simulation = copy as unknown as Simulation;
  if (pending.length > 0) {
    Object.defineProperty(simulation, PENDING_EVENTS, {
      value: pending.sort((a, b) => a.version - b.version),
      enumerable: false,
    });
  }
  if (typeof nextPollAt === 'number' && !isTerminal(simulation.status)) {
    const schedule: PollSchedule = {
      nextPollAt,
      ...(typeof pollIntervalMs === 'number' ? { pollIntervalMs } : {}),
    };
    Object.defineProperty(simulation, POLL_SCHEDULE, { value: schedule, enumerable: false });
  }
  return simulation;
}

/** The key attributes a cursor of one kind of read holds, and those that must equal the read's own. */
interface CursorShape {
  attributes: string[];
  equal?: Record<string, string>;
}

/** DynamoDB refuses key values that are empty or over 2 KB (1 KB for sort keys) with a ValidationException. */
const MAX_CURSOR_VALUE_BYTES = 1024;

function fitsShape(key: Record<string, unknown>, shape: CursorShape): boolean {
  const names = Object.keys(key).sort();
  const expected = [...shape.attributes].sort();
  if (names.length !== expected.length || names.some((name, i) => name !== expected[i])) return false;
  const valuesFit = names.every((name) => {
    const value = key[name];
    return typeof value === 'string' && value !== '' && Buffer.byteLength(value) <= MAX_CURSOR_VALUE_BYTES;
  });
  return valuesFit && Object.entries(shape.equal ?? {}).every(([name, value]) => key[name] === value);
}

/**
 * The start key a cursor encodes. A cursor is base64url JSON, so a client can
 * alter it: one that is not the shape of the keys this read issues (its
 * attributes, string values DynamoDB accepts, the same owner) would reach
 * DynamoDB as an invalid ExclusiveStartKey, so it is a 400 on query.cursor.
 */
function cursorToKey(cursor: string | undefined, shape?: CursorShape): Record<string, unknown> | undefined {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(cursor);
  if (!key || (shape && !fitsShape(key, shape)))
    throw new ValidationError('cursor is not valid', [
      {
        field: 'query.cursor',
        message: 'is not a cursor this API issued; pass nextCursor from the previous page unchanged',
      },
    ]);
  return key;
}

/** Reads pages until `limit` items pass the filter or the index is exhausted, within a bound of reads. */
async function queryFiltered(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
  limit: number,
  cursor: { value: string | undefined; shape: CursorShape },
  useScan = false,
): Promise<Page<Simulation>> {
  const items: Simulation[] = [];
  let startKey = cursorToKey(cursor.value, cursor.shape);
  for (let reads = 0; reads < 10; reads++) {
    const request = { ...input, Limit: limit - items.length, ExclusiveStartKey: startKey };
    const out = useScan
      ? await client.send(new ScanCommand(request))
      : await client.send(new QueryCommand(request));
    for (const item of out.Items ?? []) items.push(toSimulation(item));
    startKey = out.LastEvaluatedKey;
    if (!startKey || items.length >= limit) break;
  }
  return { items, nextCursor: encodeCursor(startKey) };
}

export function createDynamoSimulationRepository(
  client: DynamoDBDocumentClient,
  config: { tableName: string; statusIndexShards: number },
): SimulationRepository {
  const { tableName, statusIndexShards } = config;
  const activeSlots = createActiveSlots(client, {
    tableName,
    readSimulations: (ids) => repository.getMany(ids),
    activeIdsFromIndex: activeIdsOfOwner,
  });

  /** The owner's active simulations from the sparse ActiveOwnerIndex (keys only, eventually consistent). */
  async function activeIdsOfOwner(owner: string): Promise<string[]> {
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: ACTIVE_OWNER_INDEX,
          KeyConditionExpression: 'activeOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) ids.push(String(item['id']));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return ids;
  }

  /**
   * The list's filters as one FilterExpression (status, tag, type, and the
   * date range when it is not a key condition). A filter reads the items and
   * drops the ones that do not match: the read costs the same, and a page may
   * take several reads (queryFiltered's loop) to fill.
   */
  function listFilter(
    options: Omit<ListOptions, 'limit' | 'cursor'>,
    dateRangeInFilter: boolean,
  ): Partial<QueryCommandInput> {
    const conditions: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    if (options.status) {
      conditions.push('#status = :status');
      names['#status'] = 'status';
      values[':status'] = options.status;
    }
    if (options.tag) {
      conditions.push('#spec.#tags.#tagKey = :tagValue');
      Object.assign(names, { '#spec': 'spec', '#tags': 'tags', '#tagKey': options.tag.key });
      values[':tagValue'] = options.tag.value;
    }
    if (options.simulationType) {
      conditions.push('#spec.#simulation.#type = :simulationType');
      Object.assign(names, { '#spec': 'spec', '#simulation': 'simulation', '#type': 'type' });
      values[':simulationType'] = options.simulationType;
    }
    if (dateRangeInFilter && options.createdFrom) {
      conditions.push('#createdAt >= :createdFrom');
      names['#createdAt'] = 'createdAt';
      values[':createdFrom'] = options.createdFrom;
    }
    if (dateRangeInFilter && options.createdTo) {
      conditions.push('#createdAt <= :createdTo');
      names['#createdAt'] = 'createdAt';
      values[':createdTo'] = options.createdTo;
    }
    if (conditions.length === 0) return {};
    return {
      FilterExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  /** The owner's date range as a key condition on OwnerIndex's sort key (`<createdAt>#<id>`): only those items are read. */
  function createdKeyCondition(options: Pick<ListOptions, 'createdFrom' | 'createdTo'>): {
    expression: string;
    values: Record<string, string>;
  } {
    // `~` sorts after every character of an id: `<to>#~` is after each key created at <to>.
    const from = options.createdFrom;
    const to = options.createdTo ? `${options.createdTo}#~` : undefined;
    if (from && to)
      return { expression: ' AND createdKey BETWEEN :from AND :to', values: { ':from': from, ':to': to } };
    if (from) return { expression: ' AND createdKey >= :from', values: { ':from': from } };
    if (to) return { expression: ' AND createdKey <= :to', values: { ':to': to } };
    return { expression: '', values: {} };
  }

  /**
   * One UpdateItem conditional on the version and status the caller read: sets
   * attributes, appends to lists, removes attributes, and bumps the version.
   */
  async function versionedUpdate(change: {
    id: string;
    expectedVersion: number;
    expectedStatus: SimulationStatus;
    set: Record<string, unknown>;
    append?: Record<string, unknown[]>;
    remove?: string[];
  }): Promise<Simulation> {
    const names: Record<string, string> = { '#version': 'version', '#status': 'status' };
    const values: Record<string, unknown> = {
      ':expected': change.expectedVersion,
      ':next': change.expectedVersion + 1,
      ':status': change.expectedStatus,
    };
    const sets = ['#version = :next'];
    Object.entries(change.set).forEach(([attribute, value], i) => {
      names[`#s${i}`] = attribute;
      values[`:s${i}`] = value;
      sets.push(`#s${i} = :s${i}`);
    });
    Object.entries(change.append ?? {}).forEach(([attribute, items], i) => {
      names[`#a${i}`] = attribute;
      values[`:a${i}`] = items;
      sets.push(`#a${i} = list_append(#a${i}, :a${i})`);
    });
    const removes = (change.remove ?? []).map((attribute, i) => {
      names[`#r${i}`] = attribute;
      return `#r${i}`;
    });
    try {
      const out = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id: change.id },
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: '#version = :expected AND #status = :status',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toSimulation(out.Attributes ?? {});
    } catch (err) {
      if (isConditionalCheckFailed(err)) {
        throw new StaleVersionError(
          `simulation ${change.id} is no longer ${change.expectedStatus} at version ${change.expectedVersion}`,
        );
      }
      throw err;
    }
  }

  /**
   * Removes a finished simulation's event at `version` and its StatusIndex keys
   * in one write, if no other entry is left (no older one, and no newer one can
   * exist: a finished simulation's version never moves). False if one is.
   */
  async function clearLastEvent(id: string, version: number): Promise<boolean> {
    const names: Record<string, string> = {
      '#version': 'version',
      '#status': 'status',
      '#o': `${OUTBOX_PREFIX}${version}`,
      '#l': `${OUTBOX_LEASE_PREFIX}${version}`,
    };
    const values: Record<string, unknown> = { ':version': version };
    const older: string[] = [];
    for (let v = 1; v < version; v++) {
      names[`#o${v}`] = `${OUTBOX_PREFIX}${v}`;
      older.push(`attribute_not_exists(#o${v})`);
    }
    const terminal = [...TERMINAL_STATUSES].map((status, i) => {
      values[`:t${i}`] = status;
      return `:t${i}`;
    });
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id },
          UpdateExpression: 'REMOVE #o, #l, statusShard, nextPollAt',
          ConditionExpression: ['#version = :version', `#status IN (${terminal.join(', ')})`, ...older].join(
            ' AND ',
          ),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  /** A new simulation's item: its index attributes, and the poll schedule starting at its creation. */
  function newItem(
    simulation: Simulation,
    options: { nextPollAt?: number; requestFingerprint?: string; countsAsActive?: boolean },
  ): SimulationItem {
    const shard = shardOf(simulation.id, statusIndexShards);
    const item: SimulationItem = {
      ...simulation,
      createdKey: createdKey(simulation.createdAt, simulation.id),
      shard,
      requestFingerprint: options.requestFingerprint,
    };
    if (!isTerminal(simulation.status)) {
      item.statusShard = statusShardKey(simulation.status, shard);
      item.nextPollAt = options.nextPollAt ?? Date.parse(simulation.createdAt);
      if (options.countsAsActive !== false) item.activeOwner = simulation.owner;
    }
    return item;
  }

  const repository: SimulationRepository = {
    async create(simulation, options = {}) {
      const item = newItem(simulation, options);
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(id)',
          }),
        );
        return 'created';
      } catch (err) {
        if (isConditionalCheckFailed(err)) return 'exists';
        throw err;
      }
    },

    async createMany(simulations, options = {}) {
      for (let i = 0; i < simulations.length; i += 25) {
        let requests: Record<string, unknown>[] = simulations
          .slice(i, i + 25)
          .map((simulation) => ({ PutRequest: { Item: newItem(simulation, options) } }));
        for (let attempt = 0; requests.length > 0; attempt++) {
          if (attempt > 0)
            await new Promise((r) => setTimeout(r, Math.random() * 50 * 2 ** Math.min(attempt, 6)));
          const out = await client.send(
            new BatchWriteCommand({ RequestItems: { [tableName]: requests as never } }),
          );
          requests = (out.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
        }
      }
    },

    async get(id) {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }),
      );
      return out.Item ? toSimulation(out.Item) : undefined;
    },

    async getMany(ids) {
      if (ids.length > 100) throw new Error(`getMany takes at most 100 ids, got ${ids.length}`);
      const found: Simulation[] = [];
      let keys: Record<string, unknown>[] = [...new Set(ids)].map((id) => ({ id }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 0)
          await new Promise((r) => setTimeout(r, Math.random() * 50 * 2 ** Math.min(attempt, 6)));
        const out = await client.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of out.Responses?.[tableName] ?? []) found.push(toSimulation(item));
        keys = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
      return found;
    },

    async getWithInternals(id) {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }),
      );
      if (!out.Item) return undefined;
      const fingerprint = out.Item['requestFingerprint'];
      const claimedAt = out.Item['submitClaimedAt'];
      return {
        simulation: toSimulation(out.Item),
        requestFingerprint: typeof fingerprint === 'string' ? fingerprint : undefined,
        submitClaimedAt: typeof claimedAt === 'number' ? claimedAt : undefined,
      };
    },

    async listByOwner(owner, { limit, cursor, ...filters }) {
      const filter = listFilter(filters, false);
      const range = createdKeyCondition(filters);
      return queryFiltered(
        client,
        {
          TableName: tableName,
          IndexName: OWNER_INDEX,
          KeyConditionExpression: `#owner = :owner${range.expression}`,
          ScanIndexForward: false,
          ...filter,
          ExpressionAttributeNames: { '#owner': 'owner', ...filter.ExpressionAttributeNames },
          ExpressionAttributeValues: {
            ':owner': owner,
            ...range.values,
            ...filter.ExpressionAttributeValues,
          },
        },
        limit,
        { value: cursor, shape: { attributes: ['id', 'owner', 'createdKey'], equal: { owner } } },
      );
    },

    async listAll({ limit, cursor, ...filters }) {
      // Admin view across owners: a scan, so unordered; owners' own lists use OwnerIndex.
      // Only simulations have an owner (the table also holds e.g. rate-limit buckets).
      const filter = listFilter(filters, true);
      return queryFiltered(
        client,
        {
          TableName: tableName,
          FilterExpression: ['attribute_exists(#owner)', filter.FilterExpression]
            .filter(Boolean)
            .join(' AND '),
          ExpressionAttributeNames: { '#owner': 'owner', ...filter.ExpressionAttributeNames },
          ...(filter.ExpressionAttributeValues
            ? { ExpressionAttributeValues: filter.ExpressionAttributeValues }
            : {}),
        },
        limit,
        { value: cursor, shape: { attributes: ['id'] } },
        true,
      );
    },

    reserveActiveSlot: (request) => activeSlots.reserve(request),

    releaseActiveSlot: (owner, id) => activeSlots.release(owner, id),

    async transition({
      id,
      expectedVersion,
      from,
      to,
      reason,
      at = new Date(),
      set = {},
      remove = [],
      event,
    }) {
      if (!canTransition(from, to)) {
        throw new InvalidTransitionError(`a simulation cannot move from ${from} to ${to}`);
      }
      const when = at.toISOString();
      const terminal = isTerminal(to);
      const statusShard = statusShardKey(to, shardOf(id, statusIndexShards));
      const updated = await versionedUpdate({
        id,
        expectedVersion,
        expectedStatus: from,
        set: {
          status: to,
          updatedAt: when,
          // Moving the StatusIndex key is what re-files the simulation for the finder;
          // a new status starts its poll schedule afresh.
          ...(terminal ? {} : { statusShard, ...initialSchedule(at.getTime(), to) }),
          // A finished simulation stays on the StatusIndex (a terminal partition) until
          // its last event is confirmed: if that never happens, the finder's outbox
          // sweep finds it there once the event is abandoned.
          ...(terminal && event ? { statusShard, nextPollAt: at.getTime() + ABANDONED_EVENT_AGE_MS } : {}),
          ...(event ? { [`${OUTBOX_PREFIX}${expectedVersion + 1}`]: event } : {}),
          ...set,
        },
        append: { history: [{ at: when, from, to, reason }] },
        // A finished simulation leaves the other sparse indexes in the same write.
        remove: [
          ...remove,
          ...(terminal
            ? ['pollIntervalMs', 'activeOwner', ...(event ? [] : ['statusShard', 'nextPollAt'])]
            : []),
        ],
      });
      if (terminal) {
        // Its owner's active slot, right after. If this write is lost (a crash,
        // an error), the slot is reclaimed when the owner next meets the limit:
        // a refused reservation checks every holder's status first.
        await activeSlots.release(updated.owner, id).catch(() => undefined);
      }
      return updated;
    },

    async update({ id, expectedVersion, status, set, remove, at = new Date() }) {
      return versionedUpdate({
        id,
        expectedVersion,
        expectedStatus: status,
        set: { updatedAt: at.toISOString(), ...set },
        ...(remove ? { remove } : {}),
      });
    },

    async clearPendingEvent(id, version, options = {}) {
      // The usual end of a run: its terminal event, the only entry left. One write
      // clears it and takes the simulation off the StatusIndex.
      if (options.terminal && (await clearLastEvent(id, version))) return;
      let item: Record<string, unknown> | undefined;
      try {
        const out = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id },
            UpdateExpression: 'REMOVE #o, #l',
            ConditionExpression: 'attribute_exists(id)',
            ExpressionAttributeNames: {
              '#o': `${OUTBOX_PREFIX}${version}`,
              '#l': `${OUTBOX_LEASE_PREFIX}${version}`,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        item = out.Attributes;
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
        return;
      }
      // The last event of a finished simulation is out: it leaves the StatusIndex.
      // A finished simulation's version never moves again, so "same version, no
      // entry left" cannot be raced by a new entry.
      const status = item?.['status'];
      if (
        !item ||
        typeof item['statusShard'] !== 'string' ||
        typeof status !== 'string' ||
        !isTerminal(status as SimulationStatus) ||
        Object.keys(item).some((key) => key.startsWith(OUTBOX_PREFIX))
      ) {
        return;
      }
      await client
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id },
            UpdateExpression: 'REMOVE statusShard, nextPollAt',
            ConditionExpression: '#version = :version',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':version': item['version'] },
          }),
        )
        .catch((err: unknown) => {
          if (!isConditionalCheckFailed(err)) throw err;
        });
    },

    async claimPendingEvent(id, version, { nowMs, leaseUntil }) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id },
            UpdateExpression: 'SET #l = :until',
            ConditionExpression: 'attribute_exists(#o) AND (attribute_not_exists(#l) OR #l <= :now)',
            ExpressionAttributeNames: {
              '#o': `${OUTBOX_PREFIX}${version}`,
              '#l': `${OUTBOX_LEASE_PREFIX}${version}`,
            },
            ExpressionAttributeValues: { ':until': leaseUntil, ':now': nowMs },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
    },

    async reschedulePoll({ id, status, from, to }) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id },
            UpdateExpression: 'SET nextPollAt = :next, pollIntervalMs = :interval',
            ConditionExpression: `#status = :status AND nextPollAt = :from AND ${
              from.pollIntervalMs === undefined
                ? 'attribute_not_exists(pollIntervalMs)'
                : 'pollIntervalMs = :fromInterval'
            }`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':status': status,
              ':from': from.nextPollAt,
              ':next': to.nextPollAt,
              ':interval': to.pollIntervalMs,
              ...(from.pollIntervalMs === undefined ? {} : { ':fromInterval': from.pollIntervalMs }),
            },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
    },

    async lastFinderRun() {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: { id: FINDER_RUN_ID }, ConsistentRead: true }),
      );
      const at = out.Item?.['startedAt'];
      return typeof at === 'number' ? at : undefined;
    },

    async recordFinderRun(at) {
      await client
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: FINDER_RUN_ID },
            UpdateExpression: 'SET startedAt = :at',
            ConditionExpression: 'attribute_not_exists(startedAt) OR startedAt < :at',
            ExpressionAttributeValues: { ':at': at },
          }),
        )
        .catch((err: unknown) => {
          if (!isConditionalCheckFailed(err)) throw err;
        });
    },

    async queryDue(status, shard, nowMs, options = {}) {
      const { limit = 100, cursor } = options;
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: STATUS_INDEX,
          KeyConditionExpression: 'statusShard = :key AND nextPollAt <= :now',
          ExpressionAttributeValues: { ':key': statusShardKey(status, shard), ':now': nowMs },
          Limit: limit,
          ExclusiveStartKey: cursorToKey(cursor),
        }),
      );
      return {
        items: (out.Items ?? []).map((item) => {
          const simulation = toSimulation(item) as DueSimulation;
          simulation.nextPollAt = Number(item['nextPollAt']);
          if (typeof item['pollIntervalMs'] === 'number') simulation.pollIntervalMs = item['pollIntervalMs'];
          return simulation;
        }),
        nextCursor: encodeCursor(out.LastEvaluatedKey),
      };
    },
  };
  return repository;
}
