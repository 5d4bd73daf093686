import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { tracer } from '../powertools.js';

/*
 * SDK clients, created once per bundle. Endpoints come from the SDK's standard
 * AWS_ENDPOINT_URL_<SERVICE> variables: that is all the local platform changes.
 */
export const dynamoDocumentClient = DynamoDBDocumentClient.from(
  tracer.captureAWSv3Client(new DynamoDBClient({})),
  {
    marshallOptions: { removeUndefinedValues: true },
  },
);

export const eventBridgeClient = tracer.captureAWSv3Client(new EventBridgeClient({}));
