/**
 * Entry point of `npm run deploy` and `npm run remove` (scripts/deploy/deploy.ts):
 *
 *   npm run deploy -- --stage dev [--region us-east-1]
 *   npm run remove -- --stage dev [--region us-east-1]
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { S3Client } from '@aws-sdk/client-s3';
import { isEntryPoint } from '#shared/kernel/entry-point.js';
import { consoleDistDir } from '#local/console/build-console.js';
import { emptyConsoleBucket, uploadConsole } from './console-upload.js';
import {
  deploy,
  installedOsls,
  repoRoot,
  PreflightError,
  remove,
  StackCommandError,
  type DeployPorts,
} from './deploy.js';

/** STS GetCallerIdentity through the given client (tests hand it a mocked one). */
export function stsCallerIdentity(client: (region: string) => STSClient): DeployPorts['callerIdentity'] {
  return async (region) => {
    const answer = await client(region).send(new GetCallerIdentityCommand({}));
    return { account: answer.Account ?? '?', arn: answer.Arn ?? '?' };
  };
}

async function stackOutputs(stackName: string, region: string): Promise<Record<string, string>> {
  try {
    const answer = await new CloudFormationClient({ region }).send(
      new DescribeStacksCommand({ StackName: stackName }),
    );
    const outputs = answer.Stacks?.[0]?.Outputs ?? [];
    return Object.fromEntries(outputs.map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  } catch (err) {
    if (/does not exist/.test((err as Error).message)) return {};
    throw err;
  }
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

export function realPorts(): DeployPorts {
  return {
    env: process.env,
    callerIdentity: stsCallerIdentity((region) => new STSClient({ region })),
    osls: () => installedOsls(),
    run,
    stackOutputs,
    uploadConsole: (bucket, region, config) =>
      uploadConsole(new S3Client({ region }), { bucket, distDir: consoleDistDir(repoRoot), config }),
    emptyConsoleBucket: (bucket, region) => emptyConsoleBucket(new S3Client({ region }), bucket),
    log: (line) => process.stdout.write(`${line}\n`),
  };
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { stage: { type: 'string' }, region: { type: 'string' } },
  });
  const command = positionals[0];
  if ((command !== 'deploy' && command !== 'remove') || !values.stage) {
    process.stderr.write('usage: npm run deploy|remove -- --stage <stage> [--region <region>]\n');
    return 2;
  }
  const options = { stage: values.stage, ...(values.region ? { region: values.region } : {}) };
  try {
    await (command === 'deploy' ? deploy : remove)(realPorts(), options);
    return 0;
  } catch (err) {
    if (err instanceof PreflightError || err instanceof StackCommandError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

if (isEntryPoint(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
