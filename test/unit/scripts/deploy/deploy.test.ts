import { describe, expect, it, jest } from '@jest/globals';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import {
  deploy,
  loginUrl,
  PreflightError,
  remove,
  repoRoot,
  SERVICE_ORDER,
  StackCommandError,
  type DeployPorts,
} from '#scripts/deploy/deploy.js';
import { stsCallerIdentity } from '#scripts/deploy/main.js';

const NETWORK = {
  GCR_BATCH_SUBNET_IDS: 'subnet-0a1b2c3d,subnet-0f1e2d3c',
  GCR_BATCH_SECURITY_GROUP_IDS: 'sg-0123456789abcdef0',
  GCR_BATCH_VPC_ID: 'vpc-0123456789abcdef0',
};

/** `osls deploy` of the dev stage in us-east-1, before any --param. */
const DEPLOY_DEV = ['deploy', '--stage', 'dev', '--region', 'us-east-1'];

interface Fakes {
  ports: DeployPorts;
  runs: { cwd: string; args: string[] }[];
  lines: string[];
  sts: ReturnType<typeof mockClient>;
  uploads: unknown[][];
}

function fakes(
  overrides: Partial<DeployPorts> & { exitCodes?: Record<string, number>; webStackExists?: boolean } = {},
): Fakes {
  const runs: Fakes['runs'] = [];
  const lines: string[] = [];
  // The web stack's outputs appear once it is deployed; the root's ConsoleOrigins follow its consoleOrigin param.
  let webStackExists = overrides.webStackExists ?? false;
  let consoleOrigins = 'https://console.invalid';
  const uploads: unknown[][] = [];
  const sts = mockClient(STSClient);
  sts
    .on(GetCallerIdentityCommand)
    .resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/ops' });
  const ports: DeployPorts = {
    env: { AWS_REGION: 'us-east-1', GCR_GCCLASSIC_IMAGE_TAG: '14.7.0', ...NETWORK },
    callerIdentity: stsCallerIdentity((region) => new STSClient({ region })),
    osls: () => '/repo/node_modules/.bin/osls',
    run: jest.fn(async (_command: string, args: string[], options: { cwd: string }) => {
      const dir = path.relative(repoRoot, options.cwd) || '.';
      runs.push({ cwd: dir, args });
      if (dir === 'web' && args[0] === 'deploy') webStackExists = true;
      const origin = args.find((arg) => arg.startsWith('consoleOrigin='));
      if (dir === '.' && origin) consoleOrigins = origin.slice('consoleOrigin='.length);
      return overrides.exitCodes?.[dir] ?? 0;
    }),
    stackOutputs: async (stackName): Promise<Record<string, string>> =>
      stackName === 'gcr-web-dev'
        ? webStackExists
          ? {
              ConsoleUrl: 'https://d111111abcdef8.cloudfront.net',
              ConsoleBucketName: 'gcr-web-dev-consolebucket-1a2b',
            }
          : {}
        : {
            ApiUrl: 'https://abc123.execute-api.us-east-1.amazonaws.com',
            UserPoolDomain: 'https://gcr-dev-123456789012.auth.us-east-1.amazoncognito.com',
            UserPoolIssuerUrl: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf',
            WebClientId: 'webclient123',
            ConsoleOrigins: consoleOrigins,
            SimulationsTableName: 'gcr-dev-simulations',
            ResultsBucketName: 'gcr-dev-resultsbucket-1x2y3z',
            UserPoolId: 'us-east-1_AbCdEf',
          },
    uploadConsole: async (...args) => {
      uploads.push(args);
      return 5;
    },
    emptyConsoleBucket: async (...args) => {
      uploads.push(['empty', ...args]);
    },
    log: (line) => lines.push(line),
    ...overrides,
  };
  return { ports, runs, lines, sts, uploads };
}

async function preflightProblems(promise: Promise<unknown>): Promise<string[]> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PreflightError);
  return (err as PreflightError).problems;
}

