/**
 * The notifier's clients and ports, each built at its first use and then
 * shared by the bundle. Factories, not constants: a handler's bundle carries
 * only what its factories reach.
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import { dynamoDocumentClient, eventBridgeClient } from '#shared/kernel/aws/clients.js';
import { createEventBridgePublisher } from '#shared/kernel/events/publisher.js';
import { logger } from '#shared/kernel/powertools.js';
import {
  createDynamoDeliveryLedger,
  createDynamoSubscriptionStore,
} from './adapters/dynamo-notifications.js';
import { createHttpsPoster, resolveHost } from './adapters/https-poster.js';
import { createLocalSecretStore } from './adapters/local-secrets.js';
import { createSsmSecretStore } from './adapters/ssm-secrets.js';
import { config } from './config.js';
import type {
  DeliveryPorts,
  HttpPoster,
  SecretStore,
  SubscriptionStore,
  TargetPolicy,
} from './domain/ports.js';
import type { SubscriptionPorts } from './domain/subscriptions.js';

let subscriptionStore: SubscriptionStore | undefined;
function subscriptions(): SubscriptionStore {
  return (subscriptionStore ??= createDynamoSubscriptionStore(
    dynamoDocumentClient(),
    config.notificationsTable,
  ));
}

let secretStore: SecretStore | undefined;
function secrets(): SecretStore {
  return (secretStore ??=
    config.secretStore === 'local'
      ? createLocalSecretStore(config.localSecretsDir)
      : createSsmSecretStore(new SSMClient({}), config.secretsPrefix));
}

const targets: TargetPolicy = { allowLoopback: config.allowLoopbackTargets, resolve: resolveHost };

let httpPoster: HttpPoster | undefined;
function poster(): HttpPoster {
  return (httpPoster ??= createHttpsPoster({
    allowLoopback: config.allowLoopbackTargets,
    timeoutMs: config.requestTimeoutMs,
  }));
}

let api: (SubscriptionPorts & Pick<DeliveryPorts, 'poster'>) | undefined;
/** The subscriptions routes. */
export function subscriptionPorts(): SubscriptionPorts & Pick<DeliveryPorts, 'poster'> {
  return (api ??= {
    subscriptions: subscriptions(),
    secrets: secrets(),
    targets,
    poster: poster(),
    now: () => new Date(),
  });
}

let delivery: DeliveryPorts | undefined;
/** The queue's handler. */
export function deliveryPorts(): DeliveryPorts {
  return (delivery ??= {
    subscriptions: subscriptions(),
    ledger: createDynamoDeliveryLedger(dynamoDocumentClient(), config.notificationsTable),
    secrets: secrets(),
    poster: poster(),
    publisher: createEventBridgePublisher({ client: eventBridgeClient(), eventBusName: config.eventBusName }),
    targets,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    attemptsPerReceive: config.attemptsPerReceive,
    baseDelayMs: config.baseDelayMs,
    maxDelayMs: config.maxDelayMs,
    log: (message, data) => logger.info(message, data ?? {}),
  });
}
