import { dynamoDocumentClient, eventBridgeClient } from '#shared/kernel/aws/clients.js';
import { createEventBridgePublisher } from '#shared/kernel/events/publisher.js';
import { createDynamoSimulationRepository } from '#shared/kernel/repository/simulations.js';
import { config } from './config.js';

/** The submission service's ports, built once per bundle and shared by its handlers. */
export const repository = createDynamoSimulationRepository(dynamoDocumentClient, config);
export const publisher = createEventBridgePublisher({
  client: eventBridgeClient,
  eventBusName: config.eventBusName,
});
