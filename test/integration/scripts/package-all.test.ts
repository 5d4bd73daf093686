import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RETRYABLE_EXIT_CODES } from '#shared/kernel/compute/exit-codes.js';
import { FINDER_RUN_ID } from '#shared/kernel/repository/simulations.js';
import { RESERVATION_GRACE_MS } from '#shared/kernel/repository/active-slots.js';

/**
 * Reads the CloudFormation that `osls package` produces for the infrastructure
 * stack and the submission service, and checks the properties the platform
 * relies on (index keys, exports, the AWS Batch compute) and the security
 * baseline (encryption, no public bucket, TLS only, least-privilege IAM). Every
 * other service's imports are checked against the infrastructure's exports.
 *
 * If a packaged template is missing or older than its serverless.yml, the
 * stacks are packaged first with scripts/package-all.sh (offline, no AWS
 * credentials needed), so `npm test` alone is enough.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const STAGE = 'ci';
const TEMPLATE = path.join('.serverless', 'cloudformation-template-update-stack.json');

const stacks = {
  root: repoRoot,
  submission: path.join(repoRoot, 'services', 'submission'),
  web: path.join(repoRoot, 'web'),
} as const;

/** Every service directory with a serverless.yml (scripts/package-all.sh packages them all). */
const serviceDirs = readdirSync(path.join(repoRoot, 'services'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(repoRoot, 'services', d.name, 'serverless.yml')))
  .map((d) => path.join(repoRoot, 'services', d.name));

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
  Parameters?: Record<string, Dict>;
  Conditions?: Dict;
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

/**
 * A value as the ARN (or other string) it builds, with intrinsics shown as
 * placeholders: `{Ref AWS.Partition}`, `{Import gcr-ci-X}`, `{GetAtt Q.Arn}`.
 */
function rendered(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(rendered).join(',');
  if (!isDict(value)) return String(value);
  // Pseudo parameters lose their `::`, so that an ARN still splits on `:`.
  if ('Ref' in value) return `{Ref ${String(value['Ref']).replace('::', '.')}}`;
  if ('Fn::ImportValue' in value) return `{Import ${rendered(value['Fn::ImportValue'])}}`;
  if ('Fn::GetAtt' in value) return `{GetAtt ${asArray(value['Fn::GetAtt'] as unknown[]).join('.')}}`;
  if ('Fn::Join' in value) {
    const [separator, parts] = value['Fn::Join'] as [string, unknown[]];
    return parts.map(rendered).join(separator);
  }
  return JSON.stringify(value);
}

/** What is wrong with one Allow statement's resources: partition, account, stage, wildcards. */
function resourceProblems(statement: Statement): string[] {
  const problems: string[] = [];
  const actions = asArray(statement.Action);
  for (const resource of asArray(statement.Resource as unknown[]).map(rendered)) {
    if (resource === '*') {
      // Only actions that support no resource-level permission may name every resource.
      const scoped = actions.filter((a) => !ACTIONS_WITHOUT_RESOURCE_TYPES.has(a));
      if (scoped.length > 0) problems.push(`${scoped.join(', ')} on *`);
      continue;
    }
    if (!resource.startsWith('arn:')) continue;
    const [, partition, , region, account] = resource.split(':');
    if (partition !== '{Ref AWS.Partition}') problems.push(`hard-coded partition in ${resource}`);
    if (region === '*' || account === '*') problems.push(`any region or account in ${resource}`);
    // A stage's own resources are named gcr-<stage>-<name>: never a pattern over the stage.
    if (new RegExp(`gcr-${STAGE}-?\\*`).test(resource)) problems.push(`stage pattern in ${resource}`);
  }
  return problems;
}

/** Actions the services call that support no resource-level permissions (Service Authorization Reference). */
const ACTIONS_WITHOUT_RESOURCE_TYPES = new Set([
  'batch:DescribeJobs',
  'batch:ListJobs',
  'ec2:DescribeInstances',
  'ec2:DescribeSpotPriceHistory',
]);

// -------------------------------------------------------------------- tests

let root: Template;
let submission: Template;

beforeAll(() => {
  if ([...Object.values(stacks), ...serviceDirs].some(isStale)) packageAllStacks();
  root = loadTemplate(stacks.root);
  submission = loadTemplate(stacks.submission);
}, 300_000);

