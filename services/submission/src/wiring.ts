/**
 * The submission service's clients and ports, each built at its first use and
 * then shared by the bundle. Factories, not constants, so that a handler's
 * bundle carries only what it calls (no S3 in GET /simulations, no CloudWatch
 * Logs in POST /simulations).
 */
import {
  cloudWatchLogsClient,
  dynamoDocumentClient,
  eventBridgeClient,
  s3Client,
  sqsClient,
  stsClient,
} from '#shared/kernel/aws/clients.js';
import {
  createSiteQueues,
  SITE_QUEUE_VISIBILITY_SECONDS,
  type SiteQueues,
} from '#shared/kernel/compute/site-queues.js';
import { simulationPollRequested, Source } from '#shared/kernel/events/catalog.js';
import { createSiteJobStore } from '#shared/kernel/repository/site-jobs.js';
import { createEventBridgePublisher, type EventPublisher } from '#shared/kernel/events/publisher.js';
import { createCloudWatchLogReader, type LogReader } from '#shared/kernel/logs/log-reader.js';
import { createBudgetStore, type BudgetStore } from '#shared/kernel/repository/budgets.js';
import { createSiteStore, type SiteStore } from '#shared/kernel/repository/sites.js';
import { createDynamoCampaignStore, type CampaignStore } from '#shared/kernel/repository/campaigns.js';
import { createDynamoEnsembleStore, type EnsembleStore } from '#shared/kernel/repository/ensembles.js';
import { createDynamoPurgeStore } from '#shared/kernel/repository/purge.js';
import {
  createDynamoSimulationRepository,
  type SimulationRepository,
} from '#shared/kernel/repository/simulations.js';
import { createS3CreationBatches, createSqsCreationQueue } from './adapters/ensemble-creation-adapters.js';
import { createS3ObjectStore, createS3RunDirectoryReader } from './adapters/s3-object-store.js';
import { createS3PurgeBucket } from './adapters/s3-purge.js';
import { createS3LatestRestart, createS3StageRestarts } from './adapters/s3-stage-restarts.js';
import {
  localAgentCredentials,
  s3SiteTransfers,
  stsAgentCredentials,
} from './adapters/site-agent-adapters.js';
import { config } from './config.js';
import type { CampaignPorts } from './domain/campaigns.js';
import type { EnsemblePorts } from './domain/ensembles.js';
import type { PurgePorts } from './domain/purge.js';
import type { SimulationControlPorts } from './domain/simulation-control.js';
import type { EnsembleCreationPorts, ObjectStore, RunDirectoryReader } from './domain/ports.js';
import type { SiteAgentPorts } from './domain/site-agent-api.js';

let simulations: SimulationRepository | undefined;
export function repository(): SimulationRepository {
  return (simulations ??= createDynamoSimulationRepository(dynamoDocumentClient(), config));
}

let events: EventPublisher | undefined;
export function publisher(): EventPublisher {
  return (events ??= createEventBridgePublisher({
    client: eventBridgeClient(),
    eventBusName: config.eventBusName,
  }));
}

let budgetStore: BudgetStore | undefined;
/** Budgets and their spend (the cost tracker keeps them in the simulations table). */
export function budgets(): BudgetStore {
  return (budgetStore ??= createBudgetStore(dynamoDocumentClient(), config.tableName));
}

let siteStore: SiteStore | undefined;
/** Slurm sites (kept in the simulations table: the execution poller reads them too). */
export function sites(): SiteStore {
  return (siteStore ??= createSiteStore(dynamoDocumentClient(), config.tableName));
}

let runDirectories: ObjectStore | undefined;
/** The results bucket, where run directories are stored. */
export function runDirectoryStore(): ObjectStore {
  return (runDirectories ??= createS3ObjectStore(s3Client(), config.resultsBucket));
}

let storedRunDirectories: RunDirectoryReader | undefined;
/** The results bucket's run directories, read back for GET /simulations/{id}/rundir. */
export function runDirectoryReader(): RunDirectoryReader {
  return (storedRunDirectories ??= createS3RunDirectoryReader(s3Client(), config.resultsBucket));
}

let jobLogs: LogReader | undefined;
export function logReader(): LogReader {
  return (jobLogs ??= createCloudWatchLogReader(cloudWatchLogsClient()));
}

let ensembleStore: EnsembleStore | undefined;
/** Ensembles (`#ensemble#<id>` items of the simulations table). */
export function ensembles(): EnsembleStore {
  return (ensembleStore ??= createDynamoEnsembleStore(dynamoDocumentClient(), config.tableName));
}

