/**
 * `npm run deploy -- --stage <stage> [--region <region>]` and `npm run remove -- ...`:
 * the whole platform in one command (docs/DEPLOY.md).
 *
 * Deploy: preflight checks (every one runs, and all that fail are named at
 * once) before anything changes; then the infrastructure stack (root
 * serverless.yml), whose exports every service imports; then the services in
 * SERVICE_ORDER; then the web console (web/serverless.yml, `consoleStep`);
 * then the console, API and login URLs and the `gcr configure` command from
 * the stacks' outputs. Remove: the console, the services in reverse order,
 * then the infrastructure stack; the user pool, table and results bucket are
 * retained (DeletionPolicy Retain) and named.
 *
 * Every effect goes through DeployPorts (commands, STS, CloudFormation,
 * output), so the tests run it without AWS.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConsoleRuntimeConfig } from '#local/console/console-server.js';
import { consoleConfigFromOutputs } from './console-upload.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The services in deployment order. Each imports only the infrastructure
 * stack's exports (never another service's: the packaging test checks every
 * import against the root's exports), so the order is the data path's: the API
 * that creates simulations, the finder and poller that run them, then the
 * services that react to their events. Removal goes the other way.
 */
export const SERVICE_ORDER = [
  'submission',
  'execution-finder',
  'execution-poller',
  'results-processor',
  'cost-tracker',
  'notifier',
] as const;

/** The AWS Batch network, given to the infrastructure stack as parameters (serverless.yml, provider.stackParameters). */
const NETWORK_VARIABLES = [
  {
    name: 'GCR_BATCH_SUBNET_IDS',
    what: 'subnets of the Batch compute environments',
    pattern: /^subnet-[0-9a-f]+$/,
  },
  {
    name: 'GCR_BATCH_SECURITY_GROUP_IDS',
    what: 'security groups of the Batch instances',
    pattern: /^sg-[0-9a-f]+$/,
  },
  { name: 'GCR_BATCH_VPC_ID', what: 'the VPC of those subnets', pattern: /^vpc-[0-9a-f]+$/, single: true },
] as const;