describe("the web console's stack (packaged web/serverless.yml)", () => {
  let web: Template;
  beforeAll(() => {
    web = loadTemplate(stacks.web);
  });

  it('keeps the bucket private: all public access blocked, owner-enforced, encrypted, TLS only', () => {
    expect(props(web, 'ConsoleBucket')).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(JSON.stringify(props(web, 'ConsoleBucketPolicy'))).toContain('"aws:SecureTransport":"false"');
  });

  it('serves it through CloudFront with origin access control: only this distribution reads the bucket', () => {
    expect(props(web, 'ConsoleOriginAccessControl')['OriginAccessControlConfig']).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const config = props(web, 'ConsoleDistribution')['DistributionConfig'] as Dict;
    const [origin] = config['Origins'] as Dict[];
    expect(origin!['OriginAccessControlId']).toEqual({ 'Fn::GetAtt': ['ConsoleOriginAccessControl', 'Id'] });
    expect(origin!['S3OriginConfig']).toEqual({ OriginAccessIdentity: '' });
    const read = (
      props(web, 'ConsoleBucketPolicy')['PolicyDocument'] as { Statement: Statement[] }
    ).Statement.find((statement) => statement.Effect === 'Allow')!;
    expect(read).toMatchObject({
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
    });
    expect(JSON.stringify(read.Condition)).toContain('ConsoleDistribution');
  });

  it('sets the security headers, routes pages to index.html, and redirects to HTTPS', () => {
    const headers = (props(web, 'ConsoleSecurityHeaders')['ResponseHeadersPolicyConfig'] as Dict)[
      'SecurityHeadersConfig'
    ] as Record<string, Dict>;
    const csp = String(headers['ContentSecurityPolicy']!['ContentSecurityPolicy']);
    expect(csp).toMatch(/connect-src 'self' \S+ \S+/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(headers['StrictTransportSecurity']).toMatchObject({ IncludeSubdomains: true, Override: true });
    expect(headers['ContentTypeOptions']).toEqual({ Override: true });
    expect(headers['ReferrerPolicy']).toMatchObject({ ReferrerPolicy: 'strict-origin-when-cross-origin' });
    const behavior = (props(web, 'ConsoleDistribution')['DistributionConfig'] as Dict)[
      'DefaultCacheBehavior'
    ] as Dict;
    expect(behavior['ViewerProtocolPolicy']).toBe('redirect-to-https');
    expect(behavior['ResponseHeadersPolicyId']).toEqual({ Ref: 'ConsoleSecurityHeaders' });
    expect(JSON.stringify(behavior['FunctionAssociations'])).toContain('SpaRoutingFunction');
    expect(String(props(web, 'SpaRoutingFunction')['FunctionCode'])).toContain("'/index.html'");
    expect(Object.keys(web.Outputs ?? {})).toEqual(
      expect.arrayContaining(['ConsoleUrl', 'ConsoleBucketName', 'ConsoleDistributionId']),
    );
  });

  it("has a public PKCE web client in the user pool whose id is an audience of the API's authorizer", () => {
    const root = loadTemplate(stacks.root);
    expect(props(root, 'WebClient')).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      EnableTokenRevocation: true,
    });
    const audience = (props(root, 'HttpApiAuthorizer')['JwtConfiguration'] as Dict)['Audience'];
    expect(audience).toEqual(expect.arrayContaining([{ Ref: 'WebClient' }]));
  });
});

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

  it('has a hosted UI domain and a public PKCE client for gcr login on the loopback callback, exported for gcr configure and the authorizers', () => {
    expect(props(root, 'UserPoolDomain')).toMatchObject({
      UserPoolId: { Ref: 'UserPool' },
      ManagedLoginVersion: 1,
    });
    const cli = props(root, 'CliClient');
    expect(cli).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: ['http://localhost:8765/callback', 'http://127.0.0.1:8765/callback'],
      EnableTokenRevocation: true,
      RefreshTokenValidity: 30,
    });
    const exported = Object.values(root.Outputs ?? {}).map((o) => o.Export?.Name);
    expect(exported).toEqual(
      expect.arrayContaining([`gcr-${STAGE}-UserPoolDomain`, `gcr-${STAGE}-CliClientId`]),
    );
    expect(JSON.stringify(root.Outputs?.['UserPoolDomain']?.Value)).toContain('.amazoncognito.com');
    for (const dir of serviceDirs) {
      const imported = intrinsicArguments(loadTemplate(dir), 'Fn::ImportValue');
      if (imported.includes(`gcr-${STAGE}-UserPoolClientId`)) {
        expect({ dir, imports: imported }).toEqual({
          dir,
          imports: expect.arrayContaining([`gcr-${STAGE}-CliClientId`]),
        });
      }
    }
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
      'JobQueueArm64Spot',
      'JobQueueArm64OnDemand',
      'JobQueueX8664Spot',
      'JobQueueX8664OnDemand',
      'JobQueueArm64SpotArn',
      'JobQueueArm64OnDemandArn',
      'JobQueueX8664SpotArn',
      'JobQueueX8664OnDemandArn',
      'JobDefinitionArm64',
      'JobDefinitionX8664',
      'BatchLogGroupName',
      'GcClassicRepositoryUri',
      'JobQueueArm64Multinode',
      'JobQueueX8664Multinode',
      'JobDefinitionGchpArm64',
      'JobDefinitionGchpX8664',
      'GchpRepositoryUri',
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

  it('exports every name any service imports with Fn::ImportValue', () => {
    const exported = new Set(Object.values(root.Outputs ?? {}).map((o) => o.Export?.Name));
    const missing: string[] = [];
    for (const dir of serviceDirs) {
      const template = loadTemplate(dir);
      for (const name of intrinsicArguments(template, 'Fn::ImportValue')) {
        if (!exported.has(name)) missing.push(`${path.basename(dir)} imports ${JSON.stringify(name)}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

// ---------------------------------------------------------------- AWS Batch

const BATCH_COMPUTE = {
  BatchComputeEnvArm64Spot: { arch: 'arm64', purchase: 'spot' },
  BatchComputeEnvArm64OnDemand: { arch: 'arm64', purchase: 'on-demand' },
  BatchComputeEnvX8664Spot: { arch: 'x86_64', purchase: 'spot' },
  BatchComputeEnvX8664OnDemand: { arch: 'x86_64', purchase: 'on-demand' },
} as const;

/** The reasons Batch supports in jobStateTimeLimitActions (Batch User Guide, "jobStateTimeLimitActions"). */
const TIME_LIMIT_REASONS = [
  'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY',
  'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE',
  'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT',
  'MISCONFIGURATION:EC2_INSTANCE_CONFIGURATION_UNSUPPORTED',
];

/** `Fn::If: [HasBatchNetwork, {Ref: <parameter>}, []]`: the parameter a network property takes on AWS. */
function networkParameter(value: unknown): string | undefined {
  if (!isDict(value) || !Array.isArray(value['Fn::If'])) return undefined;
  const [condition, whenTrue] = value['Fn::If'] as [unknown, unknown];
  if (condition !== 'HasBatchNetwork' || !isDict(whenTrue)) return undefined;
  return typeof whenTrue['Ref'] === 'string' ? whenTrue['Ref'] : undefined;
}

/** An instance family's processor: Graviton families end in `g` (c7g, m7g, r7g, c7gn...). */
function isGravitonFamily(instanceType: string): boolean {
  return /^[a-z]+\d+g[a-z]*(\.|$)/.test(instanceType);
}

describe('AWS Batch in the infrastructure stack (packaged serverless.yml)', () => {
  it('has the four managed compute environments: spot and on-demand, arm64 and x86_64, scaling from 0 vCPUs', () => {
    const environments = resourcesOfType(root, 'AWS::Batch::ComputeEnvironment')
      .map(([id]) => id)
      .filter((id) => !id.endsWith('Multinode'));
    expect(environments.sort()).toEqual(Object.keys(BATCH_COMPUTE).sort());
    for (const [id, { arch, purchase }] of Object.entries(BATCH_COMPUTE)) {
      const environment = props(root, id);
      const compute = environment['ComputeResources'] as Dict;
      expect(environment['Type']).toBe('MANAGED');
      expect(environment['State']).toBe('ENABLED');
      // No ServiceRole: the Batch service-linked role.
      expect(environment).not.toHaveProperty('ServiceRole');
      expect(compute['MinvCpus']).toBe(0);
      expect(Number(compute['MaxvCpus'])).toBeGreaterThan(0);
      if (purchase === 'spot') {
        expect(compute).toMatchObject({ Type: 'SPOT', AllocationStrategy: 'SPOT_PRICE_CAPACITY_OPTIMIZED' });
      } else {
        expect(compute).toMatchObject({ Type: 'EC2', AllocationStrategy: 'BEST_FIT_PROGRESSIVE' });
      }
      const types = compute['InstanceTypes'] as string[];
      expect(types.length).toBeGreaterThan(0);
      for (const type of types)
        expect([id, type, isGravitonFamily(type)]).toEqual([id, type, arch === 'arm64']);
      expect(compute['Ec2Configuration']).toEqual([{ ImageType: 'ECS_AL2023' }]);
      expect(compute['InstanceRole']).toEqual({ Ref: 'BatchInstanceProfile' });
      expect(networkParameter(compute['Subnets'])).toBe('BatchSubnetIds');
      expect(networkParameter(compute['SecurityGroupIds'])).toBe('BatchSecurityGroupIds');
    }
  });

  it('takes the Batch network as required, account-checked CloudFormation parameters', () => {
    expect(root.Parameters?.['BatchSubnetIds']).toMatchObject({ Type: 'List<AWS::EC2::Subnet::Id>' });
    expect(root.Parameters?.['BatchSecurityGroupIds']).toMatchObject({
      Type: 'List<AWS::EC2::SecurityGroup::Id>',
    });
    expect(root.Parameters?.['BatchVpcId']).toMatchObject({ Type: 'AWS::EC2::VPC::Id' });
    for (const parameter of Object.values(root.Parameters ?? {}))
      expect(parameter).not.toHaveProperty('Default');
    expect(JSON.stringify(root.Conditions?.['HasBatchNetwork'])).toContain('"Ref":"BatchSubnetIds"');
  });

  it("the compute environments share an all-traffic self rule: code in one job can reach other users' GCHP nodes (now only GCHP nodes carry it, in a group of their own)", () => {
    // EFA needs a group admitting all traffic from itself: the stack makes it, in the Batch VPC.
    const group = props(root, 'GchpEfaSecurityGroup');
    expect(group['VpcId']).toEqual({ 'Fn::If': ['HasBatchNetwork', { Ref: 'BatchVpcId' }, 'vpc-00000000'] });
    const selfRule = { 'Fn::GetAtt': ['GchpEfaSecurityGroup', 'GroupId'] };
    expect(resourcesOfType(root, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties)).toEqual([
      expect.objectContaining({ GroupId: selfRule, SourceSecurityGroupId: selfRule, IpProtocol: '-1' }),
    ]);
    // Only the EFA launch template (GCHP's multi-node compute environments) uses it.
    const users = Object.entries(root.Resources ?? {})
      .filter(
        ([id, r]) =>
          !id.startsWith('GchpEfaSecurityGroup') && JSON.stringify(r).includes('GchpEfaSecurityGroup'),
      )
      .map(([id]) => id);
    expect(users).toEqual(['BatchEfaLaunchTemplate']);
    for (const [id] of resourcesOfType(root, 'AWS::Batch::ComputeEnvironment')) {
      const launchTemplate = JSON.stringify((props(root, id)['ComputeResources'] as Dict)['LaunchTemplate']);
      expect([id, launchTemplate.includes('BatchEfaLaunchTemplate')]).toEqual([id, id.endsWith('Multinode')]);
    }
  });

  it('launches instances with an encrypted root volume and IMDSv2 limited to the host', () => {
    const data = props(root, 'BatchLaunchTemplate')['LaunchTemplateData'] as Dict;
    const [device] = data['BlockDeviceMappings'] as { Ebs: Dict }[];
    expect(device!.Ebs).toMatchObject({ Encrypted: true, VolumeType: 'gp3' });
    expect(Number(device!.Ebs['VolumeSize'])).toBeGreaterThanOrEqual(100);
    expect(data['MetadataOptions']).toMatchObject({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
  });

  it('has a job queue per architecture and purchase, each on its compute environment, cancelling jobs stuck RUNNABLE', () => {
    const queues = resourcesOfType(root, 'AWS::Batch::JobQueue');
    expect(queues).toHaveLength(6); // and the two GCHP multinode queues (below)
    const byName = Object.fromEntries(queues.map(([, q]) => [q.Properties!['JobQueueName'], q.Properties!]));
    for (const [environment, { arch, purchase }] of Object.entries(BATCH_COMPUTE)) {
      const queue = byName[`gcr-${STAGE}-${arch}-${purchase}`];
      expect(queue).toBeDefined();
      expect(queue!['ComputeEnvironmentOrder']).toEqual([
        { Order: 1, ComputeEnvironment: { Ref: environment } },
      ]);
      const actions = queue!['JobStateTimeLimitActions'] as Dict[];
      expect(actions.map((a) => a['Reason'])).toEqual(
        expect.arrayContaining([
          'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT',
          'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY',
        ]),
      );
      for (const action of actions) {
        expect(action).toMatchObject({ State: 'RUNNABLE', Action: 'CANCEL' });
        expect(TIME_LIMIT_REASONS).toContain(action['Reason']);
        expect(action['MaxTimeSeconds']).toBeGreaterThanOrEqual(600);
        expect(action['MaxTimeSeconds']).toBeLessThanOrEqual(86_400);
      }
    }
  });

  it('has a GC Classic job definition per architecture: EC2 container, stack image, awslogs, job and execution roles, spot retries', () => {
    const definitions = resourcesOfType(root, 'AWS::Batch::JobDefinition').filter(
      ([, d]) => d.Properties!['Type'] === 'container',
    );
    expect(definitions.map(([, d]) => d.Properties!['JobDefinitionName']).sort()).toEqual([
      `gcr-${STAGE}-gcclassic-arm64`,
      `gcr-${STAGE}-gcclassic-x86_64`,
    ]);
    for (const [, definition] of definitions) {
      const p = definition.Properties!;
      expect(p).toMatchObject({ Type: 'container', PlatformCapabilities: ['EC2'], PropagateTags: true });
      expect(p['RetryStrategy']).toEqual({
        Attempts: expect.any(Number),
        EvaluateOnExit: [
          { OnStatusReason: 'Host EC2*', Action: 'RETRY' },
          ...RETRYABLE_EXIT_CODES.map((code) => ({ OnExitCode: String(code), Action: 'RETRY' })),
          { OnReason: '*', Action: 'EXIT' },
        ],
      });
      const container = p['ContainerProperties'] as Dict;
      expect(JSON.stringify(container['Image'])).toContain('"GcClassicRepository","RepositoryUri"');
      expect(container['LogConfiguration']).toEqual({
        LogDriver: 'awslogs',
        Options: {
          'awslogs-group': { Ref: 'BatchLogGroup' },
          'awslogs-region': { Ref: 'AWS::Region' },
          'awslogs-stream-prefix': 'gcclassic',
        },
      });
      expect(JSON.stringify(container['JobRoleArn'])).toContain('{"Ref":"BatchJobRole"}');
      expect(JSON.stringify(container['ExecutionRoleArn'])).toContain('{"Ref":"BatchExecutionRole"}');
      const resources = container['ResourceRequirements'] as { Type: string; Value: string }[];
      expect(resources.map((r) => r.Type).sort()).toEqual(['MEMORY', 'VCPU']);
    }
    expect(props(root, 'BatchLogGroup')).toMatchObject({ LogGroupName: `/aws/batch/gcr-${STAGE}` });
    expect(props(root, 'BatchLogGroup')['RetentionInDays']).toBeGreaterThan(0);
    expect(props(root, 'GcClassicRepository')).toMatchObject({
      RepositoryName: `gcr-${STAGE}-gcclassic`,
      ImageScanningConfiguration: { ScanOnPush: true },
    });
  });

  it('runs GCHP as multi-node parallel jobs: on-demand EFA compute environments in a cluster placement group, a multinode queue and job definition per architecture', () => {
    expect(props(root, 'GchpPlacementGroup')).toEqual({ Strategy: 'cluster' });
    const launch = props(root, 'BatchEfaLaunchTemplate')['LaunchTemplateData'] as Dict;
    const [efa] = launch['NetworkInterfaces'] as Dict[];
    expect(efa).toMatchObject({ DeviceIndex: 0, InterfaceType: 'efa' });
    expect(efa!['Groups']).toEqual({
      'Fn::If': [
        'HasBatchNetwork',
        {
          'Fn::Split': [
            ',',
            {
              'Fn::Join': [
                ',',
                [
                  { 'Fn::Join': [',', { Ref: 'BatchSecurityGroupIds' }] },
                  { 'Fn::GetAtt': ['GchpEfaSecurityGroup', 'GroupId'] },
                ],
              ],
            },
          ],
        },
        [],
      ],
    });
    expect(launch['MetadataOptions']).toMatchObject({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    const queues = Object.fromEntries(
      resourcesOfType(root, 'AWS::Batch::JobQueue').map(([, q]) => [
        q.Properties!['JobQueueName'],
        q.Properties!,
      ]),
    );
    for (const [arch, id, instanceType] of [
      ['arm64', 'Arm64', 'hpc7g.16xlarge'],
      ['x86_64', 'X8664', 'c5n.18xlarge'],
    ] as const) {
      const compute = props(root, `BatchComputeEnv${id}Multinode`)['ComputeResources'] as Dict;
      // Multi-node parallel jobs do not run on Spot.
      expect(compute).toMatchObject({
        Type: 'EC2',
        MinvCpus: 0,
        PlacementGroup: { Ref: 'GchpPlacementGroup' },
      });
      expect(compute['LaunchTemplate']).toMatchObject({
        LaunchTemplateId: { Ref: 'BatchEfaLaunchTemplate' },
      });
      expect(compute).not.toHaveProperty('SecurityGroupIds');
      expect(compute['InstanceTypes']).toContain(instanceType);
      for (const type of compute['InstanceTypes'] as string[])
        expect(isGravitonFamily(type)).toBe(arch === 'arm64');
      expect(queues[`gcr-${STAGE}-${arch}-multinode`]!['ComputeEnvironmentOrder']).toEqual([
        { Order: 1, ComputeEnvironment: { Ref: `BatchComputeEnv${id}Multinode` } },
      ]);
      const definition = props(root, `GchpJobDefinition${id}`);
      expect(definition).toMatchObject({
        JobDefinitionName: `gcr-${STAGE}-gchp-${arch}`,
        Type: 'multinode',
        PlatformCapabilities: ['EC2'],
        RetryStrategy: {
          EvaluateOnExit: [
            { OnStatusReason: 'Host EC2*', Action: 'RETRY' },
            { OnExitCode: '75', Action: 'RETRY' },
            { OnReason: '*', Action: 'EXIT' },
          ],
        },
      });
      const nodes = definition['NodeProperties'] as Dict;
      expect(nodes).toMatchObject({ MainNode: 0, NumNodes: 2 });
      const [range] = nodes['NodeRangeProperties'] as Dict[];
      expect(range!['TargetNodes']).toBe('0:');
      const container = range!['Container'] as Dict;
      expect(container['InstanceType']).toBe(instanceType);
      expect(JSON.stringify(container['Image'])).toContain('"GchpRepository","RepositoryUri"');
    }
  });

  it("limits the job role to reading and writing objects under simulations/ in the results bucket, and reading an ensemble array's members files", () => {
    const role = props(root, 'BatchJobRole');
    expect(JSON.stringify(role['AssumeRolePolicyDocument'])).toContain('ecs-tasks.amazonaws.com');
    expect(role['ManagedPolicyArns']).toBeUndefined();
    const statements = iamStatements(root).filter(({ where }) => where.startsWith('BatchJobRole.Policies'));
    expect(statements.length).toBeGreaterThan(0);
    const simulationObjects = JSON.stringify({
      'Fn::Join': ['', [{ 'Fn::GetAtt': ['ResultsBucket', 'Arn'] }, '/simulations/*']],
    });
    // An array child reads its member's environment (docs/CAMPAIGNS.md), and nothing else there.
    const arrayMembers = JSON.stringify({
      'Fn::Join': ['', [{ 'Fn::GetAtt': ['ResultsBucket', 'Arn'] }, '/ensembles/*/arrays/*']],
    });
    const granted = new Set<string>();
    for (const { statement } of statements) {
      expect(statement.Effect).toBe('Allow');
      const actions = asArray(statement.Action);
      for (const action of actions) {
        expect(action).toMatch(/^s3:/);
        granted.add(action);
      }
      const resources = asArray(statement.Resource as unknown[]);
      expect(resources.length).toBeGreaterThan(0);
      for (const resource of resources) {
        expect(resource).not.toBe('*');
        if (actions.includes('s3:ListBucket')) {
          // Listing the bucket, only under the prefix.
          expect(resource).toEqual({ 'Fn::GetAtt': ['ResultsBucket', 'Arn'] });
          expect(statement.Condition).toEqual({ StringLike: { 's3:prefix': ['simulations/*'] } });
        } else if (JSON.stringify(resource) === arrayMembers) {
          expect(actions).toEqual(['s3:GetObject']);
        } else {
          expect(JSON.stringify(resource)).toBe(simulationObjects);
        }
      }
    }
    expect([...granted]).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:ListBucket']));
    expect([...granted].filter((a) => /Delete|Acl|Policy|\*/.test(a))).toEqual([]);
  });

  it('gives the instance and execution roles only the AWS-managed ECS policies, and no role an s3 grant on *', () => {
    expect(props(root, 'BatchInstanceRole')['Policies']).toBeUndefined();
    expect(props(root, 'BatchExecutionRole')['Policies']).toBeUndefined();
    expect(JSON.stringify(props(root, 'BatchInstanceRole')['ManagedPolicyArns'])).toContain(
      ':iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role',
    );
    expect(JSON.stringify(props(root, 'BatchExecutionRole')['ManagedPolicyArns'])).toContain(
      ':iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
    );
    expect(props(root, 'BatchInstanceProfile')['Roles']).toEqual([{ Ref: 'BatchInstanceRole' }]);
    for (const { where, statement } of iamStatements(root)) {
      if (statement.Effect !== 'Allow') continue;
      if (!asArray(statement.Action).some((a) => a.startsWith('s3:'))) continue;
      expect([where, asArray(statement.Resource as unknown[])]).not.toEqual([
        where,
        expect.arrayContaining(['*']),
      ]);
    }
  });

  it('exports queue names and revision-less job definition ARNs, which stay the same across updates', () => {
    const value = (key: string): string => JSON.stringify(root.Outputs?.[key]?.Value);
    expect(root.Outputs?.['JobQueueArm64Spot']?.Value).toBe(`gcr-${STAGE}-arm64-spot`);
    expect(root.Outputs?.['JobQueueX8664OnDemand']?.Value).toBe(`gcr-${STAGE}-x86_64-on-demand`);
    expect(value('JobQueueArm64SpotArn')).toContain(`:job-queue/gcr-${STAGE}-arm64-spot`);
    expect(value('JobDefinitionArm64')).toMatch(new RegExp(`:job-definition/gcr-${STAGE}-gcclassic-arm64"`));
    expect(value('JobDefinitionX8664')).toMatch(new RegExp(`:job-definition/gcr-${STAGE}-gcclassic-x86_64"`));
    expect(root.Outputs?.['BatchLogGroupName']?.Value).toBe(`/aws/batch/gcr-${STAGE}`);
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
        'ControlSimulationLambdaFunction',
        'CreateSimulationLambdaFunction',
        'GetSimulationLambdaFunction',
        'GetLogsLambdaFunction',
        'HealthLambdaFunction',
        'ListSimulationsLambdaFunction',
        'PlanSimulationLambdaFunction',
        'EstimateSimulationLambdaFunction',
        'GetInputsLambdaFunction',
        'GetRunDirectoryLambdaFunction',
        'GetRunDirectoryFileLambdaFunction',
        'OpenApiDocumentLambdaFunction',
        'ListSitesLambdaFunction',
        'PutSiteLambdaFunction',
        'DeleteSiteLambdaFunction',
        'CreateSiteCredentialLambdaFunction',
        'RevokeSiteCredentialLambdaFunction',
        'OpenSiteSessionLambdaFunction',
        'GrantSiteTransfersLambdaFunction',
        'ApplySiteReportsLambdaFunction',
        'CreateEnsembleLambdaFunction',
        'CreateEnsembleBatchLambdaFunction',
        'GetEnsembleLambdaFunction',
        'ControlEnsembleLambdaFunction',
        'RetrySimulationLambdaFunction',
        'CreateCampaignLambdaFunction',
        'GetCampaignLambdaFunction',
        'ControlCampaignLambdaFunction',
        'ReleaseStagesLambdaFunction',
        'PurgeLambdaFunction',
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
      CreateSimulation: [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        's3:PutObject',
      ],
      PlanSimulation: ['dynamodb:GetItem'],
      OpenApiDocument: [],
      EstimateSimulation: ['dynamodb:GetItem'],
      GetInputs: ['dynamodb:GetItem'],
      ListSimulations: ['dynamodb:Query', 'dynamodb:Scan'],
      GetSimulation: ['dynamodb:GetItem'],
      GetLogs: ['dynamodb:GetItem'],
      // The stored run directory: its listing, one file (ListBucket: a missing file is a 404, not a 403).
      GetRunDirectory: ['dynamodb:GetItem', 's3:ListBucket'],
      GetRunDirectoryFile: ['dynamodb:GetItem', 's3:GetObject', 's3:ListBucket'],
      CancelSimulation: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'events:PutEvents'],
      // Pause and resume: the transition, its event, and the restarts a resume names (ListBucket on restarts/).
      ControlSimulation: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'events:PutEvents', 's3:ListBucket'],
      Health: [],
      // Slurm sites: the one #sites item of the table.
      ListSites: ['dynamodb:GetItem'],
      // ... and its work queues, made and removed with it (only gcr-<stage>-site-*: the next test).
      PutSite: [
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'sqs:CreateQueue',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:SetQueueAttributes',
      ],
      DeleteSite: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'sqs:DeleteQueue', 'sqs:GetQueueUrl'],
      // A site's agent: its queue and credentials for it, presigned transfers, reports (and their prompt poll).
      OpenSiteSession: ['dynamodb:GetItem', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sts:AssumeRole'],
      GrantSiteTransfers: ['dynamodb:GetItem', 's3:GetObject', 's3:ListBucket', 's3:PutObject'],
      ApplySiteReports: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'events:PutEvents'],
      CreateSiteCredential: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      RevokeSiteCredential: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      // More than 200 members: each batch's members to ensembles/*/creation/*, one message a batch.
      CreateEnsemble: [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'events:PutEvents',
        's3:PutObject',
        'sqs:SendMessage',
      ],
      // A creation batch: its members' run directories and items, the release by the last one.
      CreateEnsembleBatch: [
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        's3:GetObject',
        's3:ListBucket',
        's3:PutObject',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
      ],
      GetEnsemble: ['dynamodb:BatchGetItem', 'dynamodb:GetItem'],
      ControlEnsemble: [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        's3:PutObject',
      ],
      RetrySimulation: [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        's3:PutObject',
      ],
      CreateCampaign: [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        's3:PutObject',
      ],
      GetCampaign: ['dynamodb:BatchGetItem', 'dynamodb:GetItem'],
      // Records deleted only while finished (a conditional DeleteItem), objects under simulations/ and ensembles/.
      Purge: [
        'dynamodb:BatchGetItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        's3:DeleteObject',
        's3:ListBucket',
      ],
      // A resume or a stage's end releases stages: the predecessor's final restart copied into the run directory.
      ControlCampaign: [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        's3:GetObject',
        's3:ListBucket',
        's3:PutObject',
      ],
      ReleaseStages: [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        's3:GetObject',
        's3:ListBucket',
        's3:PutObject',
        // Its queue (the event source mapping's receive).
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
      ],
    });
  });

  it("confines the sites' queue grants to gcr-<stage>-site-*, and the agent role to receiving from them", () => {
    const siteQueueArn = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':sqs:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          `:gcr-${STAGE}-site-*`,
        ],
      ],
    };
    for (const id of ['PutSite', 'DeleteSite', 'OpenSiteSession']) {
      const statements = asArray(
        props(submission, roleOf(submission, `${id}LambdaFunction`))['Policies'] as Dict[],
      )
        .flatMap((policy) => asArray((policy['PolicyDocument'] as Dict)['Statement'] as Statement[]))
        .filter((statement) => asArray(statement.Action).some((action) => action.startsWith('sqs:')));
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) expect(statement.Resource).toEqual([siteQueueArn]);
    }
    const role = props(submission, 'SiteAgentRole');
    expect(role['RoleName']).toBe(`gcr-${STAGE}-site-agent`);
    expect(allowedNonLogActions(submission, 'SiteAgentRole')).toEqual([
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
    ]);
  });

  it('scopes table queries to the indexes the functions use', () => {
    const policies = (id: string): string =>
      JSON.stringify(props(submission, roleOf(submission, `${id}LambdaFunction`))['Policies']);
    expect(policies('CreateSimulation')).toContain('/index/ActiveOwnerIndex');
    expect(policies('ListSimulations')).toContain('/index/OwnerIndex');
  });

  it('ends createSimulation well within the grace period of an active-slot reservation', () => {
    // A reservation whose item has not appeared is only reclaimed after the grace
    // period: the function must never still be running by then.
    const timeout = props(submission, 'CreateSimulationLambdaFunction')['Timeout'] as number;
    expect(timeout * 1000).toBeLessThan(RESERVATION_GRACE_MS / 5);
  });

  it('lets createSimulation write only run directories in the results bucket', () => {
    const policies = JSON.stringify(
      props(submission, roleOf(submission, 'CreateSimulationLambdaFunction'))['Policies'],
    );
    expect(policies).toContain('"/simulations/*/rundir/*"');
    expect(policies).toContain(`gcr-${STAGE}-ResultsBucketArn`);
  });

  it('lets only the logs route read job logs, and only from the Batch log group', () => {
    const policies = (id: string): string =>
      JSON.stringify(props(submission, roleOf(submission, `${id}LambdaFunction`))['Policies']);
    expect(policies('GetLogs')).toContain('logs:GetLogEvents');
    expect(policies('GetLogs')).toContain('BatchLogGroupName');
    expect(policies('GetSimulation')).not.toContain('logs:GetLogEvents');
  });
});