let creation: EnsembleCreationPorts | undefined;
/** A large ensemble's creation batches: their members in the results bucket, their messages on the creation queue. */
export function ensembleCreation(): EnsembleCreationPorts {
  if (!config.ensembleCreationQueueUrl)
    throw new Error('ENSEMBLE_CREATION_QUEUE_URL is not set for this function');
  return (creation ??= {
    batches: createS3CreationBatches(s3Client(), config.resultsBucket),
    queue: createSqsCreationQueue(sqsClient(), config.ensembleCreationQueueUrl),
  });
}

/** Everything the ensemble routes write with (and, where the creation queue is configured, a batched creation). */
export function ensemblePorts(onPublishFailure: EnsemblePorts['onPublishFailure']): EnsemblePorts {
  return {
    repository: repository(),
    publisher: publisher(),
    objects: runDirectoryStore(),
    budgets: budgets(),
    ensembles: ensembles(),
    now: () => new Date(),
    ...(config.ensembleCreationQueueUrl ? { creation: ensembleCreation() } : {}),
    ...(onPublishFailure ? { onPublishFailure } : {}),
  };
}

let campaignStore: CampaignStore | undefined;
/** Campaigns (`#campaign#<id>` items of the simulations table, and each owner's `#campaigns#<owner>`). */
export function campaigns(): CampaignStore {
  return (campaignStore ??= createDynamoCampaignStore(dynamoDocumentClient(), config.tableName));
}

/** Everything the campaign routes and the stage release write with. */
export function campaignPorts(onPublishFailure: CampaignPorts['onPublishFailure']): CampaignPorts {
  return {
    repository: repository(),
    publisher: publisher(),
    objects: runDirectoryStore(),
    budgets: budgets(),
    campaigns: campaigns(),
    restarts: createS3StageRestarts(s3Client(), config.resultsBucket),
    now: () => new Date(),
    ...(onPublishFailure ? { onPublishFailure } : {}),
  };
}

/** What POST /simulations/{id}/pause | resume write with. */
export function simulationControlPorts(
  onPublishFailure: SimulationControlPorts['onPublishFailure'],
): SimulationControlPorts {
  return {
    repository: repository(),
    publisher: publisher(),
    latestRestart: createS3LatestRestart(s3Client(), config.resultsBucket),
    now: () => new Date(),
    ...(onPublishFailure ? { onPublishFailure } : {}),
  };
}

/** What DELETE /simulations|ensembles|campaigns/{id} reads and deletes. */
export function purgePorts(): PurgePorts {
  return {
    repository: repository(),
    ensembles: ensembles(),
    campaigns: campaigns(),
    records: createDynamoPurgeStore(dynamoDocumentClient(), config.tableName),
    bucket: createS3PurgeBucket(s3Client(), config.resultsBucket),
  };
}

let queues: SiteQueues | undefined;
/** The Slurm sites' work queues (gcr-<stage>-site-<name>, made and removed with their site). */
export function siteQueues(): SiteQueues {
  return (queues ??= createSiteQueues(sqsClient(), config.stage));
}

/** Uploads stay granted this long after a simulation ended: the agent's last files. */
const UPLOAD_GRACE_MS = 15 * 60_000;
/** Presigned transfers last an hour: long enough for a large restart file on a slow campus link. */
const TRANSFER_EXPIRY_SECONDS = 3600;

let agentPorts: SiteAgentPorts | undefined;
/** Everything the routes of a site's agent need (POST /sites/{name}/session, /transfers, /reports). */
export function siteAgentPorts(): SiteAgentPorts {
  const now = () => new Date();
  return (agentPorts ??= {
    sites: sites(),
    siteJobs: createSiteJobStore(dynamoDocumentClient(), config.tableName),
    simulations: repository(),
    queues: siteQueues(),
    issueCredentials: config.localBackendEnabled
      ? localAgentCredentials(now)
      : stsAgentCredentials(stsClient(), config.siteAgentRoleArn),
    objects: s3SiteTransfers(s3Client(), config.resultsBucket),
    async requestPoll(simulations) {
      await publisher().publish(
        simulationPollRequested(Source.submission, 'slurm', simulations, now().toISOString()),
      );
    },
    settings: {
      region: config.region,
      ...(config.sqsEndpoint ? { sqsEndpoint: config.sqsEndpoint } : {}),
      heartbeatIntervalSeconds: config.siteHeartbeatSeconds,
      visibilityTimeoutSeconds: SITE_QUEUE_VISIBILITY_SECONDS,
      transferExpirySeconds: TRANSFER_EXPIRY_SECONDS,
      uploadGraceMs: UPLOAD_GRACE_MS,
    },
    now,
  });
}
