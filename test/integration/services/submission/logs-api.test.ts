/**
 * GET /simulations/{id}/logs on the local platform, with a job that really
 * runs (the demo model): every page the route answers is a LogPage
 * (schemas/api/log-page.schema.json), and its nextToken pages forward.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CloudWatchLogsClient,
  GetLogEventsCommand,
  InvalidParameterException,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import type { LogPage } from '#schemas/generated/types.js';
import { validatorFor } from '#schemas/validator.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import {
  api,
  startPlatformProcess,
  waitForStatus,
  type RunningPlatform,
} from '#test/helpers/platform-process.js';

const tinySpec = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/specs/tiny-demo.json'), 'utf8'));
const isLogPage = validatorFor<LogPage>('https://gcr.dev/schemas/api/log-page.schema.json');

let platform: RunningPlatform;
let token: string;
/** A simulation of the log reader's whose job ran (SUCCEEDED), and its log stream. */
let finished: { id: string; logStreamName: string } | undefined;

beforeAll(async () => {
  platform = await startPlatformProcess({
    env: { GCR_SCHEDULE_RATE_SECONDS: '2', GCR_LOCAL_BATCH_SLOTS: '1' },
  });
  token = await platform.token('log-reader');
}, 120_000);

/** Submits the tiny demo and waits for it to end; every test here needs a job that wrote a log. */
async function finishedRun(): Promise<{ id: string; logStreamName: string }> {
  if (finished) return finished;
  const submitted = await api(platform, 'POST', '/simulations', { token, body: tinySpec });
  expect(submitted.status).toBe(201);
  const id = submitted.body.id as string;
  const done = await waitForStatus(
    platform,
    token,
    id,
    ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'],
    90,
  );
  expect(done.status).toBe('SUCCEEDED');
  finished = { id, logStreamName: done.job.logStreamName };
  return finished;
}

afterAll(async () => {
  await platform?.stop();
}, 60_000);

async function logs(id: string, query: string): Promise<LogPage> {
  const res = await api(platform, 'GET', `/simulations/${id}/logs?${query}`, { token });
  expect(res.status).toBe(200);
  expect(isLogPage(res.body) ? [] : isLogPage.errors).toEqual([]);
  return res.body as LogPage;
}

describe('GET /simulations/{id}/logs', () => {
  it("answers pages of the job's log that match the LogPage schema, paged forward by nextToken", async () => {
    const { id } = await finishedRun();

    const first = await logs(id, 'startFromHead=true&limit=2');
    expect(first.events).toHaveLength(2);
    expect(first.nextToken).toBeDefined();
    expect(first.logStreamName).toMatch(/\S/);
    const second = await logs(id, `nextToken=${encodeURIComponent(first.nextToken!)}&limit=10000`);
    expect(second.events.length).toBeGreaterThan(0);
    expect(second.events[0]!.timestamp).toBeGreaterThanOrEqual(first.events[1]!.timestamp);
    expect(second.logStreamName).toBe(first.logStreamName);
    // The end of the log: nothing new, the same token back.
    const end = await logs(id, `nextToken=${encodeURIComponent(second.nextToken!)}`);
    expect(end.events).toEqual([]);
    expect(end.nextToken).toBe(second.nextToken);
    const newest = await logs(id, 'startFromHead=false&limit=1');
    expect(newest.events).toEqual([second.events.at(-1)]);
  }, 120_000);
});

describe('who may read logs (the logs route and the local CloudWatch Logs endpoint)', () => {
  it("answers another owner's logs 404, exactly like a missing simulation, and an admin's 200", async () => {
    const { id } = await finishedRun();
    const mine = await api(platform, 'GET', `/simulations/${id}/logs?limit=5`, { token });
    expect(mine.status).toBe(200);
    expect(mine.body.events.length).toBeGreaterThan(0);
    const intruder = await api(platform, 'GET', `/simulations/${id}/logs?limit=5`, {
      token: await platform.token('not-the-owner'),
    });
    expect(intruder.status).toBe(404);
    expect(intruder.body.error.code).toBe('NotFound');
    expect(JSON.stringify(intruder.body)).not.toContain(mine.body.events[0].message);
    const admin = await api(platform, 'GET', `/simulations/${id}/logs?limit=5`, {
      token: await platform.token('log-admin', { admin: true }),
    });
    expect(admin.status).toBe(200);
    expect(admin.body.events).toEqual(mine.body.events);
  }, 120_000);

  it('answers a nextToken the log did not issue with 400 naming query.nextToken, not 500', async () => {
    const { id } = await finishedRun();
    const res = await api(platform, 'GET', `/simulations/${id}/logs?nextToken=not-a-token`, { token });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([expect.objectContaining({ field: 'query.nextToken' })]);
  }, 120_000);

  it("serves GetLogEvents only for job streams of the jobs' log group: other groups and paths are ResourceNotFound", async () => {
    const { logStreamName } = await finishedRun();
    const logs = new CloudWatchLogsClient({
      endpoint: platform.endpoints.eventbridge,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const read = (logGroupName: string, stream: string, nextToken?: string) =>
        logs.send(
          new GetLogEventsCommand({ logGroupName, logStreamName: stream, startFromHead: true, nextToken }),
        );
      const jobsGroup = '/aws/batch/gcr-local';
      expect((await read(jobsGroup, logStreamName)).events?.length).toBeGreaterThan(0);
      for (const [group, stream] of [
        ['/aws/batch/some-other-group', logStreamName],
        ['', logStreamName],
        [jobsGroup, 'local/../../auth/jwt-key.json'],
        [jobsGroup, '../platform.json'],
        [jobsGroup, '/etc/passwd'],
        [jobsGroup, `${logStreamName}/../../../platform.json`],
        [jobsGroup, logStreamName.replace(/^local\//, '')],
      ]) {
        await expect(read(group!, stream!)).rejects.toBeInstanceOf(ResourceNotFoundException);
      }
      await expect(read(jobsGroup, logStreamName, 'f/../../x')).rejects.toBeInstanceOf(
        InvalidParameterException,
      );
    } finally {
      logs.destroy();
    }
  }, 120_000);
});
