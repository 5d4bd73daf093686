import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import dynalite from 'dynalite';
import { provisionInfrastructure } from './local-resources.js';
import { loadServerlessConfig } from '../wiring/serverless-config.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A dynalite server (in memory) with the tables of the infrastructure stack,
 * created from the root serverless.yml exactly as the local platform does.
 */
export async function startLocalDynamo(): Promise<{
  documentClient: DynamoDBDocumentClient;
  tableName: string;
  endpoint: string;
  stop: () => Promise<void>;
}> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials });
  const config = loadServerlessConfig(path.join(repoRoot, 'serverless.yml'), {
    stage: 'test',
    region: 'us-east-1',
  });
  const stack = await provisionInfrastructure(
    config,
    // No bucket is created through this stub: the tests here need DynamoDB only.
    { dynamodb: client, s3: { send: async () => ({}) } as unknown as S3Client },
    'us-east-1',
    'test',
  );
  const tableName = stack.tables[0]!;
  return {
    documentClient: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName,
    endpoint,
    stop: async () => {
      // dynalite may still be writing index entries of the last request: let it finish.
      await new Promise((resolve) => setTimeout(resolve, 300));
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
