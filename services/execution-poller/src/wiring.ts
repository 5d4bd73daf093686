/**
 * The poller's ports, built at first use and then shared by the bundle. On the
 * local platform the Batch client's endpoint (AWS_ENDPOINT_URL_BATCH) is the
 * local Batch emulator, so the same adapter runs jobs as child processes there.
 */
import {
  batchClient,
  dynamoDocumentClient,
  eventBridgeClient,
  s3Client,
} from '#shared/kernel/aws/clients.js';
import type { ComputeBackend } from '#shared/kernel/compute/backend.js';
import {
  createBatchBackend,
  createJobQueueFilter,
  isThrottling,
  isTransientBatchError,
} from '#shared/kernel/compute/batch-backend.js';
import { createEventBridgePublisher } from '#shared/kernel/events/publisher.js';
import { createTokenBucket } from '#shared/kernel/rate-limit/token-bucket.js';
import { createDynamoEnsembleArrayStore } from '#shared/kernel/repository/ensemble-arrays.js';
import { createDynamoSimulationRepository } from '#shared/kernel/repository/simulations.js';
import { s3Arrays } from './adapters/s3-arrays.js';
import { s3ProgressReader } from './adapters/s3-progress.js';
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
  const backends: Record<string, ComputeBackend | undefined> = {
    'aws-batch': batch,
    local: config.localBackendEnabled ? batch : undefined,
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
    progress: s3ProgressReader(s3Client(), config.resultsBucket),
    restarts: s3RestartFinder(s3Client(), config.resultsBucket),
    arrays: s3Arrays(
      s3Client(),
      config.resultsBucket,
      createDynamoEnsembleArrayStore(dynamoDocumentClient(), config.tableName),
    ),
    jobEnvironment: (simulation) => jobEnvironment(simulation, config),
    isRetryable: (err) => isThrottling(err) || isTransientBatchError(err),
    ownsJobQueue: createJobQueueFilter(config),
    now: Date.now,
  };
}

let ports: PollerPorts | undefined;
export function pollerPorts(): PollerPorts {
  return (ports ??= createPollerPorts());
}
