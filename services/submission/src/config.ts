import { EnvReader } from '#shared/kernel/config.js';

const env = new EnvReader();

/** Read once at module load; a missing variable fails the cold start, not a request. */
export const config = {
  ...env.simulationsTable(),
  eventBusName: env.string('EVENT_BUS_NAME'),
  /** Where each simulation's run directory is stored at submission (`simulations/<id>/rundir/`). */
  resultsBucket: env.string('RESULTS_BUCKET'),
  /** At most 2,000: the owner's slots are one item (an id and a time each), under DynamoDB's 400 KB. */
  maxActivePerOwner: env.int('MAX_ACTIVE_SIMULATIONS_PER_OWNER', 20, { min: 1, max: 2_000 }),
  stage: env.string('STAGE', 'dev'),
  localBackendEnabled: env.string('LOCAL_BACKEND_ENABLED', 'false') === 'true',
  /** Where Batch jobs log (awslogs); on the local platform, the local Batch emulator's logs. */
  jobLogGroup: env.string('JOB_LOG_GROUP', '/aws/batch/job'),
  region: env.string('AWS_REGION', 'us-east-1'),
  /**
   * The role a Slurm site's agent gets its queue credentials from (AssumeRole,
   * narrowed to its own queue); on the local platform none (its SQS checks no signature).
   */
  siteAgentRoleArn: env.string('SITE_AGENT_ROLE_ARN', ''),
  /** How often a site's agent reports (docs/SLURM.md); the execution poller's silence rule counts in these. */
  siteHeartbeatSeconds: env.int('SITE_HEARTBEAT_SECONDS', 60, { min: 5, max: 3600 }),
  /** The ensemble creation queue (createEnsemble and its batches only): ensembles of more than 200 members are created through it. */
  ensembleCreationQueueUrl: env.string('ENSEMBLE_CREATION_QUEUE_URL', ''),
  /** Ensembles of more members are created in batches after a 202 (docs/CAMPAIGNS.md); lower for tests. */
  ensembleSyncMemberLimit: env.int('ENSEMBLE_SYNC_MEMBER_LIMIT', 200, { min: 1, max: 10_000 }),
  /** Members per creation batch. */
  ensembleCreationBatchSize: env.int('ENSEMBLE_CREATION_BATCH_SIZE', 250, { min: 1, max: 1_000 }),
  /** The local platform's SQS endpoint, handed to agents in their session; unset on AWS. */
  sqsEndpoint: env.string('AWS_ENDPOINT_URL_SQS', ''),
};
env.done();
