import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { LocalBatch } from './local-batch.js';
import { parseDescribeJobs, parseStopJob } from './submit-request.js';
import { BatchClientError, type BatchJobDetail } from './types.js';

/**
 * The AWS Batch API (restJson1, the real request paths of Batch 2016-08-10)
 * for the operations the production adapter calls, so it reaches the local
 * emulator unchanged through AWS_ENDPOINT_URL_BATCH:
 *
 *   POST /v1/submitjob     SubmitJob    -> { jobArn, jobName, jobId }
 *   POST /v1/describejobs  DescribeJobs -> { jobs: JobDetail[] }   (<= 100 ids; unknown ids omitted)
 *   POST /v1/listjobs      ListJobs     -> { jobSummaryList, nextToken? }
 *   POST /v1/terminatejob  TerminateJob -> {}
 *   POST /v1/canceljob     CancelJob    -> {}
 *
 * Also `GET /v1/calls` (local only, no Batch operation): the requests each
 * operation answered since the start, for benchmarks
 * (`npm run bench:ensemble -- --platform local`).
 *
 * Errors are shaped as Batch's: status 400 (ClientException), 429
 * (TooManyRequestsException, when the emulator's `throttle` knob says so) or
 * 500 (ServerException), header `x-amzn-errortype`, body `{ __type, message }`.
 * Requests are not signature-checked (any credentials work locally).
 */
export function batchEndpoint(
  batch: LocalBatch,
): (req: IncomingMessage, res: ServerResponse, body: string) => Promise<void> {
  const calls: Record<string, number> = {};
  return async (req, res, body) => {
    const reply = (status: number, payload: unknown, errorType?: string) => {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-amzn-requestid': randomUUID(),
      };
      if (errorType) headers['x-amzn-errortype'] = errorType;
      res.writeHead(status, headers);
      res.end(JSON.stringify(payload));
    };
    const fail = (status: number, type: string, message: string) =>
      reply(status, { __type: type, message }, type);

    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    const operation = OPERATIONS[pathname];
    if (req.method === 'GET' && pathname === '/v1/calls') {
      reply(200, { calls });
      return;
    }
    if (req.method !== 'POST' || !operation) {
      fail(
        404,
        'UnknownOperationException',
        `${req.method} ${pathname} is not an operation of the local Batch API`,
      );
      return;
    }
    if (batch.shouldThrottle()) {
      fail(429, 'TooManyRequestsException', 'Too Many Requests');
      return;
    }
    let input: unknown;
    try {
      input = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      fail(400, 'ClientException', 'The request body is not valid JSON');
      return;
    }
    const name = pathname.slice('/v1/'.length);
    calls[name] = (calls[name] ?? 0) + 1;
    try {
      reply(200, await operation(batch, input));
    } catch (err) {
      if (err instanceof BatchClientError) fail(400, 'ClientException', err.message);
      else fail(500, 'ServerException', (err as Error).message ?? String(err));
    }
  };
}

type Operation = (batch: LocalBatch, input: unknown) => Promise<unknown>;

const OPERATIONS: Record<string, Operation> = {
  '/v1/submitjob': (batch, input) => batch.submitJob(input),
  '/v1/describejobs': async (batch, input) => ({ jobs: batch.describeJobs(parseDescribeJobs(input)) }),
  '/v1/listjobs': async (batch, input) => batch.listJobs(input),
  '/v1/terminatejob': async (batch, input) => {
    const { jobId, reason } = parseStopJob(input);
    await batch.terminateJob(jobId, reason);
    return {};
  },
  '/v1/canceljob': async (batch, input) => {
    const { jobId, reason } = parseStopJob(input);
    await batch.cancelJob(jobId, reason);
    return {};
  },
};

/**
 * Serves `batchEndpoint(batch)` on its own HTTP server (tests, or a platform
 * that prefers a dedicated port). `url` is what AWS_ENDPOINT_URL_BATCH takes.
 */
export async function listenBatchEndpoint(
  batch: LocalBatch,
  options: { host?: string; port?: number; onError?: (err: unknown) => void } = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const handler = batchEndpoint(batch);
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handler(req, res, Buffer.concat(chunks).toString('utf8')).catch((err: unknown) => {
        options.onError?.(err);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The PutEvents entry AWS Batch emits for a job state change: source
 * `aws.batch`, detail-type `Batch Job State Change`, the job ARN as resource,
 * the job detail as detail, on the account's default bus.
 */
export function batchJobStateChangeEntry(
  detail: BatchJobDetail,
  options: { eventBusName?: string; time?: Date } = {},
): PutEventsRequestEntry {
  return {
    Source: 'aws.batch',
    DetailType: 'Batch Job State Change',
    Detail: JSON.stringify(detail),
    Resources: [detail.jobArn],
    EventBusName: options.eventBusName ?? 'default',
    ...(options.time ? { Time: options.time } : {}),
  };
}
