import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * CloudWatch Logs' GetLogEvents (awsJson1_1) over the local Batch emulator's log
 * files, so the production log reader works unchanged through
 * AWS_ENDPOINT_URL_CLOUDWATCH_LOGS. Tokens are byte offsets (`f/<offset>`,
 * `b/<offset>`); lines carry the file's modification time, as local logs have
 * no per-line time. It answers what CloudWatch Logs would: only streams of the
 * jobs' log group (`fileFor` maps a group and stream to a job's log file, or
 * to nothing: never a path made from the request), ResourceNotFoundException
 * for any other, InvalidParameterException for a token it did not issue or a
 * body that is not JSON.
 */
export function logsEndpoint(fileFor: (logGroupName: string, logStreamName: string) => string | undefined) {
  return async (req: IncomingMessage, res: ServerResponse, body: string): Promise<void> => {
    const reply = (status: number, payload: unknown, type?: string) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        ...(type ? { 'x-amzn-errortype': type } : {}),
      });
      res.end(JSON.stringify(payload));
    };
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target !== 'Logs_20140328.GetLogEvents') {
      reply(
        400,
        { __type: 'UnknownOperationException', message: `${target} is not supported locally` },
        'UnknownOperationException',
      );
      return;
    }
    const invalid = (message: string) =>
      reply(400, { __type: 'InvalidParameterException', message }, 'InvalidParameterException');
    let request: {
      logGroupName?: string;
      logStreamName?: string;
      nextToken?: string;
      limit?: number;
      startFromHead?: boolean;
    };
    try {
      request = JSON.parse(body || '{}') as typeof request;
    } catch {
      invalid('the request body is not JSON');
      return;
    }
    if (request.nextToken !== undefined && !/^[fb]\/\d{1,15}$/.test(String(request.nextToken))) {
      invalid('The specified nextToken is invalid.');
      return;
    }
    const file = fileFor(String(request.logGroupName ?? ''), String(request.logStreamName ?? ''));
    if (!file || !existsSync(file)) {
      reply(
        400,
        { __type: 'ResourceNotFoundException', message: 'The specified log stream does not exist.' },
        'ResourceNotFoundException',
      );
      return;
    }
    const limit = Math.min(Math.max(request.limit ?? 10_000, 1), 10_000);
    const stat = statSync(file);
    const size = stat.size;
    const text = readRange(file, 0, size);
    const complete = text.lastIndexOf('\n') + 1; // only whole lines
    let start: number;
    if (request.nextToken) start = Math.min(Number(request.nextToken.slice(2)), complete);
    else if (request.startFromHead === false) {
      const lines = text.slice(0, complete).split('\n');
      start = Buffer.byteLength(
        lines
          .slice(0, Math.max(0, lines.length - 1 - limit))
          .map((l) => `${l}\n`)
          .join(''),
      );
    } else start = 0;
    const chunk = Buffer.from(text).subarray(start, complete).toString('utf8');
    const lines = chunk === '' ? [] : chunk.slice(0, -1).split('\n');
    const taken = lines.slice(0, limit);
    const end = start + Buffer.byteLength(taken.map((l) => `${l}\n`).join(''));
    const timestamp = Math.floor(stat.mtimeMs);
    reply(200, {
      events: taken.map((message) => ({ timestamp, message, ingestionTime: timestamp })),
      nextForwardToken: `f/${end}`,
      nextBackwardToken: `b/${start}`,
    });
  };
}

function readRange(file: string, from: number, to: number): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(to - from);
    readSync(fd, buffer, 0, buffer.length, from);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
