import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { resolveIntrinsics, type IntrinsicContext } from '../wiring/intrinsics.js';
import type { ServerlessConfig } from '../wiring/serverless-config.js';

export const LOCAL_ACCOUNT = '000000000000';

/**
 * The infrastructure stack made real on this machine: its DynamoDB tables in
 * dynalite, its buckets in s3rver, its event buses on the local bus. Returns the
 * stack's exports (Outputs with Export names), evaluated against those resources,
 * which is what services' `Fn::ImportValue` resolve to.
 */
export interface LocalStack {
  exports: Record<string, string>;
  tables: string[];
  buckets: string[];
  buses: string[];
  jobQueues: string[];
  jobDefinitions: string[];
}

type Resource = { Type: string; Properties?: Record<string, unknown> };

export async function provisionInfrastructure(
  config: ServerlessConfig,
  clients: { dynamodb: DynamoDBClient; s3: S3Client },
  region: string,
  stage: string,
): Promise<LocalStack> {
  const resourcesBlock = (config.raw['resources'] ?? {}) as Record<string, unknown>;
  const resources = (resourcesBlock['Resources'] ?? {}) as Record<string, Resource>;
  const outputs = (resourcesBlock['Outputs'] ?? {}) as Record<
    string,
    { Value: unknown; Export?: { Name: unknown } }
  >;

  const refs: Record<string, string> = {};
  const arns: Record<string, string> = {};
  const stack: LocalStack = {
    exports: {},
    tables: [],
    buckets: [],
    buses: ['default'],
    jobQueues: [],
    jobDefinitions: [],
  };
  const ctx: IntrinsicContext = {
    region,
    accountId: LOCAL_ACCOUNT,
    imports: {},
    ref: (id) => refs[id] ?? (resources[id] ? id : undefined),
    getAtt: (id, attr) =>
      attr === 'Arn'
        ? (arns[id] ?? `arn:aws:local:${region}:${LOCAL_ACCOUNT}:${id}`)
        : `${refs[id] ?? id}-${attr}`,
    condition: () => false,
  };

  for (const [id, resource] of Object.entries(resources)) {
    const props = (resolveIntrinsics(resource.Properties ?? {}, ctx) ?? {}) as Record<string, unknown>;
    if (resource.Type === 'AWS::DynamoDB::Table') {
      const name = String(props['TableName'] ?? `${config.service}-${id}`);
      refs[id] = name;
      arns[id] = `arn:aws:dynamodb:${region}:${LOCAL_ACCOUNT}:table/${name}`;
      await ensureTable(clients.dynamodb, name, props);
      stack.tables.push(name);
    } else if (resource.Type === 'AWS::S3::Bucket') {
      const name = String(props['BucketName'] ?? `${config.service}-${stage}-${id}`.toLowerCase());
      refs[id] = name;
      arns[id] = `arn:aws:s3:::${name}`;
      await clients.s3.send(new CreateBucketCommand({ Bucket: name })).catch((err: Error) => {
        if (!/BucketAlready/.test(err.name)) throw err;
      });
      stack.buckets.push(name);
    } else if (resource.Type === 'AWS::Events::EventBus') {
      const name = String(props['Name'] ?? id);
      refs[id] = name;
      arns[id] = `arn:aws:events:${region}:${LOCAL_ACCOUNT}:event-bus/${name}`;
      stack.buses.push(name);
    } else if (resource.Type === 'AWS::Batch::JobQueue' || resource.Type === 'AWS::Batch::JobDefinition') {
      // Served by the local Batch emulator, which accepts these names.
      const queue = resource.Type === 'AWS::Batch::JobQueue';
      const name = String(
        props[queue ? 'JobQueueName' : 'JobDefinitionName'] ?? `${config.service}-${stage}-${id}`,
      );
      refs[id] = name;
      arns[id] =
        `arn:aws:batch:${region}:${LOCAL_ACCOUNT}:${queue ? 'job-queue' : 'job-definition'}/${name}${queue ? '' : ':1'}`;
      (queue ? stack.jobQueues : stack.jobDefinitions).push(name);
    } else if (resource.Type === 'AWS::Cognito::UserPool') {
      // Locally, tokens come from local/auth; the pool is only named.
      refs[id] = `${region}_local`;
      arns[id] = `arn:aws:cognito-idp:${region}:${LOCAL_ACCOUNT}:userpool/${refs[id]}`;
    } else if (resource.Type === 'AWS::Cognito::UserPoolClient') {
      refs[id] = 'gcr-local-client';
    }
  }

  // Anything else (roles, log groups, repositories, compute environments) exists only by name locally.
  for (const [id, resource] of Object.entries(resources)) {
    if (refs[id] !== undefined) continue;
    const props = resource.Properties ?? {};
    const nameKey = Object.keys(props).find((k) => k.endsWith('Name') && typeof props[k] === 'string');
    refs[id] = nameKey ? String(props[nameKey]) : `${config.service}-${stage}-${id}`;
    arns[id] =
      `arn:aws:local:${region}:${LOCAL_ACCOUNT}:${resource.Type.split('::')[1]?.toLowerCase()}/${refs[id]}`;
  }

  for (const [id, output] of Object.entries(outputs)) {
    if (!output.Export) continue;
    const name = String(resolveIntrinsics(output.Export.Name, ctx));
    try {
      stack.exports[name] = String(resolveIntrinsics(output.Value, ctx));
    } catch (err) {
      throw new Error(`output ${id} of ${config.file}: ${(err as Error).message}`);
    }
  }
  return stack;
}

