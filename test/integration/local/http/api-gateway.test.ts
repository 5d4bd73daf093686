import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { api, startPlatformProcess, type RunningPlatform } from '#test/helpers/platform-process.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';

const run = promisify(execFile);

describe('the local platform API gateway, as a browser and a front end meet it', () => {
  // Started with a generous deadline: on a machine shared by several platforms, a start takes minutes.
  let running: RunningPlatform | undefined;
  const platform = (): RunningPlatform => {
    if (!running) throw new Error('the local platform did not start');
    return running;
  };
  beforeAll(async () => {
    running = await startPlatformProcess({ env: { GCR_LOCAL_BATCH_SLOTS: '0' }, timeoutMs: 480_000 });
  }, 500_000);
  afterAll(async () => {
    await running?.stop();
  }, 60_000);

  it('answers GET /openapi.json without a token, and the document is valid OpenAPI 3.1 (redocly lint)', async () => {
    const res = await api(platform(), 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/simulations', '/openapi.json']));

    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'gcr-openapi-')), 'served.json');
    writeFileSync(file, JSON.stringify(res.body));
    // The repository's rules (recommended, as errors); a problem exits non-zero and fails here.
    const { stdout, stderr } = await run(
      path.join(repoRoot, 'node_modules/.bin/redocly'),
      ['lint', file, '--config', path.join(repoRoot, 'redocly.yaml'), '--format=stylish'],
      {
        cwd: repoRoot,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    );
    expect(`${stdout}${stderr}`).toMatch(/Your API description is valid/);
  }, 120_000);

  it('answers a browser preflight itself (204, the CORS headers), without invoking any function', async () => {
    const preflight = (urlPath: string) =>
      fetch(`${platform().url}${urlPath}`, {
        method: 'OPTIONS',
        headers: {
          Origin: CONSOLE,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type,idempotency-key',
        },
      });
    const res = await preflight('/simulations');
    expect(res.status).toBe(204);
    // Every answer of a function carries the request id the gateway gave its invocation; this one has none.
    expect(res.headers.get('apigw-requestid')).toBeNull();
    // As API Gateway: answered for any path, no OPTIONS route needed (none exists).
    const elsewhere = await preflight('/no/such/route');
    expect(elsewhere.status).toBe(204);
    expect(elsewhere.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(res.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(res.headers.get('vary')).toMatch(/Origin/);
    expect(listed(res.headers.get('access-control-allow-methods'))).toEqual(
      expect.arrayContaining(['GET', 'POST', 'PUT', 'DELETE']),
    );
    expect(listed(res.headers.get('access-control-allow-headers'))).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']),
    );
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(await res.text()).toBe('');
  });

  it('gives an origin it does not allow no CORS headers, preflight or not', async () => {
    const preflight = await fetch(`${platform().url}/simulations`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example.org', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(corsHeaders(preflight.headers)).toEqual([]);
    const get = await fetch(`${platform().url}/health`, { headers: { Origin: 'https://evil.example.org' } });
    expect(get.status).toBe(200);
    expect(corsHeaders(get.headers)).toEqual([]);
  });

  it("adds the CORS headers to an actual request from an allowed origin, the gateway's own 401 too", async () => {
    const token = await platform().token('cors');
    const get = await fetch(`${platform().url}/simulations`, {
      headers: { Origin: CONSOLE, Authorization: `Bearer ${token}` },
    });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(get.headers.get('vary')).toMatch(/Origin/);
    expect(listed(get.headers.get('access-control-expose-headers'))).toEqual(
      expect.arrayContaining(['location', 'retry-after', 'etag']),
    );
    const refused = await fetch(`${platform().url}/simulations`, { headers: { Origin: CONSOLE } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(CONSOLE);
  });
});

/** The console under development: any port of localhost is allowed on the local stage (serverless.yml custom.cors). */
const CONSOLE = 'http://localhost:5173';

function listed(header: string | null): string[] {
  return (header ?? '').split(',').map((item) => item.trim());
}

function corsHeaders(headers: Headers): string[] {
  return [...headers.keys()].filter((name) => name.startsWith('access-control-'));
}
