/**
 * Inputs that used to reach DynamoDB as they came and answer 500: a list
 * cursor altered by the client, an id of 3,000 characters, the id of a row of
 * the table that is not a simulation. Against the real local API (gateway,
 * JWT authorizer, handlers, dynalite).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  api,
  startPlatformProcess,
  type RunningPlatform,
  aliceBobAndAdmin,
} from '#test/helpers/platform-process.js';
import { exampleSpec } from '#test/helpers/specs.js';

let platform: RunningPlatform;
let alice: string;
let bob: string;
let admin: string;

beforeAll(async () => {
  platform = await startPlatformProcess({ env: { GCR_LOCAL_BATCH_SLOTS: '0' } });
  ({ alice, bob, admin } = await aliceBobAndAdmin(platform));
  // Two of alice's simulations, so that a page of one has a cursor.
  for (let i = 0; i < 2; i++) {
    expect((await api(platform, 'POST', '/simulations', { token: alice, body: exampleSpec() })).status).toBe(
      201,
    );
  }
}, 120_000);

afterAll(async () => {
  await platform?.stop();
}, 60_000);

const cursorOf = (key: unknown): string => Buffer.from(JSON.stringify(key)).toString('base64url');

describe('inputs that answered 500 instead of 4xx', () => {
  it('a tampered list cursor is a 400 on query.cursor, never passed to DynamoDB', async () => {
    const page = await api(platform, 'GET', '/simulations?limit=1', { token: alice });
    expect(page.status).toBe(200);
    const issued = JSON.parse(Buffer.from(page.body.nextCursor, 'base64url').toString()) as Record<
      string,
      string
    >;
    expect(Object.keys(issued).sort()).toEqual(['createdKey', 'id', 'owner']);
    const tampered = [
      { ...issued, id: '' },
      { ...issued, createdKey: 7 },
      { ...issued, id: 'x'.repeat(3000) },
      { ...issued, owner: 'someone-else' },
      { ...issued, extra: 'x' },
      {},
    ];
    for (const key of tampered) {
      for (const [token, query] of [
        [alice, ''],
        [admin, ''],
        [admin, `&owner=${encodeURIComponent(issued['owner']!)}`],
      ] as const) {
        const res = await api(platform, 'GET', `/simulations?limit=1&cursor=${cursorOf(key)}${query}`, {
          token,
        });
        expect({ key, query, status: res.status }).toEqual({ key, query, status: 400 });
        expect(res.body.error.issues).toEqual([expect.objectContaining({ field: 'query.cursor' })]);
      }
    }
    // An admin's cursor over every owner (a scan's, {id}) is not a cursor of one owner's list.
    const scanCursor = await api(
      platform,
      'GET',
      `/simulations?limit=1&cursor=${cursorOf({ id: issued['id'] })}`,
      {
        token: alice,
      },
    );
    expect(scanCursor.status).toBe(400);
    // The cursor as issued still pages.
    const next = await api(platform, 'GET', `/simulations?limit=1&cursor=${page.body.nextCursor}`, {
      token: alice,
    });
    expect(next.status).toBe(200);
    expect(next.body.items).toHaveLength(1);
  }, 60_000);

  it('a 3,000-character id is a 404 naming path.id on every route with an id, not a 500', async () => {
    const long = `sim_${'a'.repeat(3000)}`;
    for (const [method, path] of [
      ['GET', `/simulations/${long}`],
      ['GET', `/simulations/${long}/inputs`],
      ['GET', `/simulations/${long}/logs`],
      ['POST', `/simulations/${long}/cancel`],
      ['GET', `/simulations/${long}/results`],
      ['POST', `/simulations/${long}/results`],
      ['GET', `/simulations/${long}/results/files/outputs/x.nc4`],
      ['POST', `/simulations/${long}/compare/sim_00000000000000000000000000`],
    ] as const) {
      const res = await api(platform, method, path, { token: alice });
      expect({ route: `${method} ${path.slice(0, 40)}`, status: res.status }).toEqual({
        route: `${method} ${path.slice(0, 40)}`,
        status: 404,
      });
      expect(res.body.error.message).toContain('path.id');
    }
    const other = await api(platform, 'POST', `/simulations/sim_00000000000000000000000000/compare/${long}`, {
      token: alice,
    });
    expect(other.status).toBe(404);
    expect(other.body.error.message).toContain('path.otherId');
  }, 60_000);

  it('an admin cannot read rows that are not simulations (/simulations/%23ratelimit%23batch-api is a 404)', async () => {
    const dynamo = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: platform.endpoints.dynamodb,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    // The pollers' token bucket, as they write it (shared/kernel/rate-limit/token-bucket.ts).
    await dynamo.send(
      new PutCommand({
        TableName: platform.tables[0]!,
        Item: { id: '#ratelimit#batch-api', tokens: 50, updatedAt: Date.now(), version: 1 },
      }),
    );
    for (const token of [admin, bob]) {
      for (const path of [
        '/simulations/%23ratelimit%23batch-api',
        '/simulations/%23ratelimit%23batch-api/results',
        '/simulations/%23ratelimit%23batch-api/inputs',
      ]) {
        const res = await api(platform, 'GET', path, { token });
        expect({ path, status: res.status }).toEqual({ path, status: 404 });
        expect(JSON.stringify(res.body)).not.toContain('tokens');
      }
    }
  }, 60_000);
});
