/**
 * npm run throttling — the poller under throttling at full size
 * (scripts/fault/poller-throttling.ts): 300 simulations (THROTTLING_SIMULATIONS)
 * run as local Batch jobs while Batch answers 429 above 50 requests/s and to
 * 5% of requests, and DynamoDB answers ProvisionedThroughputExceededException
 * to 10% of calls. Prints the figures; exits 1 if any update was lost.
 */
import '#shared/kernel/quiet-sdk-warning.js';
import { reportAndExit } from './harness.js';
import { runPollerThrottling } from './poller-throttling.js';

const simulations = Number(process.env['THROTTLING_SIMULATIONS'] ?? 300);
const figures = await runPollerThrottling({
  simulations,
  batchThrottleShare: Number(process.env['THROTTLING_BATCH_SHARE'] ?? 0.05),
  dynamoFaultShare: Number(process.env['THROTTLING_DYNAMO_SHARE'] ?? 0.1),
});
reportAndExit(
  `poller under throttling: ${simulations} simulations`,
  [
    ['succeeded', figures.succeeded],
    ['Batch requests', figures.batchRequests],
    ['Batch 429s', figures.batch429s],
    ['DynamoDB calls', figures.dynamoCalls],
    ['DynamoDB throughput faults', figures.dynamoFaults],
    ['messages received', figures.messagesReceived],
    ['redelivered', figures.redelivered],
    ['dead-lettered', figures.deadLettered],
    ['duplicate deliveries', figures.duplicateDeliveries],
    ['lost updates', figures.lost],
    ['wall time (s)', figures.seconds.toFixed(1)],
  ],
  figures.lost === 0,
  'nothing lost',
);