/** The checks found something missing or wrong; nothing was changed. */
export class PreflightError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `preflight: ${problems.length} problem(s), nothing was changed:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'PreflightError';
  }
}

/** An `osls deploy`/`osls remove` of one stack exited non-zero; the stacks after it were left alone. */
export class StackCommandError extends Error {
  constructor(
    readonly stackName: string,
    readonly exitCode: number,
  ) {
    super(`${stackName}: osls exited with ${exitCode}; the stacks after it were not touched`);
    this.name = 'StackCommandError';
  }
}

export interface CallerIdentity {
  account: string;
  arn: string;
}

export interface DeployPorts {
  env: NodeJS.ProcessEnv;
  /** STS GetCallerIdentity in the region: who the credentials are (read-only). */
  callerIdentity(region: string): Promise<CallerIdentity>;
  /** The osls executable, or undefined when it is not installed. */
  osls(): string | undefined;
  /** Runs a command to its end with inherited output; resolves to its exit code. */
  run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<number>;
  /** A stack's outputs (OutputKey -> OutputValue); {} when the stack does not exist. */
  stackOutputs(stackName: string, region: string): Promise<Record<string, string>>;
  /** Uploads web/dist and config.json to the console's bucket (console-upload.ts); resolves to the files written. */
  uploadConsole(bucket: string, region: string, config: ConsoleRuntimeConfig): Promise<number>;
  /** Empties the console's bucket before its stack is removed. */
  emptyConsoleBucket(bucket: string, region: string): Promise<void>;
  log(line: string): void;
}

/** The web console's stack directory and CloudFormation name (osls: <service>-<stage>). */
export const WEB_STACK_DIR = 'web';
export function webStackName(stage: string): string {
  return `gcr-web-${stage}`;
}

const originOf = (url: string | undefined): string | undefined => (url ? new URL(url).origin : undefined);

export interface DeployOptions {
  stage: string;
  region?: string;
}

interface Checked {
  stage: string;
  region: string;
  osls: string;
  identity: CallerIdentity;
}

/** The infrastructure stack's CloudFormation name: osls names a stack <service>-<stage>. */
export function infrastructureStackName(stage: string): string {
  return `gcr-${stage}`;
}

function networkProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  for (const variable of NETWORK_VARIABLES) {
    const value = (env[variable.name] ?? '').trim();
    if (!value) {
      problems.push(`${variable.name} is not set (${variable.what})`);
      continue;
    }
    const ids = value.split(',').map((id) => id.trim());
    const wrong = ids.filter((id) => !variable.pattern.test(id));
    if (wrong.length > 0)
      problems.push(`${variable.name}: not ${variable.pattern.source} ids: ${wrong.join(', ')}`);
    else if ('single' in variable && ids.length > 1)
      problems.push(`${variable.name}: one id, not ${ids.length}`);
  }
  return problems;
}

/**
 * Runs every check and throws PreflightError naming all that failed. Makes no
 * AWS call but STS GetCallerIdentity, which changes nothing.
 */
export async function preflight(
  ports: DeployPorts,
  options: DeployOptions,
  scope: 'deploy' | 'remove',
): Promise<Checked> {
  const problems: string[] = [];
  const { env } = ports;
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(options.stage)) {
    problems.push(
      `--stage "${options.stage}": 1-16 lowercase letters, digits and hyphens, starting with a letter`,
    );
  }
  const region = options.region ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
  if (!region) problems.push('no region: pass --region or set AWS_REGION');
  if (scope === 'deploy') {
    problems.push(...networkProblems(env));
    if (!env['GCR_GCCLASSIC_IMAGE_TAG']?.trim()) {
      problems.push(
        'GCR_GCCLASSIC_IMAGE_TAG is not set (the GC Classic image tag the job definitions run, e.g. 14.7.0; "latest" to take the default on purpose)',
      );
    }
  }
  const osls = ports.osls();
  if (!osls) problems.push('osls is not installed (npm ci installs it in node_modules/.bin)');
  let identity: CallerIdentity | undefined;
  if (region) {
    try {
      identity = await ports.callerIdentity(region);
    } catch (err) {
      problems.push(
        `AWS credentials: STS GetCallerIdentity failed (${(err as Error).name}: ${(err as Error).message})`,
      );
    }
  } else {
    problems.push('AWS credentials: not checked without a region');
  }
  if (problems.length > 0 || !region || !osls || !identity) throw new PreflightError(problems);
  return { stage: options.stage, region, osls, identity };
}

async function runStack(
  ports: DeployPorts,
  checked: Checked,
  command: 'deploy' | 'remove',
  dir: string,
  params: Record<string, string> = {},
) {
  const name = dir === '.' ? 'infrastructure (root serverless.yml)' : dir;
  ports.log(`--- osls ${command}: ${name}`);
  const code = await ports.run(
    checked.osls,
    [
      command,
      '--stage',
      checked.stage,
      '--region',
      checked.region,
      ...Object.entries(params).flatMap(([key, value]) => ['--param', `${key}=${value}`]),
    ],
    {
      cwd: path.join(repoRoot, dir),
      env: { ...ports.env, AWS_REGION: checked.region },
    },
  );
  if (code !== 0) throw new StackCommandError(name, code);
}

/** The hosted login page from the infrastructure stack's outputs, if the stack has a user pool domain. */
export function loginUrl(outputs: Record<string, string>, region: string): string | undefined {
  const domain = ['LoginUrl', 'HostedUiUrl', 'UserPoolDomainUrl', 'UserPoolDomain']
    .map((key) => outputs[key])
    .find((value) => value !== undefined && value !== '');
  if (!domain) return undefined;
  if (/^https?:\/\//.test(domain)) return domain;
  // A custom domain is a host name; a Cognito prefix domain is only the prefix.
  return domain.includes('.') ? `https://${domain}` : `https://${domain}.auth.${region}.amazoncognito.com`;
}

