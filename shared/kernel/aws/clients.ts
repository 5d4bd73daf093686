import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { tracer } from '../powertools.js';

/** X-Ray segments for every AWS call when tracing is on. */
function traced<T>(client: T): T {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}

/*
 * SDK clients, created once per bundle. Endpoints come from the SDK's standard
 * AWS_ENDPOINT_URL_<SERVICE> variables: that is all the local platform changes.
 */
export const dynamoDocumentClient = DynamoDBDocumentClient.from(traced(new DynamoDBClient({})), {
  marshallOptions: { removeUndefinedValues: true },
});

export const eventBridgeClient = traced(new EventBridgeClient({}));
