import { EnvReader } from '#shared/kernel/config.js';

const env = new EnvReader();

const secretStore = env.string('NOTIFIER_SECRET_STORE', 'ssm');

/** Read once at module load; a missing variable fails the cold start, not a message or a request. */
export const config = {
  /** The notifier's own table: subscriptions and delivery records. */
  notificationsTable: env.string('NOTIFICATIONS_TABLE'),
  eventBusName: env.string('EVENT_BUS_NAME'),
  /** The simulations table, read for a simulation's tags when a subscription filters by them. */
  simulations: env.simulationsTable(),
  /** `ssm`: SSM Parameter Store SecureString under `secretsPrefix`; `local`: encrypted files in `localSecretsDir`. */
  secretStore: secretStore === 'local' ? ('local' as const) : ('ssm' as const),
  secretsPrefix: env.string('NOTIFIER_SECRETS_PREFIX', '/gcr/notifier/'),
  localSecretsDir: secretStore === 'local' ? env.string('NOTIFIER_LOCAL_SECRETS_DIR') : '',
  /** Only the local platform sets it: http and loopback webhook receivers. */
  allowLoopbackTargets: env.string('NOTIFIER_ALLOW_LOOPBACK_TARGETS', 'false') === 'true',
  /** The notifier queue's maxReceiveCount: on the last receive a failing delivery is given up. */
  maxReceiveCount: env.int('NOTIFIER_MAX_RECEIVE_COUNT', 5, { min: 1, max: 1000 }),
  /** Tries of a delivery within one receive (backoff with full jitter between them). */
  attemptsPerReceive: env.int('NOTIFIER_ATTEMPTS_PER_RECEIVE', 3, { min: 1, max: 10 }),
  baseDelayMs: env.int('NOTIFIER_BASE_DELAY_MS', 500, { min: 1, max: 60_000 }),
  maxDelayMs: env.int('NOTIFIER_MAX_DELAY_MS', 8_000, { min: 1, max: 60_000 }),
  /** How long a delivery's claim is held: longer than the function's timeout. */
  leaseSeconds: env.int('NOTIFIER_LEASE_SECONDS', 60, { min: 1, max: 3600 }),
  /** Email: `smtp://host:port` locally; empty on AWS, where SES sends. */
  smtpUrl: env.optionalString('NOTIFIER_SMTP_URL'),
  mailFrom: env.string('NOTIFIER_MAIL_FROM', 'GEOS-Chem Cloud Runner <notifications@gcr.invalid>'),
  /** The SES configuration set whose bounce and complaint events reach sesFeedback. */
  sesConfigurationSet: env.optionalString('NOTIFIER_SES_CONFIGURATION_SET'),
  /**
   * Base URL of this API, for unsubscribe links. On AWS the HTTP API's URL; the
   * local platform gives `file:<data>/platform.json`, whose `url` is read at first use.
   */
  publicApiUrl: env.string('NOTIFIER_PUBLIC_API_URL'),
  /** Slack's Web API (the local platform's tests point it at a local receiver). */
  slackApiUrl: env.string('NOTIFIER_SLACK_API_URL', 'https://slack.com/api'),
  /** What a Slack incoming webhook's URL must start with. */
  slackWebhookPrefix: env.string('NOTIFIER_SLACK_WEBHOOK_PREFIX', 'https://hooks.slack.com/services/'),
  /** Slack's limit: about one message a second per channel. */
  slackMessagesPerSecond: env.int('NOTIFIER_SLACK_MESSAGES_PER_SECOND', 1, { min: 1, max: 100 }),
  /** More messages than this for one subscription in one window become one digest (an ensemble finishing). */
  digestAbove: env.int('NOTIFIER_DIGEST_ABOVE', 10, { min: 1, max: 10_000 }),
  /** The digest's window. */
  digestWindowSeconds: env.int('NOTIFIER_DIGEST_WINDOW_SECONDS', 60, { min: 1, max: 3600 }),
  /** Where runbooks/ is browsable (ending in /), for the on-call Slack messages' runbook links; empty: the path alone. */
  runbookBaseUrl: env.string('NOTIFIER_RUNBOOK_BASE_URL', ''),
  /** SQS's endpoint when it is an emulator's (the local platform sets it): queue URLs are built on it. */
  sqsEndpointUrl: env.optionalString('AWS_ENDPOINT_URL_SQS'),
  /** One POST to a target, at most. */
  requestTimeoutMs: env.int('NOTIFIER_REQUEST_TIMEOUT_MS', 5_000, { min: 100, max: 30_000 }),
};
env.done();
