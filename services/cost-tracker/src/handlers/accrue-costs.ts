import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { lambdaHandler, logger, metrics } from '#shared/kernel/powertools.js';
import { accrueRunning } from '../domain/record-cost.js';
import { accrualConcurrency, trackerPorts } from '../wiring.js';

/** Hourly: the cost of every simulation not yet final, brought up to date (and cancelled at its maxCostUsd). */
export const handler = lambdaHandler(async (): Promise<void> => {
  const report = await accrueRunning(trackerPorts(), accrualConcurrency);
  metrics.addMetric('CostsAccrued', MetricUnit.Count, report.simulations);
  metrics.addMetric('CostWrites', MetricUnit.Count, report.written);
  metrics.addMetric('CostLimitCancels', MetricUnit.Count, report.cancelled);
  metrics.addMetric('CostAccrualFailures', MetricUnit.Count, report.failed);
  logger.info('hourly accrual done', { ...report });
});
