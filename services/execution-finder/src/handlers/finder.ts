import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { dynamoDocumentClient, eventBridgeClient } from '#shared/kernel/aws/clients.js';
import { createEventBridgePublisher } from '#shared/kernel/events/publisher.js';
import { logger, metrics } from '#shared/kernel/powertools.js';
import { createDynamoSimulationRepository } from '#shared/kernel/repository/simulations.js';
import { config } from '../config.js';
import { findDueSimulations } from '../domain/find-due.js';

const repository = createDynamoSimulationRepository(dynamoDocumentClient, config);
const publisher = createEventBridgePublisher({
  client: eventBridgeClient,
  eventBusName: config.eventBusName,
});

/** Scheduled: hands every simulation whose poll is due to the poller, 100 per event. */
export const handler = async (): Promise<void> => {
  const report = await findDueSimulations(
    { repository, publisher, now: Date.now },
    {
      shards: config.statusIndexShards,
      maxSimulationsPerRun: config.maxSimulationsPerRun,
      concurrency: config.queryConcurrency,
    },
  );
  metrics.addDimension('service', 'execution-finder');
  metrics.addMetric('SimulationsDue', MetricUnit.Count, report.due);
  metrics.addMetric('PollEventsPublished', MetricUnit.Count, report.eventsPublished);
  metrics.addMetric('OldestOverduePollSeconds', MetricUnit.Seconds, report.oldestOverdueSeconds);
  metrics.publishStoredMetrics();
  if (report.truncated) {
    logger.warn('more simulations are due than one run may handle; the rest wait for the next run', {
      ...report,
    });
  }
};