/** Evaluates a condition of literal Fn::Equals / Fn::Not (what the stacks use for stage switches). */
function conditionHolds(template: Template, name: string): boolean {
  const evaluate = (node: unknown): boolean => {
    if (!isDict(node)) throw new Error(`condition ${name}: cannot evaluate ${JSON.stringify(node)}`);
    if ('Fn::Equals' in node) {
      const [a, b] = node['Fn::Equals'] as unknown[];
      if (typeof a !== 'string' || typeof b !== 'string') throw new Error(`condition ${name} is not literal`);
      return a === b;
    }
    if ('Fn::Not' in node) return !evaluate((node['Fn::Not'] as unknown[])[0]);
    if ('Condition' in node) return conditionHolds(template, String(node['Condition']));
    throw new Error(`condition ${name}: cannot evaluate ${JSON.stringify(node)}`);
  };
  return evaluate(template.Conditions?.[name]);
}

/** A property value with its Fn::If resolved for this stage. */
function resolvedIf(template: Template, value: unknown): unknown {
  if (!isDict(value) || !('Fn::If' in value)) return value;
  const [condition, yes, no] = value['Fn::If'] as [string, unknown, unknown];
  return resolvedIf(template, conditionHolds(template, condition) ? yes : no);
}

describe('the Cognito user pool (root serverless.yml)', () => {
  it('offers optional MFA with an authenticator app (TOTP)', () => {
    const pool = props(root, 'UserPool');
    expect(pool['MfaConfiguration']).toBe('OPTIONAL');
    expect(pool['EnabledMfas']).toEqual(['SOFTWARE_TOKEN_MFA']);
  });

  it('enforces threat protection on the Plus feature plan', () => {
    const pool = props(root, 'UserPool');
    expect(pool['UserPoolTier']).toBe('PLUS');
    expect(resolvedIf(root, pool['UserPoolAddOns'])).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
  });

  it('is protected from deletion (on every stage but dev)', () => {
    expect(resolvedIf(root, props(root, 'UserPool')['DeletionProtection'])).toBe('ACTIVE');
    expect(props(root, 'UserPool')['DeletionProtection']).toEqual({
      'Fn::If': ['IsDevStage', 'INACTIVE', 'ACTIVE'],
    });
  });
});

