import { GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { NotFoundError, ValidationError } from '../errors.js';

export interface LogPage {
  events: { timestamp: number; message: string }[];
  /** Pass back to read what came after; the same token comes back when nothing new was written. */
  nextToken?: string;
}

export interface LogReader {
  read(request: {
    logGroupName: string;
    logStreamName: string;
    nextToken?: string;
    limit: number;
    startFromHead: boolean;
  }): Promise<LogPage>;
}

/**
 * What CloudWatch Logs refuses becomes the caller's 4xx: a nextToken it did
 * not issue (the caller's to fix, 400), a stream that no longer exists (its
 * retention ended, 404).
 */
function refusal(err: unknown, logStreamName: string): unknown {
  const name = err instanceof Error ? err.name : '';
  if (name === 'InvalidParameterException') {
    return new ValidationError('query string is invalid', [
      {
        field: 'query.nextToken',
        message: 'is not a token this log issued; pass nextToken of the previous page',
      },
    ]);
  }
  if (name === 'ResourceNotFoundException') {
    return new NotFoundError(
      `the job's log stream ${logStreamName} no longer exists (job logs are kept 30 days)`,
    );
  }
  return err;
}

/** Reads a job's log stream with GetLogEvents (on the local platform: the job's log file, same API). */
export function createCloudWatchLogReader(client: CloudWatchLogsClient): LogReader {
  return {
    async read({ logGroupName, logStreamName, nextToken, limit, startFromHead }) {
      const out = await client
        .send(
          new GetLogEventsCommand({
            logGroupName,
            logStreamName,
            limit,
            ...(nextToken ? { nextToken } : { startFromHead }),
          }),
        )
        .catch((err: unknown) => {
          throw refusal(err, logStreamName);
        });
      return {
        events: (out.events ?? []).map((e) => ({ timestamp: e.timestamp ?? 0, message: e.message ?? '' })),
        ...(out.nextForwardToken ? { nextToken: out.nextForwardToken } : {}),
      };
    },
  };
}
