import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { lambdaHandler, logger, metrics } from '#shared/kernel/powertools.js';
import { reconcileCosts } from '../domain/reconcile.js';
import { reconcilePorts } from '../wiring.js';

/**
 * Daily: tracked vs billed from the CUR 2.0 export. A failure throws, so the
 * function's Errors page on-call (runbooks/cost-reconciliation-failed.md).
 */
export const handler = lambdaHandler(async (): Promise<void> => {
  const report = await reconcileCosts(reconcilePorts());
  metrics.addMetric('CostsReconciled', MetricUnit.Count, report.reconciled.length);
  metrics.addMetric('BilledUntracked', MetricUnit.Count, report.untracked.length);
  logger.info('reconciliation done', {
    reconciled: report.reconciled.length,
    untracked: report.untracked.slice(0, 50),
  });
});
