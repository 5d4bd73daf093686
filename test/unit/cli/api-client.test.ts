import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient } from '#cli/api-client.js';
import { ApiError, AuthError } from '#cli/errors.js';
import { startFakeApi, type FakeApi } from './fake-api.js';

const ID = 'sim_01jd3k9x2m4q8r7t6v5w3y1z0a';

describe('the CLI API client (openapi-fetch over the generated OpenAPI types)', () => {
  let fake: FakeApi;
  beforeAll(async () => {
    fake = await startFakeApi();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('asks getToken before each request, so a refreshed token is used at once', async () => {
    fake.routes.set('GET /health', () => ({
      status: 200,
      body: { status: 'ok', service: 's', time: 'now' },
    }));
    const tokens = ['first', 'second'];
    const client = new ApiClient({ baseUrl: fake.url, getToken: async () => tokens.shift() });
    await client.health();
    await client.health();
    expect(fake.requests.slice(-2).map((r) => r.headers['authorization'])).toEqual([
      'Bearer first',
      'Bearer second',
    ]);
  });

  it('sends the spec file as written, with its Idempotency-Key, and a file key keeps its slashes', async () => {
    fake.routes.set('POST /simulations', () => ({ status: 201, body: { id: ID } }));
    fake.routes.set(`GET /simulations/${ID}/results/files/outputs/a%20b.nc4`, () => ({
      status: 200,
      body: { key: 'outputs/a b.nc4', url: 'http://x', expiresAt: 'later' },
    }));
    const client = new ApiClient({ baseUrl: `${fake.url}/`, token: 't' });
    const spec = '{ "name": "as written" ,\n "grid": {} }';
    const created = await client.submitSimulation(spec, 'key-1');
    expect(created).toEqual({ status: 201, body: { id: ID } });
    const sent = fake.requests.at(-1)!;
    expect(sent.body).toBe(spec);
    expect(sent.headers['idempotency-key']).toBe('key-1');
    expect(sent.headers['content-type']).toBe('application/json');
    const link = await client.getResultFileLink(ID, 'outputs/a b.nc4');
    expect(link.key).toBe('outputs/a b.nc4');
    expect(fake.requests.at(-1)!.path).toBe(`/simulations/${ID}/results/files/outputs/a%20b.nc4`);
  });

  it('sends the query the document names, without empty values', async () => {
    fake.routes.set('GET /simulations', () => ({ status: 200, body: { items: [] } }));
    fake.routes.set(`POST /simulations/${ID}/compare/${ID}`, () => ({ status: 200, body: {} }));
    const client = new ApiClient({ baseUrl: fake.url });
    await client.listSimulations({ status: 'RUNNING', limit: 5, cursor: '' });
    expect(Object.fromEntries(fake.requests.at(-1)!.query)).toEqual({ status: 'RUNNING', limit: '5' });
    await client.compare(ID, ID, true);
    expect(Object.fromEntries(fake.requests.at(-1)!.query)).toEqual({ refresh: 'true' });
  });

  it('maps answers as before: a 2xx that is not JSON, 401, and an ErrorResponse with its issues', async () => {
    fake.routes.set('GET /subscriptions', () => ({ status: 200, raw: '<html>proxy</html>' }));
    fake.routes.set('GET /budgets', () => ({ status: 401, body: { message: 'Unauthorized' } }));
    fake.routes.set('DELETE /budgets', () => ({
      status: 400,
      body: {
        error: { code: 'ValidationError', message: 'bad', issues: [{ field: 'query.tag', message: 'x' }] },
      },
    }));
    const client = new ApiClient({ baseUrl: fake.url });
    await expect(client.listSubscriptions()).rejects.toMatchObject({
      constructor: ApiError,
      code: 'BadResponse',
      message: expect.stringContaining('<html>proxy</html>'),
    });
    await expect(client.listBudgets()).rejects.toBeInstanceOf(AuthError);
    await expect(client.deleteBudget({ tag: 'a=b' })).rejects.toMatchObject({
      code: 'ValidationError',
      httpStatus: 400,
      issues: [{ field: 'query.tag', message: 'x' }],
    });
    expect(Object.fromEntries(fake.requests.at(-1)!.query)).toEqual({ tag: 'a=b' });
  });

  it('answers a 204 without a body', async () => {
    fake.routes.set(`DELETE /subscriptions/sub_1`, () => ({ status: 204 }));
    await expect(new ApiClient({ baseUrl: fake.url }).deleteSubscription('sub_1')).resolves.toBeUndefined();
  });
});
