import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { DomainError } from '../errors.js';
import { lambdaHandler, logger } from '../powertools.js';
import { errorResponse, isThrottlingError } from './responses.js';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/**
 * Wraps an HTTP handler: the platform's Lambda middlewares (lambdaHandler:
 * logging context, metrics), and every thrown error mapped to an answer in
 * one place. Domain errors are the caller's 4xx; throttling is a 503 (a
 * warning: it passes, and the CloudWatch metrics of the throttled service
 * count it); anything else is logged as a bug and answered 500 without
 * leaking internals.
 */
export function httpHandler(fn: (event: HttpEvent, context: Context) => Promise<HttpResult>) {
  return lambdaHandler<HttpEvent, HttpResult>(fn).use({
    onError: async (request) => {
      if (isThrottlingError(request.error)) {
        logger.warn('throttled by an AWS service; answered 503', { error: request.error as Error });
      } else if (!(request.error instanceof DomainError)) {
        logger.error('unhandled error', { error: request.error as Error });
      }
      request.response = errorResponse(request.error);
    },
  });
}
