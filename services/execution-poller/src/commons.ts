import { BatchClient } from '@aws-sdk/client-batch';
import { S3Client } from '@aws-sdk/client-s3';
import { dynamoDocumentClient, eventBridgeClient } from '#shared/kernel/aws/clients.js';
import type { ComputeBackend } from '#shared/kernel/compute/backend.js';
import {
  createBatchBackend,
  isThrottling,
  isTransientBatchError,
} from '#shared/kernel/compute/batch-backend.js';
import { createEventBridgePublisher } from '#shared/kernel/events/publisher.js';
import { createTokenBucket } from '#shared/kernel/rate-limit/token-bucket.js';
import { createDynamoSimulationRepository } from '#shared/kernel/repository/simulations.js';
import { jobEnvironment } from './adapters/job-environment.js';
import { s3ProgressReader } from './adapters/s3-progress.js';
import { config } from './config.js';
import type { PollerPorts } from './domain/ports.js';

/*
 * The poller's ports, built once per bundle. On the local platform the Batch
 * client's endpoint (AWS_ENDPOINT_URL_BATCH) is the local Batch emulator, so the
 * same adapter runs jobs as child processes there.
 */
const s3 = new S3Client({ forcePathStyle: process.env['AWS_ENDPOINT_URL_S3'] !== undefined });
const batch = createBatchBackend(new BatchClient({}), {
  jobQueues: config.jobQueues,
  jobDefinitions: config.jobDefinitions,
  multiNode: config.multiNode,
});
const backends: Record<string, ComputeBackend | undefined> = {
  'aws-batch': batch,
  local: config.localBackendEnabled ? batch : undefined,
};

export const ports: PollerPorts = {
  repository: createDynamoSimulationRepository(dynamoDocumentClient, config),
  publisher: createEventBridgePublisher({ client: eventBridgeClient, eventBusName: config.eventBusName }),
  backendFor: (name) => backends[name],
  rateLimiter: createTokenBucket({
    client: dynamoDocumentClient,
    tableName: config.tableName,
    name: 'batch-api',
    ratePerSecond: config.batchRatePerSecond,
    capacity: config.batchRatePerSecond,
  }),
  progress: s3ProgressReader(s3, config.resultsBucket),
  jobEnvironment: (simulation) => jobEnvironment(simulation, config),
  isRetryable: (err) => isThrottling(err) || isTransientBatchError(err),
  now: Date.now,
};
