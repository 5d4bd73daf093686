/** The local gateway's own routes (POST /local/tokens): loopback clients only, no authorizer, JSON answers. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { createApiGateway, isLoopback } from '#local/http/api-gateway.js';

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
        handle: async (body) => {
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