describe('the one HTTP API (root serverless.yml owns it; every service attaches its routes)', () => {
  /**
   * Routes anyone may call: the health check, the OpenAPI document, and the
   * notifier's unsubscribe link (an email's one-click link, RFC 8058: the
   * signature in its query is the credential, a mail client has no token).
   */
  const PUBLIC_ROUTES = new Set([
    'GET /health',
    'GET /openapi.json',
    'GET /unsubscribe',
    'POST /unsubscribe',
    // A Slurm site's agent's routes: its site credential, checked by the handler (docs/SLURM.md).
    'POST /sites/{name}/session',
    'POST /sites/{name}/transfers',
    'POST /sites/{name}/reports',
  ]);
  const apiImport = { 'Fn::ImportValue': `gcr-${STAGE}-HttpApiId` };
  const authorizerImport = { 'Fn::ImportValue': `gcr-${STAGE}-HttpApiAuthorizerId` };

  it('is owned by the infrastructure stack: API, $default stage with auto-deploy, Cognito JWT authorizer, CORS, exports and the base URL', () => {
    expect(resource(root, 'HttpApi').Type).toBe('AWS::ApiGatewayV2::Api');
    expect(props(root, 'HttpApi')['ProtocolType']).toBe('HTTP');
    const cors = props(root, 'HttpApi')['CorsConfiguration'] as Dict;
    // The stage's own origins from custom.cors (CI's stage has none: no browser origin), each a full origin.
    expect(Array.isArray(cors['AllowOrigins'])).toBe(true);
    for (const origin of cors['AllowOrigins'] as string[]) expect(origin).toMatch(/^https?:\/\//);
    expect(cors['ExposeHeaders']).toEqual(expect.arrayContaining(['location', 'retry-after']));
    expect(cors['AllowHeaders']).toEqual(expect.arrayContaining(['authorization', 'content-type']));
    expect(props(root, 'HttpApiStage')).toMatchObject({
      ApiId: { Ref: 'HttpApi' },
      StageName: '$default',
      AutoDeploy: true,
    });
    expect(props(root, 'HttpApiAuthorizer')).toMatchObject({
      ApiId: { Ref: 'HttpApi' },
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
    const jwt = props(root, 'HttpApiAuthorizer')['JwtConfiguration'] as Dict;
    // A list, so that more app clients (the public PKCE client) can be accepted.
    expect(jwt['Audience']).toEqual(expect.arrayContaining([{ Ref: 'UserPoolClient' }]));
    expect(JSON.stringify(jwt['Issuer'])).toContain('{"Ref":"UserPool"}');
    expect(root.Outputs?.['HttpApiId']).toMatchObject({
      Value: { Ref: 'HttpApi' },
      Export: { Name: `gcr-${STAGE}-HttpApiId` },
    });
    expect(root.Outputs?.['HttpApiAuthorizerId']).toMatchObject({
      Value: { Ref: 'HttpApiAuthorizer' },
      Export: { Name: `gcr-${STAGE}-HttpApiAuthorizerId` },
    });
    expect(root.Outputs?.['ApiUrl']).toMatchObject({ Value: { 'Fn::GetAtt': ['HttpApi', 'ApiEndpoint'] } });
  });

  it('throttles every route: the $default stage has a rate and a burst limit', () => {
    expect(props(root, 'HttpApiStage')['DefaultRouteSettings']).toEqual({
      DetailedMetricsEnabled: false,
      ThrottlingRateLimit: 100,
      ThrottlingBurstLimit: 200,
    });
  });

  it('puts every route of every service on that one API, behind the authorizer except the public routes', () => {
    const routes: string[] = [];
    const problems: string[] = [];
    for (const dir of serviceDirs) {
      const name = path.basename(dir);
      const template = loadTemplate(dir);
      for (const type of [
        'AWS::ApiGatewayV2::Api',
        'AWS::ApiGatewayV2::Stage',
        'AWS::ApiGatewayV2::Authorizer',
      ])
        for (const [id] of resourcesOfType(template, type)) problems.push(`${name}: its own ${type} ${id}`);
      for (const type of ['AWS::ApiGatewayV2::Route', 'AWS::ApiGatewayV2::Integration']) {
        for (const [id, r] of resourcesOfType(template, type)) {
          if (JSON.stringify(r.Properties?.['ApiId']) !== JSON.stringify(apiImport))
            problems.push(`${name}:${id} on ${JSON.stringify(r.Properties?.['ApiId'])}`);
        }
      }
      for (const [id, r] of resourcesOfType(template, 'AWS::ApiGatewayV2::Route')) {
        const routeKey = String(r.Properties?.['RouteKey']);
        routes.push(routeKey);
        const authorized =
          r.Properties?.['AuthorizationType'] === 'JWT' &&
          JSON.stringify(r.Properties['AuthorizerId']) === JSON.stringify(authorizerImport);
        if (PUBLIC_ROUTES.has(routeKey) ? r.Properties?.['AuthorizationType'] !== undefined : !authorized)
          problems.push(
            `${name}:${id} (${routeKey}) authorization ${String(r.Properties?.['AuthorizationType'])}`,
          );
      }
    }
    expect(problems).toEqual([]);
    expect(routes).toEqual(
      expect.arrayContaining(['POST /simulations', 'GET /simulations/{id}/results', 'GET /health']),
    );
    expect(new Set(routes).size).toBe(routes.length);
  });

  it("has one 5xx alarm, on the API's $default stage, in the infrastructure stack", () => {
    const fiveXx = [
      ['root', root] as const,
      ...serviceDirs.map((dir) => [path.basename(dir), loadTemplate(dir)] as const),
    ].flatMap(([name, template]) =>
      resourcesOfType(template, 'AWS::CloudWatch::Alarm')
        .filter(
          ([, a]) =>
            a.Properties?.['Namespace'] === 'AWS/ApiGateway' && a.Properties?.['MetricName'] === '5xx',
        )
        .map(([id, a]) => ({ where: `${name}:${id}`, dimensions: a.Properties?.['Dimensions'] })),
    );
    expect(fiveXx).toEqual([
      {
        where: 'root:HttpApi5xxAlarm',
        dimensions: [
          { Name: 'ApiId', Value: { Ref: 'HttpApi' } },
          { Name: 'Stage', Value: '$default' },
        ],
      },
    ]);
  });
});

describe('data the stack keeps (root serverless.yml)', () => {
  it('retains the user pool, the simulations table and the results bucket on stack deletion and replacement', () => {
    for (const id of ['UserPool', 'SimulationsTable', 'ResultsBucket']) {
      const r = resource(root, id) as Resource & { DeletionPolicy?: string; UpdateReplacePolicy?: string };
      expect([id, r.DeletionPolicy, r.UpdateReplacePolicy]).toEqual([id, 'Retain', 'Retain']);
    }
  });
});

describe('Lambda hygiene (every packaged function)', () => {
  const functions = () =>
    serviceDirs.flatMap((dir) =>
      resourcesOfType(loadTemplate(dir), 'AWS::Lambda::Function').map(([id, fn]) => ({
        dir,
        where: `${path.basename(dir)}:${id}`,
        props: fn.Properties ?? {},
      })),
    );

  it('runs with source maps: NODE_OPTIONS=--enable-source-maps, and each bundle ships its .mjs.map', () => {
    const problems: string[] = [];
    const all = functions();
    for (const { dir, where, props } of all) {
      const variables = ((props['Environment'] as Dict | undefined)?.['Variables'] ?? {}) as Dict;
      if (variables['NODE_OPTIONS'] !== '--enable-source-maps')
        problems.push(`${where}: NODE_OPTIONS ${String(variables['NODE_OPTIONS'])}`);
      const zip = path.join(dir, '.serverless', path.basename(String((props['Code'] as Dict)['S3Key'])));
      const map = `${String(props['Handler']).replace(/\.[^.]+$/, '')}.mjs.map`;
      // Zip entries' names are stored uncompressed.
      if (!readFileSync(zip).includes(Buffer.from(map))) problems.push(`${where}: no ${map} in ${zip}`);
    }
    expect(all.length).toBeGreaterThanOrEqual(30);
    expect(problems).toEqual([]);
  });

  it('has tracing off everywhere (no TracingConfig: the tracer is not in the bundles either)', () => {
    expect(
      functions()
        .filter(({ props }) => props['TracingConfig'] !== undefined)
        .map((f) => f.where),
    ).toEqual([]);
  });
});

describe('results processing cannot be flooded (packaged services/results-processor/serverless.yml)', () => {
  let results: Template;
  beforeAll(() => {
    results = loadTemplate(path.join(repoRoot, 'services', 'results-processor'));
  });

  it("caps the results queue's event source mapping with maximumConcurrency", () => {
    const mappings = resourcesOfType(results, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0]![1].Properties!;
    expect(mapping['EventSourceArn']).toEqual({ 'Fn::GetAtt': ['ResultsQueue', 'Arn'] });
    expect(mapping['ScalingConfig']).toEqual({ MaximumConcurrency: 5 });
  });

  it('lets the request and compare routes record requests and refresh times (UpdateItem), and nothing wider', () => {
    const granted = (id: string) =>
      allowedNonLogActions(results, roleOf(results, `${id}LambdaFunction`)).filter((a) =>
        a.startsWith('dynamodb:'),
      );
    expect(granted('RequestResults')).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(granted('CompareResults')).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
    ]);
    expect(granted('GetResults')).toEqual(['dynamodb:GetItem']);
  });
});

describe('execution services (packaged services/execution-*/serverless.yml)', () => {
  it('feeds the poller queue from the four rules, with a dead-letter queue after 5 receives', () => {
    const poller = loadTemplate(path.join(repoRoot, 'services', 'execution-poller'));
    const queue = props(poller, 'PollQueue');
    expect(queue['RedrivePolicy']).toMatchObject({ maxReceiveCount: 5 });
    const rules = resourcesOfType(poller, 'AWS::Events::Rule').map(([id]) => id);
    expect(rules.sort()).toEqual([
      'BatchJobStateRule',
      'CancelRequestedRule',
      'PollRequestedRule',
      'SubmittedRule',
    ]);
    expect(props(poller, 'BatchJobStateRule')['EventPattern']).toMatchObject({ source: ['aws.batch'] });
    const alarms = resourcesOfType(poller, 'AWS::CloudWatch::Alarm').map(([id]) => id);
    expect(alarms).toEqual(expect.arrayContaining(['PollDeadLetterAlarm', 'PollerErrorsAlarm']));
  });

  it("feeds the submission service's release queue from every end and the finder's catch-up, with a dead-letter queue after 5 receives", () => {
    const queue = props(submission, 'ReleaseQueue');
    expect(queue['RedrivePolicy']).toMatchObject({ maxReceiveCount: 5 });
    expect(props(submission, 'StageEndedRule')['EventPattern']).toMatchObject({
      'detail-type': ['Simulation Status Changed'],
      detail: { terminal: [true] },
    });
    expect(props(submission, 'StagesDueRule')['EventPattern']).toMatchObject({
      source: ['gcr.execution-finder'],
      'detail-type': ['Campaign Stages Due'],
    });
    expect(String(props(submission, 'ReleaseDeadLetterAlarm')['AlarmDescription'])).toContain(
      'runbooks/campaign-stage-waiting.md',
    );
  });

  it("feeds a large ensemble's creation batches through their own queue, one batch an invocation, with a dead-letter queue and its alarm after 5 receives", () => {
    expect(props(submission, 'EnsembleCreationQueue')['RedrivePolicy']).toMatchObject({ maxReceiveCount: 5 });
    expect(props(submission, 'EnsembleCreationQueue')['VisibilityTimeout']).toBe(1800);
    expect(String(props(submission, 'EnsembleCreationDeadLetterAlarm')['AlarmDescription'])).toContain(
      'runbooks/ensemble-stuck-in-creation.md',
    );
    const mapping = resourcesOfType(submission, 'AWS::Lambda::EventSourceMapping')
      .map(([, r]) => r.Properties as Record<string, unknown>)
      .find((p) => JSON.stringify(p['EventSourceArn']).includes('EnsembleCreationQueue'));
    expect(mapping).toMatchObject({
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 4 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const send = allowedNonLogActions(submission, roleOf(submission, 'CreateEnsembleLambdaFunction'));
    expect(send).toContain('sqs:SendMessage');
  });

  it('alarms on the oldest overdue poll with a runbook in the description', () => {
    const finder = loadTemplate(path.join(repoRoot, 'services', 'execution-finder'));
    expect(props(finder, 'OldestOverduePollAlarm')).toMatchObject({
      MetricName: 'OldestOverduePollSeconds',
      AlarmDescription: expect.stringContaining('runbooks/oldest-overdue-poll.md'),
    });
  });
});

describe('IAM across the packaged templates', () => {
  const packaged = () => [
    ['root', root] as const,
    ...serviceDirs.map((dir) => [path.basename(dir), loadTemplate(dir)] as const),
  ];

  it('has no hard-coded partition, no account or region *, no stage pattern, and * only where the action allows nothing else', () => {
    const offending: string[] = [];
    for (const [name, template] of packaged()) {
      for (const { where, statement } of iamStatements(template)) {
        if (statement.Effect !== 'Allow') continue;
        for (const problem of resourceProblems(statement)) offending.push(`${name}:${where}: ${problem}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('lets the poller terminate only jobs tagged with its stage, and tag only new jobs with it', () => {
    const poller = loadTemplate(path.join(repoRoot, 'services', 'execution-poller'));
    const statements = iamStatements(poller).filter(({ statement }) => statement.Effect === 'Allow');
    const granting = (action: string) =>
      statements
        .filter(({ statement }) => asArray(statement.Action).includes(action))
        .map((s) => s.statement);
    const jobs = '{Ref AWS.Region}:{Ref AWS.AccountId}:job/*';
    for (const [action, key] of [
      ['batch:TerminateJob', 'aws:ResourceTag/gcr:stage'],
      ['batch:TagResource', 'aws:RequestTag/gcr:stage'],
    ] as const) {
      const [statement, ...more] = granting(action);
      expect(more).toEqual([]);
      expect(asArray(statement!.Resource as unknown[]).map(rendered)).toEqual([
        `arn:{Ref AWS.Partition}:batch:${jobs}`,
      ]);
      expect(statement!.Condition).toEqual({ StringEquals: { [key]: STAGE } });
    }
    const submit = granting('batch:SubmitJob').flatMap((st) =>
      asArray(st.Resource as unknown[]).map(rendered),
    );
    expect(submit).toHaveLength(6 + 8);
    for (const resource of submit)
      expect(resource).toMatch(/job-queue\/\{Import gcr-ci-JobQueue|\{Import gcr-ci-JobDefinition/);
  });

  it('lets the finder read and write its run mark only, and query only the StatusIndex', () => {
    const finder = loadTemplate(path.join(repoRoot, 'services', 'execution-finder'));
    const statements = iamStatements(finder).filter(
      ({ statement }) =>
        statement.Effect === 'Allow' && asArray(statement.Action).some((a) => a.startsWith('dynamodb:')),
    );
    const byActions = Object.fromEntries(
      statements.map(({ statement }) => [asArray(statement.Action).sort().join(' '), statement]),
    );
    expect(Object.keys(byActions).sort()).toEqual(['dynamodb:GetItem dynamodb:UpdateItem', 'dynamodb:Query']);
    expect(byActions['dynamodb:GetItem dynamodb:UpdateItem']!.Condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [FINDER_RUN_ID] },
    });
    expect(rendered(byActions['dynamodb:Query']!.Resource)).toContain('/index/StatusIndex');
  });

  it('conditions every queue policy that lets EventBridge send on the ARNs of exactly the rules that target the queue', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const [name, template] of packaged()) {
      for (const [id, policy] of resourcesOfType(template, 'AWS::SQS::QueuePolicy')) {
        const p = policy.Properties ?? {};
        const queues = asArray(p['Queues'] as unknown[]).map((q) =>
          isDict(q) ? String(q['Ref']) : String(q),
        );
        const targeting = resourcesOfType(template, 'AWS::Events::Rule')
          .filter(([, rule]) =>
            asArray(rule.Properties?.['Targets'] as Dict[]).some((t) =>
              queues.some((q) => rendered(t['Arn']) === `{GetAtt ${q}.Arn}`),
            ),
          )
          .map(([ruleId]) => `{GetAtt ${ruleId}.Arn}`)
          .sort();
        for (const statement of asArray((p['PolicyDocument'] as Dict)['Statement'] as (Statement & Dict)[])) {
          const principal = JSON.stringify(statement['Principal'] ?? '');
          if (statement.Effect !== 'Allow' || !principal.includes('events.amazonaws.com')) continue;
          checked += 1;
          const condition = (statement.Condition?.['ArnEquals'] ?? {}) as Dict;
          const sources = asArray(condition['aws:SourceArn'] as unknown[])
            .map(rendered)
            .sort();
          if (sources.length === 0)
            problems.push(`${name}:${id} lets EventBridge send without aws:SourceArn`);
          else if (JSON.stringify(sources) !== JSON.stringify(targeting))
            problems.push(`${name}:${id} allows ${sources.join(' ')}; its rules are ${targeting.join(' ')}`);
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2);
    expect(problems).toEqual([]);
  });

  it("matches only this stage's job queues (exact ARNs) in the Batch job state rule", () => {
    const poller = loadTemplate(path.join(repoRoot, 'services', 'execution-poller'));
    const pattern = props(poller, 'BatchJobStateRule')['EventPattern'] as { detail: Dict };
    expect(pattern.detail['jobName']).toEqual([{ prefix: 'gcr-sim_' }, { prefix: 'gcr-ens_' }]);
    const queues = asArray(pattern.detail['jobQueue'] as unknown[])
      .map(rendered)
      .sort();
    expect(queues).toEqual(
      ['Arm64Spot', 'Arm64OnDemand', 'X8664Spot', 'X8664OnDemand', 'Arm64Multinode', 'X8664Multinode']
        .map(
          (queue) =>
            `arn:{Ref AWS.Partition}:batch:{Ref AWS.Region}:{Ref AWS.AccountId}:job-queue/{Import gcr-${STAGE}-JobQueue${queue}}`,
        )
        .sort(),
    );
  });

  it('has no statement that allows the action * or <service>:*', () => {
    const offending: string[] = [];
    const services = serviceDirs.map((dir) => [path.basename(dir), loadTemplate(dir)] as const);
    expect(services.map(([name]) => name)).toEqual(
      expect.arrayContaining(['submission', 'execution-finder', 'execution-poller']),
    );
    for (const [name, template] of [['root', root] as const, ...services]) {
      const statements = iamStatements(template);
      if (name !== 'root') expect(statements.length).toBeGreaterThan(0);
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

describe('on-call (every packaged stack)', () => {
  const topicImport = { 'Fn::ImportValue': `gcr-${STAGE}-AlarmTopicArn` };

  it('has the alarm topic in the infrastructure stack, exported, CloudWatch allowed to publish, and an optional email subscriber', () => {
    expect(resource(root, 'AlarmTopic').Type).toBe('AWS::SNS::Topic');
    expect(root.Outputs?.['AlarmTopicArn']).toEqual({
      Description: expect.any(String),
      Value: { Ref: 'AlarmTopic' },
      Export: { Name: `gcr-${STAGE}-AlarmTopicArn` },
    });
    const policy = JSON.stringify(resource(root, 'AlarmTopicPolicy').Properties);
    expect(policy).toContain('cloudwatch.amazonaws.com');
    const email = root.Resources['AlarmEmailSubscription'] as Resource & { Condition?: string };
    expect(email).toMatchObject({ Type: 'AWS::SNS::Subscription', Condition: 'HasOnCallEmail' });
    expect(email.Properties).toMatchObject({ Protocol: 'email', TopicArn: { Ref: 'AlarmTopic' } });
    expect(resourcesOfType(root, 'AWS::CloudWatch::Dashboard')).toHaveLength(1);
  });

  it('points every alarm of every stack at the on-call topic (AlarmActions and OKActions), each naming its runbook', () => {
    const alarms = [
      ['root', root] as const,
      ...serviceDirs.map((dir) => [path.basename(dir), loadTemplate(dir)] as const),
    ].flatMap(([name, template]) =>
      resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([id, alarm]) => ({
        where: `${name}:${id}`,
        alarm,
      })),
    );
    // The DLQ, queue-age, overdue-poll and function-error alarms, and the API's 5xx alarm.
    expect(alarms.length).toBeGreaterThanOrEqual(11);
    const problems: string[] = [];
    for (const { where, alarm } of alarms) {
      const p = alarm.Properties ?? {};
      const actions = JSON.stringify(p['AlarmActions']);
      if (actions !== JSON.stringify([topicImport]) && actions !== JSON.stringify([{ Ref: 'AlarmTopic' }]))
        problems.push(`${where}: AlarmActions ${actions}`);
      if (JSON.stringify(p['OKActions']) !== actions) problems.push(`${where}: OKActions differ`);
      const runbook = /Runbook (runbooks\/[a-z0-9-]+\.md)/.exec(String(p['AlarmDescription']))?.[1];
      if (!runbook || !existsSync(path.join(repoRoot, runbook)))
        problems.push(`${where}: no runbook in its description`);
    }
    expect(problems).toEqual([]);
  });
});
