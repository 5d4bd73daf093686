/** The finder's ports, built at first use and then shared by the bundle. */
import { dynamoDocumentClient, eventBridgeClient } from '#shared/kernel/aws/clients.js';
import { createEventBridgePublisher } from '#shared/kernel/events/publisher.js';
import { createDynamoSimulationRepository } from '#shared/kernel/repository/simulations.js';
import { config } from './config.js';
import type { FinderOptions, FinderPorts } from './domain/find-due.js';

let ports: FinderPorts | undefined;
export function finderPorts(): FinderPorts {
  return (ports ??= {
    repository: createDynamoSimulationRepository(dynamoDocumentClient(), config),
    publisher: createEventBridgePublisher({ client: eventBridgeClient(), eventBusName: config.eventBusName }),
    now: Date.now,
  });
}

/** How one run goes through the StatusIndex, from config. */
export const finderOptions: FinderOptions = {
  shards: config.statusIndexShards,
  maxSimulationsPerRun: config.maxSimulationsPerRun,
  concurrency: config.queryConcurrency,
  waitingCheckIntervalMs: config.waitingCheckSeconds * 1000,
};
