/**
 * The local gateway: its own routes (POST /local/tokens: loopback clients
 * only, no authorizer, JSON answers), URL decoding, and how it answers for a
 * saturated function.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { allowedOrigin, corsConfiguration, createApiGateway, isLoopback } from '#local/http/api-gateway.js';
import { loadServerlessConfig } from '#local/wiring/serverless-config.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import { FunctionThrottledError } from '#local/lambda/errors.js';

let server: Server;
let port: number;
const received: string[] = [];

beforeAll(async () => {
  server = createApiGateway({
    routes: [],
    localRoutes: [
      {
        method: 'POST',
        path: '/local/tokens',
        handle: async ({ body }) => {
          received.push(body);
          return { statusCode: 200, body: { token: 't', expiresAt: '2030-01-01T00:00:00.000Z' } };
        },
      },
    ],
    authorize: async () => undefined,
  });
  // Every interface, so that a client can also come from a non-loopback address of this machine.
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** An IPv4 address of this machine that is not loopback, if it has one. */
function externalAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}

describe('local routes of the gateway', () => {
  it('answers a loopback client without a token, passing the body through', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/local/tokens`, {
      method: 'POST',
      body: '{"user":"a"}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ token: 't', expiresAt: '2030-01-01T00:00:00.000Z' });
    expect(received.at(-1)).toBe('{"user":"a"}');
  });

  it('refuses a client on another address with 403, and one that came through a proxy', async () => {
    const address = externalAddress();
    if (address) {
      const res = await fetch(`http://${address}:${port}/local/tokens`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({
        error: { code: 'Forbidden', message: expect.stringMatching(/clients on this machine only/) },
      });
    }
    const proxied = await fetch(`http://127.0.0.1:${port}/local/tokens`, {
      method: 'POST',
      headers: { 'x-forwarded-for': '203.0.113.9' },
      body: '{}',
    });
    expect(proxied.status).toBe(403);
  });

  it('answers another method with 405 and the method to use', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/local/tokens`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /takes POST, not GET/,
    );
  });

  it('leaves other paths to the service routes (404 here: there are none)', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/local/other`, { method: 'POST' });
    expect(res.status).toBe(404);
  });
});

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['192.0.2.2', false],
    ['::ffff:10.0.0.1', false],
    ['fd00::2', false],
    [undefined, false],
  ])('%s -> %s', (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });
});

describe('service routes of the gateway', () => {
  let routesServer: Server;
  let base: string;
  const events: Record<string, unknown>[] = [];
  let throttle: FunctionThrottledError | undefined;

  beforeAll(async () => {
    routesServer = createApiGateway({
      routes: [
        {
          method: 'GET',
          path: '/simulations/{id}',
          authorized: false,
          invoke: async (event) => {
            if (throttle) throw throttle;
            events.push(event as unknown as Record<string, unknown>);
            return { statusCode: 200, body: '{}' };
          },
        },
      ],
      authorize: async () => undefined,
    });
    await new Promise<void>((resolve) => routesServer.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(routesServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    routesServer.closeAllConnections();
    await new Promise<void>((resolve) => routesServer.close(() => resolve()));
  });

  describe('Malformed percent-encoding on the local gateway answers 500', () => {
    it.each([
      ['/simulations/%E0%A4%A', 'path.id'],
      ['/simulations/%zz', 'path.id'],
      ['/simulations/sim_1?cursor=%zz', 'query.cursor'],
      ['/simulations/sim_1?limit=10&cursor=%E0%A4', 'query.cursor'],
      ['/simulations/sim_1?%zz=1', 'query'],
    ])('%s answers 400 naming %s, without invoking the function', async (target, field) => {
      const before = events.length;
      const res = await fetch(`${base}${target}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: {
          code: 'ValidationError',
          message: 'the request URL is malformed',
          issues: [{ field, message: expect.stringMatching(/not valid percent-encoding/) }],
        },
      });
      expect(events.length).toBe(before);
    });

    it('decodes well-formed escapes in the path and the query as payload 2.0 does', async () => {
      const res = await fetch(`${base}/simulations/sim%5F1?a=x%2Fy&b=1+2&a=z`);
      expect(res.status).toBe(200);
      expect(events.at(-1)).toMatchObject({
        pathParameters: { id: 'sim_1' },
        queryStringParameters: { a: 'x/y,z', b: '1 2' },
        rawQueryString: 'a=x%2Fy&b=1+2&a=z',
      });
    });
  });

  describe('Submissions collapse under load: a saturated function is answered at once', () => {
    it.each<['queue-full' | 'wait-exceeded', number, string]>([
      ['queue-full', 429, 'Too Many Requests'],
      ['wait-exceeded', 503, 'Service Unavailable'],
    ])('%s answers %s with Retry-After', async (reason, status, message) => {
      throttle = new FunctionThrottledError('fn', reason, 3);
      try {
        const res = await fetch(`${base}/simulations/sim_1`);
        expect(res.status).toBe(status);
        expect(res.headers.get('retry-after')).toBe('3');
        expect(await res.json()).toEqual({ message });
      } finally {
        throttle = undefined;
      }
    });
  });
});

describe('CORS origins, as API Gateway HTTP API matches allowOrigins', () => {
  const cors = {
    allowOrigins: ['https://console.example.org', 'http://localhost:*'],
    allowMethods: ['GET'],
    allowHeaders: [],
    exposeHeaders: [],
    maxAgeSeconds: 1,
  };

  it('allows an exact origin and any origin a pattern ending in * prefixes; nothing else', () => {
    expect(allowedOrigin(cors, 'https://console.example.org')).toBe('https://console.example.org');
    expect(allowedOrigin(cors, 'http://localhost:5173')).toBe('http://localhost:5173');
    expect(allowedOrigin(cors, 'https://console.example.org.evil.net')).toBeUndefined();
    expect(allowedOrigin(cors, 'http://localhost')).toBeUndefined();
    expect(allowedOrigin(cors, 'http://localhost.evil.net:80')).toBeUndefined();
    expect(allowedOrigin(cors, undefined)).toBeUndefined();
    expect(allowedOrigin({ ...cors, allowOrigins: ['*'] }, 'https://any.example')).toBe('*');
  });

  it("reads a stage's origins from the root serverless.yml, or the default's", () => {
    const root = loadServerlessConfig(path.join(repoRoot, 'serverless.yml'), {
      stage: 'local',
      region: 'us-east-1',
    });
    expect(corsConfiguration(root.raw, 'local').allowOrigins).toContain('http://localhost:*');
    // A deployed stage answers its console only: the origin the deploy passes, else a name nothing serves.
    expect(corsConfiguration(root.raw, 'prod').allowOrigins).toEqual(['https://console.invalid']);
    const deployed = loadServerlessConfig(path.join(repoRoot, 'serverless.yml'), {
      stage: 'prod',
      region: 'us-east-1',
      params: { consoleOrigin: 'https://d111111abcdef8.cloudfront.net' },
    });
    expect(corsConfiguration(deployed.raw, 'prod').allowOrigins).toEqual([
      'https://d111111abcdef8.cloudfront.net',
    ]);
    expect(corsConfiguration(root.raw, 'local').allowHeaders).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']),
    );
  });
});
