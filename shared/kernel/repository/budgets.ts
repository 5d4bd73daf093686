/**
 * Budgets and their monthly spend, kept in the simulations table because two
 * services need them: the cost tracker writes spend and threshold crossings,
 * the submission service refuses a run when a budget covering it is spent.
 * Services share only `shared/`, `schemas/`, events and this table, so the
 * rows live here, beside `#active#<owner>` (docs/ARCHITECTURE.md, "Costs").
 *
 * - `#budgets`: one item, a map `budgets` of budget key -> definition (a few
 *   hundred at most: one read answers "which budgets cover this run").
 * - `#spend#<budget key>#<month>`: the month's spend, small whatever the
 *   number of runs: `spentUsd`, a sequence number `seq`, the last update's
 *   `intent` ({sim, amount}), and `crossed`, which maps a threshold to
 *   "pending" (won, event not yet published) or "published".
 * - `#spend#<budget key>#<month>#<simulation id>`: one contribution per
 *   simulation, `amountUsd`, the figure of it the month's spend counts.
 *
 * Counting a simulation's new figure, exactly once under duplicated and
 * shuffled updates, without transactions: read the month (its `seq` and
 * pending `intent`); apply that intent to its contribution (conditional: only
 * upwards, so a late or repeated application changes nothing); read this
 * simulation's contribution; add the difference to the month with a write
 * conditional on the `seq` read, recording this update as the new `intent`.
 * A write that loses to another reads again. A crash after the month's write
 * leaves the intent, which the next update of that month (a redelivery of
 * this one included) applies first. So the month's spend is always the sum of
 * the contributions with the pending intent applied. Months written before
 * contributions existed kept them in a map `sims` on the month; it is read as
 * their contributions.
 */
import {
  BatchGetCommand,
  GetCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Budget } from '#schemas/generated/types.js';
import { mapItem } from './map-item.js';
import { isConditionalCheckFailed } from './simulations.js';

export const BUDGETS_ID = '#budgets';
const SPEND_PREFIX = '#spend#';
export const DEFAULT_THRESHOLDS = [50, 80, 100] as const;

/** A budget as stored: the API's Budget without a month's figures. */
export type BudgetDefinition = Omit<Budget, 'month' | 'spentUsd' | 'crossedThresholds'> &
  Required<Pick<Budget, 'updatedAt' | 'updatedBy'>>;

export interface MonthSpend {
  spentUsd: number;
  /** Threshold -> "published", or "pending:<epoch ms>" (taken then, its event not confirmed yet). */
  crossed: Record<string, string>;
}

/** A taken threshold whose event was not confirmed within this long lost its publisher: publish it again. */
export const PENDING_THRESHOLD_AGE_MS = 60_000;

export const ownerBudgetKey = (owner: string): string => `owner:${owner}`;
export const tagBudgetKey = (key: string, value: string): string => `tag:${key}=${value}`;

/** The budget keys a simulation's cost counts against: its owner's, and one per tag. */
export function budgetKeysOf(owner: string, tags: Record<string, string> | undefined): string[] {
  return [ownerBudgetKey(owner), ...Object.entries(tags ?? {}).map(([k, v]) => tagBudgetKey(k, v))];
}

/** "2026-12" of a date (UTC). */
export function monthOf(iso: string | Date): string {
  return new Date(iso).toISOString().slice(0, 7);
}

const spendId = (key: string, month: string): string => `${SPEND_PREFIX}${key}#${month}`;
const contributionId = (key: string, month: string, simulationId: string): string =>
  `${spendId(key, month)}#${simulationId}`;

/** Tries of one spend update against concurrent ones (a storm of one owner's updates contends for its month). */
const RECORD_SPEND_ATTEMPTS = 100;

export interface BudgetStore {
  definitions(): Promise<Map<string, BudgetDefinition>>;
  put(definition: BudgetDefinition): Promise<void>;
  /** False when there was none. */
  delete(budget: string): Promise<boolean>;
  spend(keys: string[], month: string): Promise<Map<string, MonthSpend>>;
  /**
   * Counts a simulation's cost in a budget's month: replaces its previous
   * figure when the new one is larger. Returns the month's spend after it,
   * or undefined when nothing changed (a duplicate, or an older figure).
   */
  recordSpend(
    key: string,
    month: string,
    simulationId: string,
    amountUsd: number,
  ): Promise<MonthSpend | undefined>;
  /** Takes a threshold of a budget's month: true for the one caller that crossed it first. */
  claimThreshold(key: string, month: string, threshold: number, nowMs: number): Promise<boolean>;
  /** The threshold's event is published. */
  markPublished(key: string, month: string, threshold: number): Promise<void>;
}

const thresholdName = (threshold: number): string => `t${String(threshold).replace('.', '_')}`;

