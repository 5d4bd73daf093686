/**
 * The results processor's clients and ports, each built at its first use and
 * then shared by the bundle. Factories, not constants: a handler's bundle
 * carries only what its factories reach. The adapters over the science code
 * (NetCDF, h5wasm, the PNG renderer) are imported dynamically, inside the
 * factories that need them: a static import would keep their modules' load-time
 * code (pngjs's CommonJS init, colour tables) in every function's bundle, used or not.
 */
import { dynamoDocumentClient, eventBridgeClient, s3Client, sqsClient } from '#shared/kernel/aws/clients.js';
import { createEventBridgePublisher, type EventPublisher } from '#shared/kernel/events/publisher.js';
import { createCooldown, type Cooldown } from '#shared/kernel/rate-limit/cooldown.js';
import { logger } from '#shared/kernel/powertools.js';
import {
  createDynamoSimulationRepository,
  type SimulationRepository,
} from '#shared/kernel/repository/simulations.js';
import { createSqsRedelivery } from './adapters/processing/sqs-redelivery.js';
import { createS3ResultsBucket } from './adapters/s3-results-bucket.js';
import { config } from './config.js';
import type { AggregationPorts } from './domain/aggregation/aggregate-ensemble.js';
import { createDynamoEnsembleStore } from '#shared/kernel/repository/ensembles.js';
import type { ComparePorts } from './domain/api/compare.js';
import type { ResultsApiPorts } from './domain/api/ports.js';
import type { EnsembleResultsPorts } from './domain/api/ensemble-results.js';
import type { RequestResultsPorts } from './domain/api/request-results.js';
import type { ResultsPorts } from './domain/processing/ports.js';
import { isTransientError } from './domain/processing/transient.js';

let simulations: SimulationRepository | undefined;
export function repository(): SimulationRepository {
  return (simulations ??= createDynamoSimulationRepository(dynamoDocumentClient(), config));
}

let events: EventPublisher | undefined;
function publisher(): EventPublisher {
  return (events ??= createEventBridgePublisher({
    client: eventBridgeClient(),
    eventBusName: config.eventBusName,
  }));
}

let bucket: ReturnType<typeof createS3ResultsBucket> | undefined;
function resultsBucket(): ReturnType<typeof createS3ResultsBucket> {
  return (bucket ??= createS3ResultsBucket(s3Client(), config.resultsBucket));
}

// ---------------------------------------------------------------- processing

let processing: ResultsPorts | undefined;
/** The pipeline behind processResults. */
export async function processingPorts(): Promise<ResultsPorts> {
  const { derivedProducts } = await import('./adapters/processing/derived-products.js');
  return (processing ??= {
    repository: repository(),
    store: resultsBucket(),
    publisher: publisher(),
    now: () => new Date(),
    tmpDir: config.tmpDir,
    leaseSeconds: config.leaseSeconds,
    previewSpeciesCount: config.previewSpeciesCount,
    products: derivedProducts,
    isTransient: isTransientError,
    log: (message, data) => logger.info(message, data ?? {}),
  });
}

let aggregation: AggregationPorts | undefined;
/** The ensemble aggregation's ports; the Jacobian writer (h5wasm) is imported only here. */
export async function aggregationPorts(): Promise<AggregationPorts> {
  const { writeJacobian } = await import('#shared/science/ensemble/jacobian.js');
  return (aggregation ??= {
    ensembles: createDynamoEnsembleStore(dynamoDocumentClient(), config.tableName),
    repository: repository(),
    results: resultsBucket(),
    writeJacobian,
    now: () => new Date(),
  });
}

let redelivery: ((body: string, at: Date) => Promise<void>) | undefined;
/** Sends a results message back to the queue for later; undefined where the queue's URL is not configured. */
export function resultsRedelivery(): ((body: string, at: Date) => Promise<void>) | undefined {
  if (!config.resultsQueueUrl) return undefined;
  return (redelivery ??= createSqsRedelivery(sqsClient(), config.resultsQueueUrl));
}

// ----------------------------------------------------------------------- API

let api: ResultsApiPorts | undefined;
/** GET /simulations/{id}/results and .../files/{key+}. */
export function resultsApiPorts(): ResultsApiPorts {
  return (api ??= { repository: repository(), store: resultsBucket(), now: () => new Date() });
}

let ensembleResults: EnsembleResultsPorts | undefined;
/** GET /ensembles/{id}/results. */
export function ensembleResultsPorts(): EnsembleResultsPorts {
  return (ensembleResults ??= {
    ...resultsApiPorts(),
    ensembles: createDynamoEnsembleStore(dynamoDocumentClient(), config.tableName),
    urlTtlSeconds: config.downloadUrlTtlSeconds,
  });
}

let refreshes: Cooldown | undefined;
function refreshCooldown(): Cooldown {
  return (refreshes ??= createCooldown({
    client: dynamoDocumentClient(),
    tableName: config.tableName,
    name: 'compare-refresh',
    seconds: config.compareRefreshIntervalSeconds,
  }));
}

/** POST /simulations/{id}/compare/{otherId}: a renderer per call, since it caches one comparison's files. */
export async function comparePorts(): Promise<ComparePorts> {
  const { createDifferenceMapRenderer } = await import('./adapters/api/difference-maps.js');
  return {
    ...resultsApiPorts(),
    renderer: createDifferenceMapRenderer(),
    mapCount: config.previewSpeciesCount,
    refreshCooldown: refreshCooldown(),
  };
}

let request: RequestResultsPorts | undefined;
/** POST /simulations/{id}/results. */
export function requestResultsPorts(): RequestResultsPorts {
  return (request ??= { repository: repository(), publisher: publisher(), now: () => new Date() });
}
