import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoSimulationRepository } from '#shared/kernel/repository/simulations.js';
import {
  api,
  startPlatformProcess,
  waitForStatus,
  type RunningPlatform,
  aliceBobAndAdmin,
} from '#test/helpers/platform-process.js';
import { exampleSpec } from '#test/helpers/specs.js';
import { validatorFor } from '#schemas/validator.js';

let platform: RunningPlatform;
let alice: string;
let bob: string;
let admin: string;

beforeAll(async () => {
  // Jobs stay RUNNABLE (no local Batch slots): these tests are about the API, not the models.
  platform = await startPlatformProcess({ env: { GCR_LOCAL_BATCH_SLOTS: '0' } });
  ({ alice, bob, admin } = await aliceBobAndAdmin(platform));
}, 120_000);

afterAll(async () => {
  await platform?.stop();
}, 60_000);

function directRepository() {
  const client = new DynamoDBClient({
    endpoint: platform.endpoints.dynamodb,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return createDynamoSimulationRepository(DynamoDBDocumentClient.from(client), {
    tableName: platform.tables[0]!,
    statusIndexShards: 16,
  });
}

async function submit(token: string, spec: unknown = exampleSpec(), headers: Record<string, string> = {}) {
  return api(platform, 'POST', '/simulations', { token, body: spec, headers });
}

describe('submission API on the local platform', () => {
  it('answers /health without a token', async () => {
    const res = await api(platform, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', service: 'submission' });
  });

  it('returns 401 without a token and with a forged one', async () => {
    expect((await api(platform, 'GET', '/simulations')).status).toBe(401);
    expect((await api(platform, 'GET', '/simulations', { token: `${alice}x` })).status).toBe(401);
    expect((await api(platform, 'POST', '/simulations', { body: exampleSpec() })).status).toBe(401);
  });

  it('creates a PENDING simulation with its history and a Location header', async () => {
    const res = await submit(alice);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'PENDING',
      version: 1,
      backend: 'local',
      name: exampleSpec()['name'],
    });
    expect(res.body.id).toMatch(/^sim_[0-9a-z]{26}$/);
    expect(res.body.history).toEqual([expect.objectContaining({ from: null, to: 'PENDING' })]);
    expect(res.headers.get('location')).toBe(`/simulations/${res.body.id}`);
    const got = await api(platform, 'GET', `/simulations/${res.body.id}`, { token: alice });
    expect(got.status).toBe(200);
    // The poller may already have submitted its job: same simulation, possibly further along.
    expect(got.body).toMatchObject({ id: res.body.id, spec: res.body.spec, createdAt: res.body.createdAt });
    expect(got.body.history[0]).toEqual(res.body.history[0]);
  });

  it('publishes Simulation Submitted to the events log', async () => {
    const { body } = await submit(alice);
    const log = readFileSync(path.join(platform.dataDir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const event = log.find((e) => e.detail.simulationId === body.id);
    expect(event).toMatchObject({
      source: 'gcr.submission',
      'detail-type': 'Simulation Submitted',
      detail: { schemaVersion: '1', simulationId: body.id, backend: 'local' },
    });
  });

  it('returns 404 when the simulation belongs to someone else', async () => {
    const { body } = await submit(alice);
    const res = await api(platform, 'GET', `/simulations/${body.id}`, { token: bob });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NotFound');
    expect((await api(platform, 'POST', `/simulations/${body.id}/cancel`, { token: bob })).status).toBe(404);
    const bobsList = await api(platform, 'GET', '/simulations?limit=100', { token: bob });
    expect(bobsList.body.items.map((s: { id: string }) => s.id)).not.toContain(body.id);
  });

  it('returns 404 for an id that does not exist', async () => {
    const res = await api(platform, 'GET', '/simulations/sim_00000000000000000000000000', { token: alice });
    expect(res.status).toBe(404);
  });

  it('lets an admin see and list everyone', async () => {
    const { body } = await submit(bob);
    expect((await api(platform, 'GET', `/simulations/${body.id}`, { token: admin })).status).toBe(200);
    const all = await api(platform, 'GET', '/simulations?limit=100', { token: admin });
    const owners = new Set(all.body.items.map((s: { owner: string }) => s.owner));
    expect(owners.size).toBeGreaterThanOrEqual(2);
  });

  it("lists exactly one owner's simulations for an admin's ?owner=, newest first, across pages (removing the admin ?owner= filter fails it; no every() over a possibly empty list)", async () => {
    const frank = await platform.token('frank');
    const franks: string[] = [];
    for (let i = 0; i < 3; i++) franks.push((await submit(frank)).body.id);
    const owner = (await api(platform, 'GET', `/simulations/${franks[0]}`, { token: frank })).body.owner;
    // Others' simulations exist (this test makes one, so it holds alone too):
    // without the filter the admin's list would show them.
    expect((await submit(bob)).status).toBe(201);
    const everyone = await api(platform, 'GET', '/simulations?limit=100', { token: admin });
    expect(everyone.body.items.some((s: { owner: string }) => s.owner !== owner)).toBe(true);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api(
        platform,
        'GET',
        `/simulations?owner=${encodeURIComponent(owner)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: admin },
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((s: { id: string }) => s.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...franks].reverse());
  }, 60_000);

  it('refuses ?owner= from a non-admin with 400 naming the field', async () => {
    const res = await api(platform, 'GET', '/simulations?owner=someone', { token: alice });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].field).toBe('query.owner');
  });

  it('returns the same simulation for a retried POST with the same Idempotency-Key', async () => {
    const key = `key-${Date.now()}`;
    const first = await submit(alice, exampleSpec(), { 'idempotency-key': key });
    const second = await submit(alice, exampleSpec(), { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.id).toBe(first.body.id);
    const list = await api(platform, 'GET', '/simulations?limit=100', { token: alice });
    expect(list.body.items.filter((s: { id: string }) => s.id === first.body.id)).toHaveLength(1);
  });

  it('treats the same Idempotency-Key of another user as a different request', async () => {
    const key = `shared-${Date.now()}`;
    const a = await submit(alice, exampleSpec(), { 'idempotency-key': key });
    const b = await submit(bob, exampleSpec(), { 'idempotency-key': key });
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
  });

  it('answers 422 when an Idempotency-Key is reused with a different spec', async () => {
    const key = `reuse-${Date.now()}`;
    await submit(alice, exampleSpec(), { 'idempotency-key': key });
    const res = await submit(alice, { ...exampleSpec(), name: 'something else' }, { 'idempotency-key': key });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('IdempotencyKeyReused');
  });

  it('answers 400 for an Idempotency-Key that is not visible ASCII', async () => {
    const res = await submit(alice, exampleSpec(), { 'idempotency-key': 'a'.repeat(300) });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].field).toBe('header.Idempotency-Key');
  });

  it('answers 400 naming the body for malformed JSON', async () => {
    const res = await api(platform, 'POST', '/simulations', { token: alice, rawBody: '{"name": ' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'ValidationError', issues: [{ field: 'body' }] });
  });

  it('answers 400 for an empty body', async () => {
    const res = await api(platform, 'POST', '/simulations', { token: alice });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({ field: 'body', message: 'is required' });
  });

  it('answers 400 with every field problem of an invalid spec', async () => {
    const spec = exampleSpec();
    spec['grid'] = { ...spec['grid'], resolution: '3x3' };
    spec['bogus'] = true;
    const res = await submit(alice, spec);
    expect(res.status).toBe(400);
    const fields = res.body.error.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['grid.resolution']));
    expect(res.body.error.issues.length).toBeGreaterThanOrEqual(2);
  });

  it('answers 400 for a combination createRunDir.sh refuses, saying why', async () => {
    const spec = exampleSpec();
    spec['meteorology'] = { field: 'merra2' };
    spec['grid'] = { resolution: '0.125x0.15625', levels: 72, nestedDomain: 'NA' };
    const res = await submit(alice, spec);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error.issues)).toMatch(/MERRA-2/);
  });

  it('answers 413 for a body over 256 KB', async () => {
    const spec = exampleSpec();
    spec['description'] = 'x'.repeat(300 * 1024);
    const res = await submit(alice, spec);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'PayloadTooLarge', limit: 262144 });
  });

  it.each([
    ['limit=0', 'query.limit'],
    ['limit=abc', 'query.limit'],
    ['limit=1000', 'query.limit'],
    ['status=DONE', 'query.status'],
    ['cursor=not-a-cursor', 'query.cursor'],
    ['colour=blue', 'query'],
  ])('answers 400 for the query %s naming %s', async (query, field) => {
    const res = await api(platform, 'GET', `/simulations?${query}`, { token: alice });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { field: string }) => i.field)).toContain(field);
  });

  it('answers 404 for a route that does not exist', async () => {
    expect((await api(platform, 'GET', '/nope', { token: alice })).status).toBe(404);
  });

  it('pages through my simulations newest first with a cursor', async () => {
    const carol = await platform.token('carol');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await submit(carol)).body.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await api(
        platform,
        'GET',
        `/simulations?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: carol },
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((s: { id: string }) => s.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters my simulations by status', async () => {
    const dave = await platform.token('dave');
    const a = (await submit(dave)).body.id;
    await submit(dave);
    await api(platform, 'POST', `/simulations/${a}/cancel`, { token: dave });
    await waitForStatus(platform, dave, a, ['CANCELLED'], 60);
    const res = await api(platform, 'GET', '/simulations?status=CANCELLED', { token: dave });
    expect(res.body.items.map((s: { id: string }) => s.id)).toEqual([a]);
  });

  it('filters my simulations by tag, by type and by creation date, and lists their tags', async () => {
    const gwen = await platform.token('gwen');
    const ozone = (await submit(gwen, { ...exampleSpec(), tags: { project: 'ozone' } })).body;
    const aerosol = (await submit(gwen, { ...exampleSpec(), tags: { project: 'aerosol' } })).body;
    const list = async (query: string) =>
      (await api(platform, 'GET', `/simulations?${query}`, { token: gwen })).body.items.map(
        (s: { id: string }) => s.id,
      );
    expect(await list('tag=project%3Dozone')).toEqual([ozone.id]);
    expect(await list(`type=${ozone.spec.simulation.type}`)).toEqual([aerosol.id, ozone.id]);
    expect(await list('type=fullchem')).toEqual([]);
    expect(await list(`createdFrom=${encodeURIComponent(aerosol.createdAt)}`)).toEqual([aerosol.id]);
    expect(await list(`createdTo=${encodeURIComponent(ozone.createdAt)}`)).toEqual([ozone.id]);
    expect(await list('createdTo=2000-01-01T00%3A00%3A00Z')).toEqual([]);
    const first = await api(platform, 'GET', '/simulations?tag=project%3Daerosol', { token: gwen });
    expect(first.body.items[0].tags).toEqual({ project: 'aerosol' });
    const bad = await api(platform, 'GET', '/simulations?tag=no-equals-sign', { token: gwen });
    expect(bad.status).toBe(400);
  });

  it('answers an ETag, 304 to If-None-Match while nothing changed, and 200 with a new ETag once it did', async () => {
    const frida = await platform.token('frida');
    const { body } = await submit(frida);
    await waitForStatus(platform, frida, body.id, ['SUBMITTED', 'RUNNABLE'], 60);
    for (const path of [`/simulations/${body.id}`, '/simulations']) {
      const first = await api(platform, 'GET', path, { token: frida });
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[\w-]+"$/);
      const again = await api(platform, 'GET', path, { token: frida, headers: { 'if-none-match': etag! } });
      expect(again.status).toBe(304);
      expect(again.body).toBeUndefined();
      expect(again.headers.get('etag')).toBe(etag);
    }
    const before = (await api(platform, 'GET', '/simulations', { token: frida })).headers.get('etag')!;
    await api(platform, 'POST', `/simulations/${body.id}/cancel`, { token: frida });
    const after = await api(platform, 'GET', '/simulations', {
      token: frida,
      headers: { 'if-none-match': before },
    });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before);
  });

  it('moves an active simulation to CANCELLING, idempotently, publishes the change, and the poller ends it CANCELLED', async () => {
    const { body } = await submit(alice);
    const first = await api(platform, 'POST', `/simulations/${body.id}/cancel`, { token: alice });
    expect(first.status).toBe(202);
    expect(first.body.status).toBe('CANCELLING');
    expect(first.body.history.at(-1)).toMatchObject({
      to: 'CANCELLING',
      reason: expect.stringMatching(/cancel requested by alice/),
    });
    const again = await api(platform, 'POST', `/simulations/${body.id}/cancel`, { token: alice });
    expect([202, 409]).toContain(again.status); // 409 once the poller has already finished it
    await waitForStatus(platform, alice, body.id, ['CANCELLED'], 60);
    const log = readFileSync(path.join(platform.dataDir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const changes = log.filter(
      (e) => e.detail.simulationId === body.id && e['detail-type'] === 'Simulation Status Changed',
    );
    expect(changes.filter((e) => e.detail.to === 'CANCELLING')).toHaveLength(1);
    expect(changes.filter((e) => e.detail.to === 'CANCELLED')).toHaveLength(1);
  });

  it('answers 409 when cancelling a simulation that already ended', async () => {
    const { body } = await submit(alice);
    await directRepository().transition({
      id: body.id,
      expectedVersion: 1,
      from: 'PENDING',
      to: 'FAILED',
      reason: 'test',
    });
    const res = await api(platform, 'POST', `/simulations/${body.id}/cancel`, { token: alice });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/FAILED/);
  });

  it('answers GET /simulations/{id}/logs with 409 NoLogsYet before the job starts, and 400 naming a bad query', async () => {
    const { body } = await submit(bob);
    const early = await api(platform, 'GET', `/simulations/${body.id}/logs`, { token: bob });
    expect(early.status).toBe(409);
    expect(validatorFor('https://gcr.dev/schemas/api/error-response.schema.json')(early.body)).toBe(true);
    expect(early.body.error.code).toBe('NoLogsYet');
    const bad = await api(platform, 'GET', `/simulations/${body.id}/logs?limit=0&startFromHead=yes`, {
      token: bob,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { field: string }) => i.field)).toEqual([
      'query.limit',
      'query.startFromHead',
    ]);
  });

  it('answers 429 naming the limit and the count when an owner has too many active simulations', async () => {
    const erin = await platform.token('erin');
    for (let i = 0; i < 20; i++) expect((await submit(erin)).status).toBe(201);
    const res = await submit(erin);
    expect(res.status).toBe(429);
    expect(res.body.error).toMatchObject({ code: 'LimitExceeded', limit: 20, current: 20 });
    expect(res.body.error.message).toMatch(/20 active simulations; the limit is 20/);
  }, 60_000);
});
