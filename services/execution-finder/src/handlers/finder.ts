import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { lambdaHandler, logger, metrics } from '#shared/kernel/powertools.js';
import { findDueSimulations } from '../domain/find-due.js';
import { finderOptions, finderPorts } from '../wiring.js';

/** Scheduled: hands every simulation whose poll is due (and every abandoned event) to the poller, 100 per event. */
export const handler = lambdaHandler(async (): Promise<void> => {
  const report = await findDueSimulations(finderPorts(), finderOptions);
  metrics.addMetric('SimulationsDue', MetricUnit.Count, report.due);
  metrics.addMetric('PollEventsPublished', MetricUnit.Count, report.eventsPublished);
  metrics.addMetric('OldestOverduePollSeconds', MetricUnit.Seconds, report.oldestOverdueSeconds);
  metrics.addMetric('AbandonedEventsSwept', MetricUnit.Count, report.abandonedEvents);
  metrics.addMetric('WaitingStagesChecked', MetricUnit.Count, report.waitingStages);
  if (report.truncated) {
    logger.warn('more simulations are due than one run may handle; the rest wait for the next run', {
      ...report,
    });
  }
});
