/** `gcr site add|list|rm|credential` against a real HTTP server playing the API (fake-api.ts). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Site } from '#schemas/generated/types.js';
import { runGcr } from '#test/helpers/run-gcr.js';
import { startFakeApi, type FakeApi } from '../fake-api.js';

let api: FakeApi;
let dir: string;

beforeAll(async () => {
  api = await startFakeApi();
  dir = mkdtempSync(path.join(os.tmpdir(), 'gcr-site-cli-'));
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

const gcr = (argv: string[]) => runGcr(argv, { GCR_API_URL: api.url, GCR_TOKEN: 't' }, process.cwd());

const site: Site = {
  name: 'harvard-cannon',
  partitions: [
    { name: 'sapphire', maxTimeMinutes: 4320, maxCpus: 112, maxMemoryMiB: 900000 },
    { name: 'test', maxTimeMinutes: 60, maxCpus: 8, maxMemoryMiB: 16000 },
  ],
  account: 'jacob_lab',
  updatedAt: '2026-12-07T09:00:00.000Z',
  updatedBy: 'ada',
  credentials: [],
};

describe('gcr site', () => {
  it('add sends each --partition with its limits, and shows the site', async () => {
    api.routes.set('POST /sites', () => ({ status: 200, body: site }));
    const { code, stdout } = await gcr([
      'site',
      'add',
      'harvard-cannon',
      '--partition',
      'sapphire:4320:112:900000',
      '--partition',
      'test:60:8:16000',
      '--account',
      'jacob_lab',
      '--max-concurrent-jobs',
      '20',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(api.requests.at(-1)!.body)).toEqual({
      name: 'harvard-cannon',
      partitions: site.partitions,
      account: 'jacob_lab',
      maxConcurrentJobs: 20,
    });
    expect(stdout).toContain('sapphire 4320/112/900000, test 60/8/16000');
  });

  it('list shows every site; rm removes one', async () => {
    api.routes.set('GET /sites', () => ({ status: 200, body: { items: [site] } }));
    expect((await gcr(['site', 'list'])).stdout).toContain('harvard-cannon');
    api.routes.set('DELETE /sites/harvard-cannon', () => ({ status: 204 }));
    expect(await gcr(['site', 'rm', 'harvard-cannon'])).toMatchObject({
      code: 0,
      stdout: 'site harvard-cannon removed\n',
    });
  });

  it('credential --out writes the secret to a 0600 file and never prints it', async () => {
    const secret = `gcrsite_0123456789abcdef_${'a'.repeat(64)}`;
    api.routes.set('POST /sites/harvard-cannon/credentials', () => ({
      status: 201,
      body: { site: 'harvard-cannon', credentialId: '0123456789abcdef', secret, createdAt: site.updatedAt },
    }));
    const file = path.join(dir, 'agent.secret');
    const { code, stdout } = await gcr(['site', 'credential', 'harvard-cannon', '--out', file]);
    expect(code).toBe(0);
    expect(stdout).not.toContain(secret);
    expect(readFileSync(file, 'utf8')).toBe(`${secret}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
