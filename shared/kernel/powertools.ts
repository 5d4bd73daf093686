import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';

/** Powertools, set up once per bundle; the service name comes from POWERTOOLS_SERVICE_NAME. */
export const logger = new Logger();
export const metrics = new Metrics({ namespace: 'GeosChemCloudRunner' });

/*
 * The tracer loads the X-Ray SDK, whose async hooks tax every promise. Where
 * tracing is off (the local platform, tests) it is not loaded at all.
 */
export const tracer: Tracer | undefined =
  process.env['POWERTOOLS_TRACE_ENABLED'] === 'false'
    ? undefined
    : new (await import('@aws-lambda-powertools/tracer')).Tracer();
