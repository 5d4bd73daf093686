/**
 * The notifier's clients and ports, each built at its first use and then
 * shared by the bundle. Factories, not constants: a handler's bundle carries
 * only what its factories reach.
 */
import { readFile } from 'node:fs/promises';
import { SSMClient } from '@aws-sdk/client-ssm';
import { dynamoDocumentClient, eventBridgeClient, sqsClient } from '#shared/kernel/aws/clients.js';
import { createEventBridgePublisher } from '#shared/kernel/events/publisher.js';
import { logger } from '#shared/kernel/powertools.js';
import {
  createDynamoSimulationRepository,
  type SimulationRepository,
} from '#shared/kernel/repository/simulations.js';
import {
  createDynamoDeliveryLedger,
  createDynamoDigestBuffer,
  createDynamoSubscriptionStore,
  createDynamoSuppressionList,
} from './adapters/dynamo-notifications.js';
import { createSesMailSender, createSmtpMailSender } from './adapters/mail-sender.js';
import { createDynamoChannelBuckets, createDynamoSlackThreads, createSlackClient } from './adapters/slack.js';
import type { SlackPorts } from './domain/slack-channel.js';
import { createHttpsPoster, resolveHost } from './adapters/https-poster.js';
import { createLocalSecretStore } from './adapters/local-secrets.js';
import { createSqsRedelivery, type Redelivery } from './adapters/sqs-redelivery.js';
import { createSsmSecretStore } from './adapters/ssm-secrets.js';
import { config } from './config.js';
import type {
  DeliveryPorts,
  EmailPorts,
  HttpPoster,
  SecretStore,
  SubscriptionStore,
  SuppressionList,
  TargetPolicy,
} from './domain/ports.js';
import type { SubscriptionPorts, TestPorts } from './domain/subscriptions.js';
import type { OnCallPorts } from './domain/on-call.js';

let subscriptionStore: SubscriptionStore | undefined;
function subscriptions(): SubscriptionStore {
  return (subscriptionStore ??= createDynamoSubscriptionStore(
    dynamoDocumentClient(),
    config.notificationsTable,
  ));
}

let simulationRepository: SimulationRepository | undefined;
function simulations(): SimulationRepository {
  return (simulationRepository ??= createDynamoSimulationRepository(
    dynamoDocumentClient(),
    config.simulations,
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

let suppressionList: SuppressionList | undefined;
/** Addresses SES reported bouncing or complaining. */
export function suppressions(): SuppressionList {
  return (suppressionList ??= createDynamoSuppressionList(dynamoDocumentClient(), config.notificationsTable));
}

let apiUrl: Promise<string> | undefined;
function publicApiUrl(): Promise<string> {
  const configured = config.publicApiUrl;
  return (apiUrl ??= configured.startsWith('file:')
    ? readFile(configured.slice('file:'.length), 'utf8').then((text) =>
        String((JSON.parse(text) as { url: string }).url),
      )
    : Promise.resolve(configured));
}

let email: EmailPorts | undefined;
function emailPorts(): EmailPorts {
  return (email ??= {
    mail: config.smtpUrl
      ? createSmtpMailSender(config.smtpUrl, config.mailFrom)
      : createSesMailSender(config.mailFrom, config.sesConfigurationSet),
    suppressions: suppressions(),
    publicApiUrl,
  });
}

let slackPorts: SlackPorts | undefined;
function slack(): SlackPorts {
  return (slackPorts ??= {
    slack: createSlackClient(config.slackApiUrl, config.requestTimeoutMs),
    threads: createDynamoSlackThreads(dynamoDocumentClient(), config.notificationsTable),
    throttle: createDynamoChannelBuckets(dynamoDocumentClient(), config.notificationsTable, {
      ratePerSecond: config.slackMessagesPerSecond,
      capacity: 1,
    }),
  });
}

let api: SubscriptionPorts | undefined;
/** The subscriptions routes and the unsubscribe link. */
export function subscriptionPorts(): SubscriptionPorts {
  return (api ??= {
    subscriptions: subscriptions(),
    secrets: secrets(),
    targets,
    suppressions: suppressions(),
    slackWebhookPrefix: config.slackWebhookPrefix,
    now: () => new Date(),
  });
}

let test: TestPorts | undefined;
/** POST /subscriptions/{id}/test: the channels too. */
export function testPorts(): TestPorts {
  return (test ??= { ...subscriptionPorts(), poster: poster(), ...emailPorts(), ...slack() });
}

let delivery: DeliveryPorts | undefined;
/** The queue's handler. */
export function deliveryPorts(): DeliveryPorts {
  return (delivery ??= {
    subscriptions: subscriptions(),
    ledger: createDynamoDeliveryLedger(dynamoDocumentClient(), config.notificationsTable),
    digests: createDynamoDigestBuffer(dynamoDocumentClient(), config.notificationsTable),
    digestAbove: config.digestAbove,
    digestWindowMs: config.digestWindowSeconds * 1000,
    simulationTags: async (simulationId) => (await simulations().get(simulationId))?.spec.tags,
    secrets: secrets(),
    poster: poster(),
    publisher: createEventBridgePublisher({ client: eventBridgeClient(), eventBusName: config.eventBusName }),
    targets,
    ...emailPorts(),
    ...slack(),
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    attemptsPerReceive: config.attemptsPerReceive,
    baseDelayMs: config.baseDelayMs,
    maxDelayMs: config.maxDelayMs,
    log: (message, data) => logger.info(message, data ?? {}),
  });
}

let onCall: OnCallPorts | undefined;
/** The on-call queue's handler: alarms to the on-call Slack target. */
export function onCallPorts(): OnCallPorts {
  const { slack: client, throttle } = slack();
  return (onCall ??= {
    slack: client,
    throttle,
    secrets: secrets(),
    slackWebhookPrefix: config.slackWebhookPrefix,
    runbookBaseUrl: config.runbookBaseUrl,
  });
}

let sqsRedelivery: Redelivery | undefined;
/** Sets when a message that is not done comes back (ChangeMessageVisibility). */
export function redelivery(): Redelivery {
  return (sqsRedelivery ??= createSqsRedelivery(sqsClient(), { endpointUrl: config.sqsEndpointUrl }));
}
