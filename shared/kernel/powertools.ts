import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';

/**
 * Powertools, set up once per bundle; the service name (the metrics' `service`
 * dimension and the logs' `service` key) comes from POWERTOOLS_SERVICE_NAME.
 *
 * No tracer: Lambda's X-Ray tracing is off in every serverless.yml, so the
 * tracer only cost the X-Ray SDK's async hooks on every promise. Requests are
 * followed by the request id in the logs (injectLambdaContext), the API's
 * access log and the simulation id every log line of the services carries.
 */
export const logger = new Logger();

/** Metrics' own warnings go to the logger; "nothing to publish" is a normal invocation (a read), so debug. */
const metricsLogger = {
  trace: (message: string) => logger.trace(message),
  debug: (message: string) => logger.debug(message),
  info: (message: string) => logger.info(message),
  warn: (message: string) =>
    message.startsWith('No application metrics to publish') ? logger.debug(message) : logger.warn(message),
  error: (message: string) => logger.error(message),
};

export const metrics = new Metrics({ namespace: 'GeosChemCloudRunner', logger: metricsLogger });

/**
 * Every Lambda handler of the platform goes through this (HTTP via
 * http/handler.ts, queues via events/event-queue-handler.ts, schedules and SNS
 * directly): middy with the Lambda context in every log line (request id,
 * function, cold start) and the metrics the invocation added published at its
 * end, with a ColdStart metric on the first.
 */
export function lambdaHandler<TEvent, TResult>(
  fn: (event: TEvent, context: Context) => Promise<TResult>,
): MiddyfiedHandler<TEvent, TResult> {
  return middy<TEvent, TResult>(fn)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}
