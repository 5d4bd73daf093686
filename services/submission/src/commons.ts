import { dynamoDocumentClient, eventBridgeClient } from '../../../shared/aws/clients.js';
import { createEventBridgePublisher } from '../../../shared/events/publisher.js';
import { createDynamoSimulationRepository } from '../../../shared/repository/simulations.js';
import { config } from './config.js';

/** The submission service's ports, built once per bundle and shared by its handlers. */
export const repository = createDynamoSimulationRepository(dynamoDocumentClient, config);
export const publisher = createEventBridgePublisher({
  client: eventBridgeClient,
  eventBusName: config.eventBusName,
});
