/**
 * The poller's ports, built at first use and then shared by the bundle. On the
 * local platform the Batch client's endpoint (AWS_ENDPOINT_URL_BATCH) is the
 * local Batch emulator, so the same adapter runs jobs as child processes there.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  batchClient,
  dynamoDocumentClient,
  eventBridgeClient,
  s3Client,
  sqsClient,
} from '#shared/kernel/aws/clients.js';
import { createSiteQueues } from '#shared/kernel/compute/site-queues.js';
import { createSlurmBackend } from '#shared/kernel/compute/slurm-backend.js';
import { metrics } from '#shared/kernel/powertools.js';
import { createSiteJobStore } from '#shared/kernel/repository/site-jobs.js';
import { createSiteStore } from '#shared/kernel/repository/sites.js';
import { SimulationPaths } from '#shared/kernel/storage/bucket-layout.js';
import type { Simulation } from '#schemas/generated/types.js';
import type { ComputeBackend } from '#shared/kernel/compute/backend.js';
import {
  createBatchBackend,
  createJobQueueFilter,
  isThrottling,
  isTransientBatchError,
} from '#shared/kernel/compute/batch-backend.js';
import { createEventBridgePublisher } from '#shared/kernel/events/publisher.js';
import { createTokenBucket } from '#shared/kernel/rate-limit/token-bucket.js';
import { createDynamoSimulationRepository } from '#shared/kernel/repository/simulations.js';
import { s3ProgressReader } from './adapters/s3-progress.js';
import { siteJobProgressReader } from './adapters/site-job-progress.js';
import { s3RestartFinder } from './adapters/s3-restarts.js';
import { config } from './config.js';
import { jobEnvironment } from './domain/job-environment.js';
import type { PollerPorts } from './domain/ports.js';

/** The job tag the poller's IAM policy requires before it may terminate a job (serverless.yml). */
const STAGE_TAG = 'gcr:stage';

function createPollerPorts(): PollerPorts {
  const batch = createBatchBackend(batchClient(), {
    jobQueues: config.jobQueues,
    jobDefinitions: config.jobDefinitions,
    multiNode: config.multiNode,
    jobTags: { [STAGE_TAG]: config.stage },
  });
  const restarts = s3RestartFinder(s3Client(), config.resultsBucket);
  const backends: Record<string, ComputeBackend | undefined> = {
    'aws-batch': batch,
    local: config.localBackendEnabled ? batch : undefined,
    slurm: slurmBackend(restarts),
  };
  return {
    repository: createDynamoSimulationRepository(dynamoDocumentClient(), config),
    publisher: createEventBridgePublisher({ client: eventBridgeClient(), eventBusName: config.eventBusName }),
    backendFor: (name) => backends[name],
    rateLimiter: createTokenBucket({
      client: dynamoDocumentClient(),
      tableName: config.tableName,
      name: 'batch-api',
      ratePerSecond: config.batchRatePerSecond,
      capacity: config.batchRatePerSecond,
    }),
    progress: progressReader(),
    restarts,
    jobEnvironment: (simulation) => jobEnvironment(simulation, config),
    isRetryable: (err) => isThrottling(err) || isTransientBatchError(err),
    ownsJobQueue: createJobQueueFilter(config),
    now: Date.now,
  };
}

/**
 * Slurm sites' jobs, through their work queues and their agents' reports. The
 * longest silence of each site with jobs followed is the metric the
 * silent-agent alarm watches (runbooks/slurm-site-silent.md).
 */
function slurmBackend(restarts: ReturnType<typeof s3RestartFinder>): ComputeBackend {
  return createSlurmBackend({
    sites: createSiteStore(dynamoDocumentClient(), config.tableName),
    siteJobs: createSiteJobStore(dynamoDocumentClient(), config.tableName),
    queues: createSiteQueues(sqsClient(), config.stage),
    silentAfterMs: config.siteHeartbeatSeconds * config.siteSilentAfterHeartbeats * 1000,
    // A new attempt resumes from the latest restart an earlier attempt wrote, as on Batch.
    resumeFrom: async (simulationId, spec, attempt) => {
      if (!(spec as { checkpoint?: unknown }).checkpoint) return undefined;
      const point = await restarts.resumePoint({ id: simulationId, spec } as unknown as Simulation, attempt);
      return point && `${SimulationPaths.restarts}${point.name}`;
    },
    onSiteSilence: (_site, seconds) =>
      metrics.addMetric('SlurmSiteSilentSeconds', MetricUnit.Seconds, seconds),
  });
}

/** A job's progress: its status file in S3, or for a Slurm site's job what its agent reported. */
function progressReader(): NonNullable<PollerPorts['progress']> {
  const statusFiles = s3ProgressReader(s3Client(), config.resultsBucket);
  const siteJobs = siteJobProgressReader(createSiteJobStore(dynamoDocumentClient(), config.tableName));
  return { read: (simulation) => (simulation.backend === 'slurm' ? siteJobs : statusFiles).read(simulation) };
}

let ports: PollerPorts | undefined;
export function pollerPorts(): PollerPorts {
  return (ports ??= createPollerPorts());
}
