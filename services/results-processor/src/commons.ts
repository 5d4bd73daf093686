import { dynamoDocumentClient, eventBridgeClient } from '#shared/kernel/aws/clients.js';
import { createEventBridgePublisher } from '#shared/kernel/events/publisher.js';
import { createDynamoSimulationRepository } from '#shared/kernel/repository/simulations.js';
import { config } from './config.js';

/*
 * The clients processResults and requestResults share, built once per bundle.
 * The processing pipeline's other ports (S3, NetCDF readers, the preview
 * renderer) are in processing-ports.ts so the request route's bundle stays small.
 */
export const repository = createDynamoSimulationRepository(dynamoDocumentClient, config);
export const publisher = createEventBridgePublisher({
  client: eventBridgeClient,
  eventBusName: config.eventBusName,
});
