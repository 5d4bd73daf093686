/** The notifier's delivery pipeline over dynalite, a real HTTP poster and in-memory secrets, for tests and the bench. */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { provisionServiceTables } from '#local/aws/local-resources.js';
import { repoRoot } from '#local/aws/standalone-dynamo.js';
import { loadService } from '#local/wiring/functions.js';
import {
  createDynamoDeliveryLedger,
  createDynamoSubscriptionStore,
} from '#services/notifier/src/adapters/dynamo-notifications.js';
import { createHttpsPoster } from '#services/notifier/src/adapters/https-poster.js';
import type { DeliveryPorts, SecretStore } from '#services/notifier/src/domain/ports.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { simulationStatusChanged, Source } from '#shared/kernel/events/catalog.js';
import { parseDeliveredEvent } from '#shared/kernel/events/delivered-event.js';
import { NOTIFIER_EVENTS, type NotifierEvent } from '#services/notifier/src/domain/notifications.js';
import type { SimulationStatus } from '#schemas/generated/types.js';
import { deliveredBody } from './events.js';

export function memorySecretStore(): SecretStore {
  const values = new Map<string, string>();
  return {
    put: async (name, value) => void values.set(name, value),
    get: async (name) => values.get(name),
    delete: async (name) => void values.delete(name),
  };
}

export interface NotifierHarness {
  ports: DeliveryPorts;
  published: OutgoingEvent[];
  stop(): Promise<void>;
}

/** Delivery ports over a fresh dynalite holding the notifier's table (from its serverless.yml). */
export async function startNotifierHarness(overrides: Partial<DeliveryPorts> = {}): Promise<NotifierHarness> {
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
  const [tableName] = await provisionServiceTables(service.resources, client, service.config.service);
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const published: OutgoingEvent[] = [];
  const ports: DeliveryPorts = {
    subscriptions: createDynamoSubscriptionStore(documents, tableName!),
    ledger: createDynamoDeliveryLedger(documents, tableName!),
    secrets: memorySecretStore(),
    poster: createHttpsPoster({ allowLoopback: true, timeoutMs: 5_000 }),
    publisher: { publish: async (events) => void published.push(...events) },
    targets: { allowLoopback: true, resolve: async () => ['127.0.0.1'] },
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