export async function deploy(ports: DeployPorts, options: DeployOptions): Promise<void> {
  const checked = await preflight(ports, options, 'deploy');
  ports.log(
    `deploying stage ${checked.stage} to ${checked.region}, account ${checked.identity.account} as ${checked.identity.arn}`,
  );
  // The console's origin, when its stack exists already: the web client's URLs and CORS name it.
  const previousConsole = originOf(
    (await ports.stackOutputs(webStackName(checked.stage), checked.region))['ConsoleUrl'],
  );
  await runStack(ports, checked, 'deploy', '.', previousConsole ? { consoleOrigin: previousConsole } : {});
  for (const service of SERVICE_ORDER) await runStack(ports, checked, 'deploy', `services/${service}`);

  const stackName = infrastructureStackName(checked.stage);
  let outputs = await ports.stackOutputs(stackName, checked.region);
  const consoleUrl = await consoleStep(ports, checked, outputs);
  outputs = await ports.stackOutputs(stackName, checked.region);
  const login = loginUrl(outputs, checked.region);
  ports.log('');
  ports.log(`Console: ${consoleUrl}`);
  ports.log(`API:    ${outputs['ApiUrl'] ?? `(no ApiUrl output in ${stackName})`}`);
  ports.log(`Login:  ${login ?? `(no user pool domain in ${stackName}'s outputs: no hosted login page)`}`);
  ports.log(`CLI:    npx gcr configure --stack ${stackName} --region ${checked.region}`);
  ports.log('Users:  an admin creates each account (sign-up is closed; docs/DEPLOY.md)');
}

/**
 * The web console: build it, deploy its stack (the CSP's connect-src names
 * the API and Cognito, from the infrastructure stack's outputs), and when
 * its CloudFront origin is new (the first deploy) deploy the infrastructure
 * stack again so the web client's callback URLs and CORS name it; then upload
 * web/dist and config.json. Returns the console's URL.
 */
async function consoleStep(
  ports: DeployPorts,
  checked: Checked,
  outputs: Record<string, string>,
): Promise<string> {
  ports.log('--- web console: npm run web:build');
  const built = await ports.run('npm', ['run', 'web:build'], { cwd: repoRoot, env: ports.env });
  if (built !== 0) throw new StackCommandError('web console build', built);
  const authOrigins = [originOf(outputs['UserPoolDomain']), originOf(outputs['UserPoolIssuerUrl'])].filter(
    (origin): origin is string => origin !== undefined,
  );
  await runStack(ports, checked, 'deploy', WEB_STACK_DIR, {
    apiOrigin: originOf(outputs['ApiUrl']) ?? '',
    authOrigins: authOrigins.join(' '),
  });
  const web = await ports.stackOutputs(webStackName(checked.stage), checked.region);
  const consoleOrigin = originOf(web['ConsoleUrl']);
  if (!consoleOrigin || !web['ConsoleBucketName']) {
    throw new Error(`${webStackName(checked.stage)} has no ConsoleUrl or ConsoleBucketName output`);
  }
  if (!(outputs['ConsoleOrigins'] ?? '').split(' ').includes(consoleOrigin)) {
    ports.log(
      `the console's origin ${consoleOrigin} is new: the infrastructure stack again, for sign-in and CORS`,
    );
    await runStack(ports, checked, 'deploy', '.', { consoleOrigin });
  }
  const files = await ports.uploadConsole(
    web['ConsoleBucketName'],
    checked.region,
    consoleConfigFromOutputs(
      await ports.stackOutputs(infrastructureStackName(checked.stage), checked.region),
      checked.stage,
    ),
  );
  ports.log(`uploaded ${files} console files to ${web['ConsoleBucketName']}`);
  return `${consoleOrigin}/`;
}

export async function remove(ports: DeployPorts, options: DeployOptions): Promise<void> {
  const checked = await preflight(ports, options, 'remove');
  const stackName = infrastructureStackName(checked.stage);
  // Read before the stack goes: the retained resources' names.
  const outputs = await ports.stackOutputs(stackName, checked.region);
  ports.log(`removing stage ${checked.stage} from ${checked.region}, account ${checked.identity.account}`);
  const web = await ports.stackOutputs(webStackName(checked.stage), checked.region);
  if (web['ConsoleBucketName']) await ports.emptyConsoleBucket(web['ConsoleBucketName'], checked.region);
  await runStack(ports, checked, 'remove', WEB_STACK_DIR);
  for (const service of [...SERVICE_ORDER].reverse())
    await runStack(ports, checked, 'remove', `services/${service}`);
  await runStack(ports, checked, 'remove', '.');
  ports.log('');
  ports.log('Retained (DeletionPolicy Retain; delete them by hand to lose their data):');
  ports.log(`  simulations table  ${outputs['SimulationsTableName'] ?? `gcr-${checked.stage}-simulations`}`);
  ports.log(`  results bucket     ${outputs['ResultsBucketName'] ?? '(see the S3 console)'}`);
  ports.log(`  user pool          ${outputs['UserPoolId'] ?? `gcr-${checked.stage}-users`}`);
}

/** The osls installed with the project, if any. */
export function installedOsls(root = repoRoot): string | undefined {
  const bin = path.join(root, 'node_modules', '.bin', 'osls');
  return existsSync(bin) ? bin : undefined;
}