/** Intrinsics for a service's resources outside the platform (benchmarks): no imports, no other resources. */
export function standaloneIntrinsics(region: string): IntrinsicContext {
  return {
    region,
    accountId: LOCAL_ACCOUNT,
    imports: {},
    ref: () => undefined,
    getAtt: () => undefined,
    condition: () => false,
  };
}

/**
 * A service's own tables (AWS::DynamoDB::Table in its serverless.yml, e.g. the
 * notifier's and the cost tracker's), created like the infrastructure's; by resource id, their
 * names and ARNs for the service's `Ref` and `Fn::GetAtt`.
 */
export async function provisionServiceTables(
  resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>,
  ctx: IntrinsicContext,
  client: DynamoDBClient,
  region: string,
): Promise<Map<string, { name: string; arn: string }>> {
  const tables = new Map<string, { name: string; arn: string }>();
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::DynamoDB::Table') continue;
    const props = (resolveIntrinsics(resource.Properties ?? {}, ctx) ?? {}) as Record<string, unknown>;
    const name = String(props['TableName'] ?? id);
    await ensureTable(client, name, props);
    tables.set(id, { name, arn: `arn:aws:dynamodb:${region}:${LOCAL_ACCOUNT}:table/${name}` });
  }
  return tables;
}

/** Creates the table with its keys and GSIs; CloudFormation-only settings (SSE, PITR) do not apply locally. */
async function ensureTable(
  client: DynamoDBClient,
  name: string,
  props: Record<string, unknown>,
): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException) && (err as Error).name !== 'ResourceNotFoundException')
      throw err;
  }
  await client.send(new CreateTableCommand(createTableInput(name, props)));
}

/** CreateTable's input from an `AWS::DynamoDB::Table`'s properties: its keys and GSIs, on demand. */
export function createTableInput(name: string, props: Record<string, unknown>): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: props['AttributeDefinitions'] as CreateTableCommandInput['AttributeDefinitions'],
    KeySchema: props['KeySchema'] as CreateTableCommandInput['KeySchema'],
    GlobalSecondaryIndexes: props[
      'GlobalSecondaryIndexes'
    ] as CreateTableCommandInput['GlobalSecondaryIndexes'],
  };
}
