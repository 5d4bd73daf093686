/**
 * `gcr configure`'s one AWS call: the outputs of a deployed stack
 * (CloudFormation DescribeStacks, with the usual AWS credentials), which
 * `profileFromOutputs` (cli/auth/profiles.ts) turns into a profile.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { UsageError } from '../errors.js';
import { awsCliError } from './sqs.js';

export function cloudFormationClient(region: string): CloudFormationClient {
  return new CloudFormationClient({ region });
}

/** The stack's outputs by key; a stack that does not exist is a usage error naming it. */
export async function readStackOutputs(
  client: CloudFormationClient,
  stack: string,
): Promise<Record<string, string>> {
  let answer;
  try {
    answer = await client.send(new DescribeStacksCommand({ StackName: stack }));
  } catch (error) {
    if ((error as { name?: string; message?: string }).message?.includes('does not exist')) {
      throw new UsageError(`no stack ${JSON.stringify(stack)} in this region: check --stack and --region`);
    }
    throw awsCliError(error, `read the outputs of stack ${stack}`);
  }
  const outputs: Record<string, string> = {};
  for (const output of answer.Stacks?.[0]?.Outputs ?? []) {
    if (output.OutputKey && output.OutputValue !== undefined) outputs[output.OutputKey] = output.OutputValue;
  }
  return outputs;
}
