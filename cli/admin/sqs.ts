/**
 * The SQS client of `gcr admin`: the on-call side of the CLI talks to AWS
 * APIs (with the usual AWS credentials and region), not to the simulations
 * API. `--local` points it at the running local platform's SQS endpoint
 * (`endpoints.sqs` in platform.json) with placeholder credentials, so the same
 * commands work against the local queues. AWS_ENDPOINT_URL_SQS is honoured by
 * the SDK itself.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { AuthError, CliError, ConnectionError, ExitCode, UsageError } from '../errors.js';

export interface SqsTarget {
  /** The local platform's SQS endpoint, when `--local`. */
  localEndpoint?: string;
  region?: string;
}

/** Where queues are when --local does not say: the region the local platform's queue ARNs name. */
const LOCAL_REGION = 'us-east-1';

export function sqsClient(target: SqsTarget): SQSClient {
  if (target.localEndpoint) {
    return new SQSClient({
      endpoint: target.localEndpoint,
      region: target.region ?? LOCAL_REGION,
      // The local platform checks no signatures; never send real credentials to it.
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }
  return new SQSClient(target.region ? { region: target.region } : {});
}

/** An AWS SDK failure as the CLI error (and exit code) it means for on-call. */
export function awsCliError(error: unknown, doing: string): CliError {
  const e = error as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = e.name ?? 'Error';
  const message = `${doing}: ${e.message ?? String(error)}`;
  if (name === 'QueueDoesNotExist' || name === 'ResourceNotFoundException') {
    return new CliError(message, ExitCode.failed, { code: name });
  }
  if (/Region is missing/i.test(e.message ?? '')) {
    return new UsageError(
      `${doing}: no AWS region; set AWS_REGION or pass --region (or --local for the local platform)`,
    );
  }
  if (
    name === 'CredentialsProviderError' ||
    name === 'AccessDenied' ||
    name === 'AccessDeniedException' ||
    name === 'InvalidClientTokenId' ||
    name === 'ExpiredToken' ||
    name === 'UnrecognizedClientException'
  ) {
    return new AuthError(message, { code: name });
  }
  if (
    ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET'].includes(e.code ?? '') ||
    name === 'TimeoutError'
  ) {
    return new ConnectionError(message, '', { code: e.code ?? name });
  }
  return new CliError(message, ExitCode.failed, {
    code: name,
    ...(e.$metadata?.httpStatusCode ? { httpStatus: e.$metadata.httpStatusCode } : {}),
  });
}