export function createBudgetStore(client: DynamoDBDocumentClient, tableName: string): BudgetStore {
  const budgets = mapItem<BudgetDefinition>(client, tableName, BUDGETS_ID, 'budgets');
  async function readSpend(key: string, month: string): Promise<Record<string, unknown> | undefined> {
    const out = await client.send(
      new GetCommand({ TableName: tableName, Key: { id: spendId(key, month) }, ConsistentRead: true }),
    );
    return out.Item;
  }

  function toSpend(item: Record<string, unknown> | undefined): MonthSpend {
    const crossed: MonthSpend['crossed'] = {};
    for (const [name, state] of Object.entries((item?.['crossed'] as Record<string, string>) ?? {})) {
      crossed[name.slice(1).replace('_', '.')] = state;
    }
    return { spentUsd: Number(item?.['spentUsd'] ?? 0), crossed };
  }

  async function readContribution(
    key: string,
    month: string,
    simulationId: string,
  ): Promise<number | undefined> {
    const out = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: { id: contributionId(key, month, simulationId) },
        ConsistentRead: true,
      }),
    );
    return out.Item?.['amountUsd'] as number | undefined;
  }

  /** A simulation's contribution raised to `amountUsd` (never lowered: a repeated or late application is a no-op). */
  async function applyContribution(key: string, month: string, simulationId: string, amountUsd: number) {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id: contributionId(key, month, simulationId) },
          UpdateExpression: 'SET amountUsd = :amount',
          ConditionExpression: 'attribute_not_exists(amountUsd) OR amountUsd < :amount',
          ExpressionAttributeValues: { ':amount': amountUsd },
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }

  return {
    definitions: () => budgets.entries(),
    put: (definition) => budgets.set(definition.budget, definition),
    delete: (budget) => budgets.remove(budget),

    async spend(keys, month) {
      const result = new Map<string, MonthSpend>();
      for (let i = 0; i < keys.length; i += 100) {
        const chunk = keys.slice(i, i + 100);
        const out = await client.send(
          new BatchGetCommand({
            RequestItems: {
              [tableName]: {
                Keys: chunk.map((key) => ({ id: spendId(key, month) })),
                ConsistentRead: true,
                ProjectionExpression: 'id, spentUsd, crossed',
              },
            },
          }),
        );
        const items = out.Responses?.[tableName] ?? [];
        for (const key of chunk) {
          result.set(key, toSpend(items.find((item) => item['id'] === spendId(key, month))));
        }
      }
      return result;
    },

    async recordSpend(key, month, simulationId, amountUsd) {
      for (let attempt = 1; attempt <= RECORD_SPEND_ATTEMPTS; attempt++) {
        const current = await readSpend(key, month);
        const seq = current?.['seq'] as number | undefined;
        const intent = current?.['intent'] as { sim: string; amount: number } | undefined;
        if (intent) await applyContribution(key, month, intent.sim, intent.amount);
        const counted =
          (await readContribution(key, month, simulationId)) ??
          (current?.['sims'] as Record<string, number> | undefined)?.[simulationId] ??
          0;
        if (counted >= amountUsd) return undefined;
        try {
          const out = await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { id: spendId(key, month) },
              UpdateExpression:
                'SET spentUsd = if_not_exists(spentUsd, :zero) + :delta, seq = :next, intent = :intent, crossed = if_not_exists(crossed, :none)',
              ConditionExpression: seq === undefined ? 'attribute_not_exists(seq)' : 'seq = :seq',
              ExpressionAttributeValues: {
                ':zero': 0,
                ':delta': amountUsd - counted,
                ':next': (seq ?? 0) + 1,
                ':intent': { sim: simulationId, amount: amountUsd },
                ':none': {},
                ...(seq !== undefined ? { ':seq': seq } : {}),
              },
              ReturnValues: 'ALL_NEW',
            }),
          );
          return toSpend(out.Attributes);
        } catch (err) {
          // Another update of this month's spend came first: read again, after a short random pause.
          if (!isConditionalCheckFailed(err)) throw err;
          await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(attempt, 10) * 5));
        }
      }
      throw new Error(`spend of ${key} in ${month}: too many concurrent updates; the message is retried`);
    },

    async claimThreshold(key, month, threshold, nowMs) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: spendId(key, month) },
            UpdateExpression: 'SET crossed.#t = :pending',
            ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(crossed.#t)',
            ExpressionAttributeNames: { '#t': thresholdName(threshold) },
            ExpressionAttributeValues: { ':pending': `pending:${nowMs}` },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
    },

    async markPublished(key, month, threshold) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id: spendId(key, month) },
          UpdateExpression: 'SET crossed.#t = :published',
          ExpressionAttributeNames: { '#t': thresholdName(threshold) },
          ExpressionAttributeValues: { ':published': 'published' },
        }),
      );
    },
  };
}

/** A budget as the API shows it: the definition and its month's spend. */
export function budgetView(
  definition: BudgetDefinition,
  month: string,
  spend: MonthSpend | undefined,
): Budget {
  return {
    ...definition,
    month,
    spentUsd: Math.round((spend?.spentUsd ?? 0) * 10_000) / 10_000,
    crossedThresholds: Object.keys(spend?.crossed ?? {})
      .map(Number)
      .sort((a, b) => a - b),
  };
}

/**
 * The first budget covering a new run (its owner's, its tags') that is spent
 * for the month and not "alert only": the submission refuses the run with it.
 */
export async function exhaustedBudget(
  store: Pick<BudgetStore, 'definitions' | 'spend'>,
  owner: string,
  tags: Record<string, string> | undefined,
  month: string,
): Promise<{ definition: BudgetDefinition; spentUsd: number } | undefined> {
  const definitions = await store.definitions();
  const covering = budgetKeysOf(owner, tags)
    .map((key) => definitions.get(key))
    .filter((d): d is BudgetDefinition => d !== undefined && !d.alertOnly);
  if (covering.length === 0) return undefined;
  const spend = await store.spend(
    covering.map((d) => d.budget),
    month,
  );
  for (const definition of covering) {
    const spentUsd = spend.get(definition.budget)?.spentUsd ?? 0;
    if (spentUsd >= definition.limitUsd) return { definition, spentUsd };
  }
  return undefined;
}
