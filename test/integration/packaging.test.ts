import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Reads the CloudFormation that `osls package` produces for the infrastructure
 * stack and the submission service, and checks the properties the platform
 * relies on (index keys, exports) and the security baseline (encryption, no
 * public bucket, TLS only, least-privilege per-function IAM).
 *
 * If a packaged template is missing or older than its serverless.yml, the
 * stacks are packaged first with scripts/package-all.sh (offline, no AWS
 * credentials needed), so `npm test` alone is enough.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STAGE = 'ci';
const TEMPLATE = path.join('.serverless', 'cloudformation-template-update-stack.json');

const stacks = {
  root: repoRoot,
  submission: path.join(repoRoot, 'services', 'submission'),
} as const;

// ------------------------------------------------------------------ helpers

type Dict = Record<string, unknown>;

interface Resource {
  Type: string;
  Properties?: Dict;
  DependsOn?: string | string[];
}

interface Output {
  Value: unknown;
  Export?: { Name: unknown };
}

interface Template {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, Output>;
}

interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: unknown;
  Condition?: Dict;
}

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function isStale(stackDir: string): boolean {
  const template = path.join(stackDir, TEMPLATE);
  if (!existsSync(template)) return true;
  return statSync(template).mtimeMs < statSync(path.join(stackDir, 'serverless.yml')).mtimeMs;
}

