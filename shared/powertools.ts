import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** Powertools, set up once per bundle; the service name comes from POWERTOOLS_SERVICE_NAME. */
export const logger = new Logger();
export const metrics = new Metrics({ namespace: 'GeosChemCloudRunner' });
export const tracer = new Tracer();
