/** The notifier's delivery pipeline over dynalite, real HTTP clients and in-memory secrets: for npm run bench:notify and the tests. */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { provisionServiceTables, standaloneIntrinsics } from '#local/aws/local-resources.js';
import { repoRoot } from '#local/aws/standalone-dynamo.js';
import { loadService } from '#local/wiring/functions.js';
import {
  createDynamoDeliveryLedger,
  createDynamoDigestBuffer,
  createDynamoSubscriptionStore,
} from '#services/notifier/src/adapters/dynamo-notifications.js';
import { createHttpsPoster } from '#services/notifier/src/adapters/https-poster.js';
import {
  createDynamoChannelBuckets,
  createDynamoSlackThreads,
  createSlackClient,
} from '#services/notifier/src/adapters/slack.js';
import type {
  DeliveryPorts,
  SecretStore,
  StoredSubscription,
  SubscriptionStore,
} from '#services/notifier/src/domain/ports.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { simulationStatusChanged, Source } from '#shared/kernel/events/catalog.js';
import { parseDeliveredEvent } from '#shared/kernel/events/delivered-event.js';
import { NOTIFIER_EVENTS, type NotifierEvent } from '#services/notifier/src/domain/notifications.js';
import { DeliveryPendingError, notifyEvent } from '#services/notifier/src/domain/deliver.js';
import { seededRandom } from '#shared/kernel/seeded-random.js';
import type { SimulationStatus } from '#schemas/generated/types.js';
import { deliveredBody } from '#test/helpers/events.js';

export function memorySecretStore(): SecretStore {
  const values = new Map<string, string>();
  return {
    put: async (name, value) => void values.set(name, value),
    get: async (name) => values.get(name),
    delete: async (name) => void values.delete(name),
  };
}

/** An owner's subscriptions in memory (team subscriptions left out), and the array the tests read. */
export function memorySubscriptionStore(stored: StoredSubscription[] = []): SubscriptionStore {
  return {
    put: async (s) => void stored.push(s),
    get: async (_holder, id) => stored.find((s) => s.id === id),
    listByOwner: async (holder) => stored.filter((s) => s.owner === holder && s.team === undefined),
    delete: async () => true,
  };
}

export interface NotifierHarness {
  ports: DeliveryPorts;
  published: OutgoingEvent[];
  stop(): Promise<void>;
}

/** Delivery ports over a fresh dynalite holding the notifier's table (from its serverless.yml). */
export async function startNotifierHarness(
  overrides: Partial<DeliveryPorts> = {},
  options: { slackApiUrl?: string; slackMessagesPerSecond?: number } = {},
): Promise<NotifierHarness> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const service = loadService(path.join(repoRoot, 'services/notifier/serverless.yml'), {
    stage: 'test',
    region: 'us-east-1',
  });
  const tables = await provisionServiceTables(
    service.resources,
    standaloneIntrinsics('us-east-1'),
    client,
    'us-east-1',
  );
  const tableName = [...tables.values()][0]?.name;
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const published: OutgoingEvent[] = [];
  const ports: DeliveryPorts = {
    subscriptions: createDynamoSubscriptionStore(documents, tableName!),
    ledger: createDynamoDeliveryLedger(documents, tableName!),
    digests: createDynamoDigestBuffer(documents, tableName!),
    // Tests that do not test digests never reach one.
    digestAbove: 1_000_000,
    digestWindowMs: 60_000,
    simulationTags: async () => undefined,
    secrets: memorySecretStore(),
    poster: createHttpsPoster({ allowLoopback: true, timeoutMs: 5_000 }),
    publisher: { publish: async (events) => void published.push(...events) },
    targets: { allowLoopback: true, resolve: async () => ['127.0.0.1'] },
    mail: { send: async () => undefined },
    suppressions: { isSuppressed: async () => false, suppress: async () => undefined },
    publicApiUrl: async () => 'http://127.0.0.1:1',
    slack: createSlackClient(options.slackApiUrl ?? 'http://127.0.0.1:1/api', 5_000),
    threads: createDynamoSlackThreads(documents, tableName!),
    throttle: createDynamoChannelBuckets(documents, tableName!, {
      ratePerSecond: options.slackMessagesPerSecond ?? 1,
      capacity: 1,
    }),
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    attemptsPerReceive: 3,
    baseDelayMs: 5,
    maxDelayMs: 50,
    log: () => undefined,
    ...overrides,
  };
  return {
    ports,
    published,
    stop: async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A status change as the notifier's queue delivers it. */
export function statusEvent(
  simulationId: string,
  owner: string,
  to: SimulationStatus,
  version: number,
  extra: { name?: string; attempt?: number } = {},
): NotifierEvent {
  const event = simulationStatusChanged(Source.executionPoller, {
    simulationId,
    owner,
    from: 'RUNNING',
    to,
    reason: `to ${to}`,
    version,
    at: new Date().toISOString(),
    terminal: ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'].includes(to),
    ...extra,
  });
  return parseDeliveredEvent(deliveredBody(event), NOTIFIER_EVENTS);
}

/** Any catalogued event the notifier hears, as its queue delivers it. */
export function notifierEvent(event: OutgoingEvent): NotifierEvent {
  return parseDeliveredEvent(deliveredBody(event), NOTIFIER_EVENTS);
}

/**
 * What the queue does: every message received until its deliveries are done,
 * `parallel` at a time, a message that throws received again; after
 * `maxReceives` it is dead-lettered. Returns how many were.
 */
export async function deliverThroughQueue(
  ports: DeliveryPorts,
  events: NotifierEvent[],
  options: { parallel?: number; maxReceives?: number } = {},
): Promise<number> {
  const { parallel = 1, maxReceives = 5 } = options;
  const pending = events.map((event, index) => ({ event, receives: 0, id: `evt-${index}` }));
  let deadLettered = 0;
  while (pending.length > 0) {
    const batch = pending.splice(0, parallel);
    await Promise.all(
      batch.map(async (message) => {
        message.receives += 1;
        try {
          await notifyEvent(ports, message.event, {
            lastReceive: message.receives >= maxReceives,
            leaseMs: 60_000,
            eventId: message.id,
          });
        } catch (err) {
          if (!(err instanceof DeliveryPendingError)) throw err;
          if (message.receives >= maxReceives) deadLettered += 1;
          else pending.push(message);
        }
      }),
    );
  }
  return deadLettered;
}

export function shuffled<T>(items: T[], seed: number): T[] {
  const random = seededRandom(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** A run with a spot reclaim: SUBMITTED ... RUNNING, RETRYING, RUNNABLE, RUNNING again, then `end` (versions 2-9). */
export function lifecycle(
  simulationId: string,
  owner: string,
  end: SimulationStatus = 'SUCCEEDED',
): NotifierEvent[] {
  const statuses: SimulationStatus[] = [
    'SUBMITTED',
    'RUNNABLE',
    'STARTING',
    'RUNNING',
    'RETRYING',
    'RUNNABLE',
    'RUNNING',
    end,
  ];
  return statuses.map((to, index) =>
    statusEvent(simulationId, owner, to, index + 2, { name: `run ${simulationId}` }),
  );
}
