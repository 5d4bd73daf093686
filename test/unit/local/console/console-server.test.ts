import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  consoleRequestHandler,
  consoleSecurityHeaders,
  type ConsoleRuntimeConfig,
} from '#local/console/console-server.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const webStack = path.join(repoRoot, 'web/serverless.yml');

const config: ConsoleRuntimeConfig = {
  apiUrl: 'http://127.0.0.1:3000',
  auth: { authority: 'http://127.0.0.1:4000', clientId: 'gcr-web', scopes: ['openid'] },
  stage: 'local',
};

describe('the local console server', () => {
  let server: Server;
  let base: string;
  let runtimeConfig: ConsoleRuntimeConfig | undefined = config;
  beforeAll(async () => {
    const dist = mkdtempSync(path.join(os.tmpdir(), 'gcr-console-'));
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(path.join(dist, 'assets', 'index-abc123.css'), 'body{}');
    writeFileSync(path.join(os.tmpdir(), 'gcr-console-secret.txt'), 'secret');
    server = createServer(
      consoleRequestHandler({
        distDir: dist,
        runtimeConfig: () => runtimeConfig,
        securityHeaders: () =>
          consoleSecurityHeaders(webStack, {
            apiOrigin: config.apiUrl,
            authOrigins: [config.auth.authority],
          }),
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers the platform-made config.json, uncached, and 503 until the API listens', async () => {
    const response = await fetch(`${base}/config.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.json()).toEqual(config);
    runtimeConfig = undefined;
    expect((await fetch(`${base}/config.json`)).status).toBe(503);
    runtimeConfig = config;
  });

  it('answers index.html for a page path (SPA fallback) and 404 for a missing file', async () => {
    for (const page of ['/', '/simulations', '/simulations/sim-123', '/callback']) {
      const response = await fetch(`${base}${page}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('<title>console</title>');
    }
    expect((await fetch(`${base}/assets/missing-chunk.js`)).status).toBe(404);
  });

  it('serves assets with their content type and immutable caching, and nothing outside dist', async () => {
    const script = await fetch(`${base}/assets/index-abc123.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const style = await fetch(`${base}/assets/index-abc123.css`);
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(`${base}/..%2Fgcr-console-secret.txt`)).status).toBe(404);
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405);
  });

  it("sets the CloudFront stack's security headers, with the API and the provider in connect-src", async () => {
    const response = await fetch(`${base}/simulations`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:3000 http://127.0.0.1:4000");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d+; includeSubDomains$/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  });
});
