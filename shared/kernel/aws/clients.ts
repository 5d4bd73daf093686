import { BatchClient } from '@aws-sdk/client-batch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { withChaos } from './chaos.js';

/*
 * The platform's AWS SDK clients, each created at its first use and then
 * shared by the bundle. Endpoints come from the SDK's standard
 * AWS_ENDPOINT_URL_<SERVICE> variables: that is all the local platform changes.
 *
 * Functions rather than constants, so that a bundle carries only the SDKs its
 * handler calls: esbuild drops an unused function, never a `new` at top level.
 * Each goes through withChaos, a no-op unless the chaos suite sets
 * GCR_CHAOS_POINTS (./chaos.ts).
 */

let dynamo: DynamoDBDocumentClient | undefined;
export function dynamoDocumentClient(): DynamoDBDocumentClient {
  return (dynamo ??= DynamoDBDocumentClient.from(withChaos(new DynamoDBClient({}), 'dynamodb'), {
    marshallOptions: { removeUndefinedValues: true },
  }));
}

let eventBridge: EventBridgeClient | undefined;
export function eventBridgeClient(): EventBridgeClient {
  return (eventBridge ??= withChaos(new EventBridgeClient({}), 'eventbridge'));
}

let batch: BatchClient | undefined;
export function batchClient(): BatchClient {
  return (batch ??= withChaos(new BatchClient({}), 'batch'));
}

let cloudWatchLogs: CloudWatchLogsClient | undefined;
export function cloudWatchLogsClient(): CloudWatchLogsClient {
  return (cloudWatchLogs ??= withChaos(new CloudWatchLogsClient({}), 'logs'));
}

let ecs: ECSClient | undefined;
/** ECS (the cost tracker: which EC2 instance a Batch job's container instance is). */
export function ecsClient(): ECSClient {
  return (ecs ??= withChaos(new ECSClient({}), 'ecs'));
}

let ec2: EC2Client | undefined;
/** EC2 (the cost tracker: instance type, zone, lifecycle, and the spot price history). */
export function ec2Client(): EC2Client {
  return (ec2 ??= withChaos(new EC2Client({}), 'ec2'));
}

let sqs: SQSClient | undefined;
export function sqsClient(): SQSClient {
  return (sqs ??= withChaos(new SQSClient({}), 'sqs'));
}

let sts: STSClient | undefined;
/** STS: the site agents' short-lived queue credentials (AssumeRole with a session policy). */
export function stsClient(): STSClient {
  return (sts ??= withChaos(new STSClient({}), 'sts'));
}

/**
 * A new S3 client, configured for wherever AWS_ENDPOINT_URL_S3 points now:
 * - against an emulator (the local platform's s3rver), path-style URLs, since
 *   it has no per-bucket host names;
 * - everywhere, checksums only where S3 requires them. The SDK's defaults put
 *   `x-amz-checksum-*` parameters into presigned GETs and send streamed
 *   uploads aws-chunked with a CRC32 trailer, which s3rver stores verbatim,
 *   chunk headers and all. One setting on AWS and locally, so the local
 *   platform runs what AWS runs.
 * Presigned URLs are built by the client's own middleware stack (the chaos
 * middleware only acts on sent requests).
 */
export function createS3Client(): S3Client {
  return withChaos(
    new S3Client({
      ...(process.env['AWS_ENDPOINT_URL_S3'] ? { forcePathStyle: true } : {}),
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
    's3',
  );
}

let s3: S3Client | undefined;
/** The bundle's S3 client (createS3Client, once). */
export function s3Client(): S3Client {
  return (s3 ??= createS3Client());
}
