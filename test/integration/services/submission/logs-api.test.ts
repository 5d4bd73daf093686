/**
 * GET /simulations/{id}/logs on the local platform, with a job that really
 * runs (the demo model): every page the route answers is a LogPage
 * (schemas/api/log-page.schema.json), and its nextToken pages forward.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
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

beforeAll(async () => {
  platform = await startPlatformProcess({
    env: { GCR_SCHEDULE_RATE_SECONDS: '2', GCR_LOCAL_BATCH_SLOTS: '1' },
  });
  token = await platform.token('log-reader');
}, 120_000);

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