describe('npm run deploy: preflight', () => {
  it('stops before any change without the network ids, and names each one missing', async () => {
    const { ports, runs, sts } = fakes();
    ports.env = { AWS_REGION: 'us-east-1', GCR_GCCLASSIC_IMAGE_TAG: '14.7.0' };
    const problems = await preflightProblems(deploy(ports, { stage: 'dev' }));
    expect(problems).toEqual([
      expect.stringContaining('GCR_BATCH_SUBNET_IDS is not set'),
      expect.stringContaining('GCR_BATCH_SECURITY_GROUP_IDS is not set'),
      expect.stringContaining('GCR_BATCH_VPC_ID is not set'),
    ]);
    expect(runs).toEqual([]);
    // The one AWS call made is STS GetCallerIdentity, which changes nothing.
    expect(sts.calls().map((c) => c.args[0].constructor.name)).toEqual(['GetCallerIdentityCommand']);
  });

  it('names every missing thing at once: region, credentials, image tag, osls, malformed ids', async () => {
    const { ports, runs, sts } = fakes({ osls: () => undefined });
    ports.env = {
      GCR_BATCH_SUBNET_IDS: 'subnet-0a1b,sg-oops',
      GCR_BATCH_SECURITY_GROUP_IDS: 'sg-01',
      GCR_BATCH_VPC_ID: 'vpc-1,vpc-2',
    };
    const problems = await preflightProblems(deploy(ports, { stage: 'dev' }));
    expect(problems.join('\n')).toMatch(/no region: pass --region or set AWS_REGION/);
    expect(problems.join('\n')).toMatch(/GCR_BATCH_SUBNET_IDS: not .* ids: sg-oops/);
    expect(problems.join('\n')).toMatch(/GCR_BATCH_VPC_ID: one id, not 2/);
    expect(problems.join('\n')).toMatch(/GCR_GCCLASSIC_IMAGE_TAG is not set/);
    expect(problems.join('\n')).toMatch(/osls is not installed/);
    expect(problems.join('\n')).toMatch(/AWS credentials: not checked without a region/);
    expect(runs).toEqual([]);
    expect(sts.calls()).toHaveLength(0);
  });

  it('names the credentials when STS refuses them', async () => {
    const { ports, runs, sts } = fakes();
    sts.on(GetCallerIdentityCommand).rejects(
      Object.assign(new Error('The security token included in the request is invalid.'), {
        name: 'InvalidClientTokenId',
      }),
    );
    const problems = await preflightProblems(deploy(ports, { stage: 'dev', region: 'eu-west-1' }));
    expect(problems).toEqual([
      expect.stringMatching(/^AWS credentials: STS GetCallerIdentity failed \(InvalidClientTokenId: /),
    ]);
    expect(runs).toEqual([]);
  });

  it('refuses a stage name that cannot name the resources', async () => {
    const { ports } = fakes();
    expect((await preflightProblems(deploy(ports, { stage: 'Prod_1' }))).join()).toMatch(/--stage "Prod_1"/);
  });
});

describe('npm run deploy / npm run remove: order and what they print', () => {
  it('deploys the infrastructure stack, then every service in order, then prints the API URL, login URL and gcr configure', async () => {
    const { ports, runs, lines } = fakes({ webStackExists: true });
    await deploy(ports, { stage: 'dev' });
    expect(runs.map((r) => r.cwd)).toEqual([
      '.',
      ...SERVICE_ORDER.map((s) => `services/${s}`),
      '.', // npm run web:build
      'web',
    ]);
    expect(runs[0]!.args).toEqual([
      ...DEPLOY_DEV,
      '--param',
      'consoleOrigin=https://d111111abcdef8.cloudfront.net',
    ]);
    expect(lines).toEqual(
      expect.arrayContaining([
        'Console: https://d111111abcdef8.cloudfront.net/',
        'API:    https://abc123.execute-api.us-east-1.amazonaws.com',
        'Login:  https://gcr-dev-123456789012.auth.us-east-1.amazoncognito.com',
        'CLI:    npx gcr configure --stack gcr-dev --region us-east-1',
      ]),
    );
  });

  it("deploys the console's stack with the API and Cognito origins, then on a first deploy the infrastructure again with the console's new origin, then uploads it", async () => {
    const { ports, runs, uploads } = fakes();
    await deploy(ports, { stage: 'dev' });
    expect(runs.map((r) => r.cwd).slice(-4)).toEqual(['services/notifier', '.', 'web', '.']);
    expect(runs.at(-3)!.args).toEqual(['run', 'web:build']);
    expect(runs.at(-2)!.args).toEqual([
      ...DEPLOY_DEV,
      '--param',
      'apiOrigin=https://abc123.execute-api.us-east-1.amazonaws.com',
      '--param',
      'authOrigins=https://gcr-dev-123456789012.auth.us-east-1.amazoncognito.com https://cognito-idp.us-east-1.amazonaws.com',
    ]);
    expect(runs.at(-1)!.args).toContain('consoleOrigin=https://d111111abcdef8.cloudfront.net');
    expect(uploads).toEqual([
      [
        'gcr-web-dev-consolebucket-1a2b',
        'us-east-1',
        {
          apiUrl: 'https://abc123.execute-api.us-east-1.amazonaws.com',
          auth: {
            authority: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf',
            clientId: 'webclient123',
            scopes: ['openid', 'email', 'profile'],
            logoutUrl: 'https://gcr-dev-123456789012.auth.us-east-1.amazoncognito.com/logout',
          },
          stage: 'dev',
        },
      ],
    ]);
  });

  it('stops at the first stack that fails, leaving the services after it alone', async () => {
    const { ports, runs } = fakes({ exitCodes: { 'services/execution-finder': 1 } });
    await expect(deploy(ports, { stage: 'dev' })).rejects.toBeInstanceOf(StackCommandError);
    expect(runs.map((r) => r.cwd)).toEqual(['.', 'services/submission', 'services/execution-finder']);
  });

  it("empties and removes the console's stack, then the services in reverse order, then the infrastructure stack, and names what is retained", async () => {
    const { ports, runs, lines, uploads } = fakes({ webStackExists: true });
    ports.env = { AWS_REGION: 'us-east-1' }; // no network ids or image tag needed to remove
    await remove(ports, { stage: 'dev' });
    expect(uploads).toEqual([['empty', 'gcr-web-dev-consolebucket-1a2b', 'us-east-1']]);
    expect(runs.map((r) => r.cwd)).toEqual([
      'web',
      ...[...SERVICE_ORDER].reverse().map((s) => `services/${s}`),
      '.',
    ]);
    expect(runs[0]!.args).toEqual(['remove', '--stage', 'dev', '--region', 'us-east-1']);
    expect(lines.join('\n')).toMatch(/simulations table +gcr-dev-simulations/);
    expect(lines.join('\n')).toMatch(/user pool +us-east-1_AbCdEf/);
  });

  it('deploys every service there is (each services/*/serverless.yml is in the order)', () => {
    const services = readdirSync(path.join(repoRoot, 'services')).filter((d) =>
      existsSync(path.join(repoRoot, 'services', d, 'serverless.yml')),
    );
    expect([...SERVICE_ORDER].sort()).toEqual(services.sort());
  });

  it('builds the login URL from whichever domain output the stack has', () => {
    expect(loginUrl({}, 'us-east-1')).toBeUndefined();
    expect(loginUrl({ UserPoolDomain: 'gcr-dev' }, 'eu-west-1')).toBe(
      'https://gcr-dev.auth.eu-west-1.amazoncognito.com',
    );
    expect(loginUrl({ UserPoolDomain: 'login.example.org' }, 'eu-west-1')).toBe('https://login.example.org');
    expect(loginUrl({ HostedUiUrl: 'https://x.example/login' }, 'eu-west-1')).toBe('https://x.example/login');
  });
});