function packageAllStacks(): void {
  try {
    execFileSync('bash', [path.join(repoRoot, 'scripts', 'package-all.sh')], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: 'pipe',
      timeout: 280_000,
    });
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`scripts/package-all.sh failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

function loadTemplate(stackDir: string): Template {
  return JSON.parse(readFileSync(path.join(stackDir, TEMPLATE), 'utf8')) as Template;
}

function resource(template: Template, logicalId: string): Resource {
  const found = template.Resources[logicalId];
  if (!found) throw new Error(`resource ${logicalId} is not in the template`);
  return found;
}

function props(template: Template, logicalId: string): Dict {
  return resource(template, logicalId).Properties ?? {};
}

function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** Every policy statement in IAM roles (inline and assume-role), inline policies and managed policies. */
function iamStatements(template: Template): { where: string; statement: Statement }[] {
  const found: { where: string; statement: Statement }[] = [];
  const addDocument = (where: string, document: unknown): void => {
    if (!isDict(document)) return;
    for (const statement of asArray(document['Statement'] as Statement | Statement[] | undefined)) {
      found.push({ where, statement });
    }
  };
  for (const [id, r] of Object.entries(template.Resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::IAM::Role') {
      addDocument(`${id}.AssumeRolePolicyDocument`, p['AssumeRolePolicyDocument']);
      for (const [i, policy] of asArray(p['Policies'] as Dict[] | undefined).entries()) {
        addDocument(`${id}.Policies[${i}]`, policy['PolicyDocument']);
      }
    } else if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') {
      addDocument(`${id}.PolicyDocument`, p['PolicyDocument']);
    }
  }
  return found;
}

function isWildcardAction(action: string): boolean {
  return action.trim() === '*' || /^[A-Za-z0-9-]+:\*$/.test(action.trim());
}

/** The logical id of the role a function runs with (`Role: { Fn::GetAtt: [Role, Arn] }`). */
function roleOf(template: Template, functionId: string): string {
  const role = props(template, functionId)['Role'];
  if (isDict(role) && Array.isArray(role['Fn::GetAtt'])) return String(role['Fn::GetAtt'][0]);
  throw new Error(`${functionId} has no Role of the form Fn::GetAtt [<Role>, Arn]: ${JSON.stringify(role)}`);
}

/** Allowed actions of a role's inline policies, except its own CloudWatch Logs statements. */
function allowedNonLogActions(template: Template, roleId: string): string[] {
  const actions = new Set<string>();
  for (const policy of asArray(props(template, roleId)['Policies'] as Dict[] | undefined)) {
    const document = policy['PolicyDocument'];
    if (!isDict(document)) continue;
    for (const statement of asArray(document['Statement'] as Statement | Statement[] | undefined)) {
      if (statement.Effect !== 'Allow') continue;
      for (const action of asArray(statement.Action)) if (!action.startsWith('logs:')) actions.add(action);
    }
  }
  return [...actions].sort();
}

/** All values of a given intrinsic (e.g. every `Fn::ImportValue` argument) anywhere in a value. */
function intrinsicArguments(value: unknown, intrinsic: string): unknown[] {
  if (Array.isArray(value)) return value.flatMap((v) => intrinsicArguments(v, intrinsic));
  if (!isDict(value)) return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === intrinsic ? [v, ...intrinsicArguments(v, intrinsic)] : intrinsicArguments(v, intrinsic),
  );
}

interface Gsi {
  IndexName: string;
  KeySchema: { AttributeName: string; KeyType: string }[];
  Projection: { ProjectionType: string };
}

function gsi(template: Template, name: string): Gsi {
  const indexes = (props(template, 'SimulationsTable')['GlobalSecondaryIndexes'] ?? []) as Gsi[];
  const index = indexes.find((i) => i.IndexName === name);
  if (!index) throw new Error(`SimulationsTable has no GSI ${name}`);
  return index;
}

function attributeType(template: Template, attribute: string): string | undefined {
  const definitions = (props(template, 'SimulationsTable')['AttributeDefinitions'] ?? []) as {
    AttributeName: string;
    AttributeType: string;
  }[];
  return definitions.find((d) => d.AttributeName === attribute)?.AttributeType;
}

function keySchema(template: Template, index: Gsi): string[] {
  return index.KeySchema.map(
    (k) => `${k.KeyType} ${k.AttributeName} ${attributeType(template, k.AttributeName)}`,
  );
}

// -------------------------------------------------------------------- tests

let root: Template;
let submission: Template;

beforeAll(() => {
  if (Object.values(stacks).some(isStale)) packageAllStacks();
  root = loadTemplate(stacks.root);
  submission = loadTemplate(stacks.submission);
}, 300_000);

describe('infrastructure stack (packaged serverless.yml)', () => {
  it('keys the simulations table by id (S)', () => {
    const table = props(root, 'SimulationsTable');
    expect(table['KeySchema']).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(attributeType(root, 'id')).toBe('S');
    expect(table['BillingMode']).toBe('PAY_PER_REQUEST');
  });

  it('has the StatusIndex GSI keyed statusShard (S) / nextPollAt (N), projecting ALL', () => {
    const index = gsi(root, 'StatusIndex');
    expect(keySchema(root, index)).toEqual(['HASH statusShard S', 'RANGE nextPollAt N']);
    expect(index.Projection.ProjectionType).toBe('ALL');
  });

  it('has the OwnerIndex GSI keyed owner (S) / createdKey (S), projecting ALL', () => {
    const index = gsi(root, 'OwnerIndex');
    expect(keySchema(root, index)).toEqual(['HASH owner S', 'RANGE createdKey S']);
    expect(index.Projection.ProjectionType).toBe('ALL');
  });

  it('has the ActiveOwnerIndex GSI keyed activeOwner (S), projecting KEYS_ONLY', () => {
    const index = gsi(root, 'ActiveOwnerIndex');
    expect(keySchema(root, index)).toEqual(['HASH activeOwner S']);
    expect(index.Projection.ProjectionType).toBe('KEYS_ONLY');
  });

  it('encrypts the simulations table with KMS, keeps point-in-time recovery and expires items by expiresAt', () => {
    const table = props(root, 'SimulationsTable');
    expect(table['SSESpecification']).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
    expect(table['PointInTimeRecoverySpecification']).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table['TimeToLiveSpecification']).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('encrypts the results bucket, blocks all public access and enforces bucket-owner object ownership', () => {
    const bucket = props(root, 'ResultsBucket');
    const encryption = bucket['BucketEncryption'] as {
      ServerSideEncryptionConfiguration: { ServerSideEncryptionByDefault: { SSEAlgorithm: string } }[];
    };
    const algorithms = encryption.ServerSideEncryptionConfiguration.map(
      (c) => c.ServerSideEncryptionByDefault.SSEAlgorithm,
    );
    expect(algorithms.length).toBeGreaterThan(0);
    for (const algorithm of algorithms) expect(['aws:kms', 'AES256']).toContain(algorithm);
    expect(bucket['PublicAccessBlockConfiguration']).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket['OwnershipControls']).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(bucket['VersioningConfiguration']).toEqual({ Status: 'Enabled' });
  });

  it('denies every non-TLS request to the results bucket and its objects', () => {
    const policies = resourcesOfType(root, 'AWS::S3::BucketPolicy').filter(
      ([, r]) => JSON.stringify(r.Properties?.['Bucket']) === JSON.stringify({ Ref: 'ResultsBucket' }),
    );
    expect(policies).toHaveLength(1);
    const document = policies[0]![1].Properties!['PolicyDocument'] as { Statement: (Statement & Dict)[] };
    const deny = document.Statement.find(
      (s) =>
        s.Effect === 'Deny' &&
        JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
    );
    expect(deny).toBeDefined();
    expect(asArray(deny!.Action)).toContain('s3:*');
    expect(deny!['Principal']).toEqual('*');
    const resources = JSON.stringify(deny!.Resource);
    expect(resources).toContain('"ResultsBucket","Arn"');
    expect(resources).toContain('/*');
  });

  it('ages results: aborts stale multipart uploads, tiers outputs, expires noncurrent versions', () => {
    const rules = (props(root, 'ResultsBucket')['LifecycleConfiguration'] as { Rules: Dict[] }).Rules;
    for (const rule of rules) expect(rule['Status']).toBe('Enabled');
    expect(rules).toContainEqual(
      expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({
        Prefix: expect.stringMatching(/^simulations\//),
        Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 30 }],
      }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 90 } }),
    );
  });

  it('has the gcr-<stage> event bus and an archive of it', () => {
    expect(resource(root, 'EventBus').Type).toBe('AWS::Events::EventBus');
    expect(props(root, 'EventBus')['Name']).toBe(`gcr-${STAGE}`);
    const archives = resourcesOfType(root, 'AWS::Events::Archive');
    expect(archives).toHaveLength(1);
    const archive = archives[0]![1].Properties!;
    expect(archive['SourceArn']).toEqual({ 'Fn::GetAtt': ['EventBus', 'Arn'] });
    expect(archive['RetentionDays']).toBeGreaterThan(0);
  });

  it('has a Cognito user pool with email sign-in, an admin group and a secretless SRP client', () => {
    expect(props(root, 'UserPool')['UsernameAttributes']).toEqual(['email']);
    expect(props(root, 'UserPoolAdminGroup')).toMatchObject({
      GroupName: 'admin',
      UserPoolId: { Ref: 'UserPool' },
    });
    const client = props(root, 'UserPoolClient');
    expect(client['GenerateSecret']).toBe(false);
    expect(client['ExplicitAuthFlows']).toEqual(
      expect.arrayContaining(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
    );
  });

  it('exports every name and ARN the services import', () => {
    const exported = Object.values(root.Outputs ?? {}).map((o) => o.Export?.Name);
    for (const name of [
      'SimulationsTableName',
      'SimulationsTableArn',
      'EventBusName',
      'EventBusArn',
      'ResultsBucketName',
      'ResultsBucketArn',
      'UserPoolId',
      'UserPoolClientId',
      'UserPoolIssuerUrl',
    ]) {
      expect(exported).toContain(`gcr-${STAGE}-${name}`);
    }
    const issuer = JSON.stringify(root.Outputs?.['UserPoolIssuerUrl']?.Value);
    expect(issuer).toContain('https://cognito-idp.');
    expect(issuer).toContain('AWS::Region');
    expect(issuer).toContain('"Ref":"UserPool"');
  });

  it('exports every name the submission service imports with Fn::ImportValue', () => {
    const exported = new Set(Object.values(root.Outputs ?? {}).map((o) => o.Export?.Name));
    const imported = intrinsicArguments(submission.Resources, 'Fn::ImportValue');
    expect(imported.length).toBeGreaterThan(0);
    for (const name of imported) expect(exported).toContain(name);
  });
});

describe('submission service (packaged services/submission/serverless.yml)', () => {
  const functionRoles = (): [string, string][] =>
    resourcesOfType(submission, 'AWS::Lambda::Function').map(([id]) => [id, roleOf(submission, id)]);

  it('gives each function its own IAM role', () => {
    const roles = functionRoles();
    expect(roles.map(([id]) => id).sort()).toEqual(
      [
        'CancelSimulationLambdaFunction',
        'CreateSimulationLambdaFunction',
        'GetSimulationLambdaFunction',
        'HealthLambdaFunction',
        'ListSimulationsLambdaFunction',
      ].sort(),
    );
    const roleIds = roles.map(([, role]) => role);
    expect(new Set(roleIds).size).toBe(roleIds.length);
    for (const role of roleIds) expect(resource(submission, role).Type).toBe('AWS::IAM::Role');
  });

  it('grants each function only the table and bus actions it calls', () => {
    const granted = Object.fromEntries(
      functionRoles().map(([id, role]) => [
        id.replace(/LambdaFunction$/, ''),
        allowedNonLogActions(submission, role),
      ]),
    );
    expect(granted).toEqual({
      CreateSimulation: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'events:PutEvents'],
      ListSimulations: ['dynamodb:Query', 'dynamodb:Scan'],
      GetSimulation: ['dynamodb:GetItem'],
      CancelSimulation: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'events:PutEvents'],
      Health: [],
    });
  });

  it('scopes table queries to the indexes the functions use', () => {
    const policies = (id: string): string =>
      JSON.stringify(props(submission, roleOf(submission, `${id}LambdaFunction`))['Policies']);
    expect(policies('CreateSimulation')).toContain('/index/ActiveOwnerIndex');
    expect(policies('ListSimulations')).toContain('/index/OwnerIndex');
  });
});

describe('IAM across the packaged templates', () => {
  it('has no statement that allows the action * or <service>:*', () => {
    const offending: string[] = [];
    for (const [name, template] of [
      ['root', root],
      ['submission', submission],
    ] as const) {
      const statements = iamStatements(template);
      if (name === 'submission') expect(statements.length).toBeGreaterThan(0);
      for (const { where, statement } of statements) {
        if (statement.Effect !== 'Allow') continue;
        if (statement.NotAction !== undefined) offending.push(`${name}:${where} allows NotAction`);
        for (const action of asArray(statement.Action)) {
          if (isWildcardAction(action)) offending.push(`${name}:${where} allows ${action}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });
});
