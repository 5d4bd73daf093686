import { GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';

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

/** Reads a job's log stream with GetLogEvents (on the local platform: the job's log file, same API). */
export function createCloudWatchLogReader(client: CloudWatchLogsClient): LogReader {
  return {
    async read({ logGroupName, logStreamName, nextToken, limit, startFromHead }) {
      const out = await client.send(
        new GetLogEventsCommand({
          logGroupName,
          logStreamName,
          limit,
          ...(nextToken ? { nextToken } : { startFromHead }),
        }),
      );
      return {
        events: (out.events ?? []).map((e) => ({ timestamp: e.timestamp ?? 0, message: e.message ?? '' })),
        ...(out.nextForwardToken ? { nextToken: out.nextForwardToken } : {}),
      };
    },
  };
}
