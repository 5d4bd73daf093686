/** `gcr configure` reads the stack's outputs (DescribeStacks) into a profile; `gcr config` edits profiles. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { readProfiles } from '#cli/auth/profiles.js';
import { runGcr } from '#test/helpers/run-gcr.js';

const cloudFormation = mockClient(CloudFormationClient);
let home: string;
let env: Record<string, string>;

beforeEach(async () => {
  cloudFormation.reset();
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'gcr-configure-'));
  env = { XDG_CONFIG_HOME: home };
});
afterEach(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

describe('gcr configure', () => {
  it('asks CloudFormation for the named stack and writes its profile, the first one becoming current', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'gcr-dev',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [
            { OutputKey: 'ApiUrl', OutputValue: 'https://api.dev.test' },
            {
              OutputKey: 'UserPoolDomain',
              OutputValue: 'https://gcr-dev-1.auth.us-east-1.amazoncognito.com',
            },
            { OutputKey: 'CliClientId', OutputValue: 'cli-client' },
            { OutputKey: 'CliCallbackPort', OutputValue: '8765' },
            { OutputKey: 'UserPoolId', OutputValue: 'us-east-1_X' },
          ],
        },
      ],
    });
    const run = await runGcr(['configure', '--stack', 'gcr-dev', '--region', 'us-east-1'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('gcr login --profile gcr-dev');
    const calls = cloudFormation.commandCalls(DescribeStacksCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ StackName: 'gcr-dev' });
    expect(await cloudFormation.call(0).thisValue.config.region()).toBe('us-east-1');
    expect(await readProfiles(env)).toEqual({
      current: 'gcr-dev',
      profiles: {
        'gcr-dev': {
          apiUrl: 'https://api.dev.test',
          authDomain: 'https://gcr-dev-1.auth.us-east-1.amazoncognito.com',
          clientId: 'cli-client',
          callbackPort: 8765,
          userPoolId: 'us-east-1_X',
          region: 'us-east-1',
          stack: 'gcr-dev',
        },
      },
    });
  });

  it('names a stack that does not exist', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Stack with id gcr-nope does not exist'), { name: 'ValidationError' }),
      );
    const run = await runGcr(['configure', '--stack', 'gcr-nope', '--region', 'us-east-1'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no stack "gcr-nope"');
  });
});

describe('gcr config', () => {
  it('sets, gets, lists and uses profiles; GCR_PROFILE and --profile choose one', async () => {
    expect((await runGcr(['config', 'set', 'prod', 'apiUrl', 'https://prod.test/'], env)).code).toBe(0);
    expect((await runGcr(['config', 'get', 'prod', 'apiUrl'], env)).stdout).toBe('https://prod.test\n');
    expect((await runGcr(['config', 'set', 'prod', 'colour', 'blue'], env)).stderr).toContain(
      'unknown setting',
    );
    expect((await runGcr(['config', 'list'], env)).stdout).toMatch(
      /^\* local\t.*\n {2}prod\thttps:\/\/prod\.test\n$/,
    );
    expect((await runGcr(['config', 'use', 'prod'], env)).code).toBe(0);
    expect((await runGcr(['config', 'list'], env)).stdout).toContain('* prod');
    expect((await runGcr(['config', 'list'], { ...env, GCR_PROFILE: 'local' })).stdout).toContain('* local');
    expect((await runGcr(['--profile', 'local', 'config', 'list'], env)).stdout).toContain('* local');
    expect((await runGcr(['config', 'use', 'nope'], env)).code).toBe(2);
  });
});
