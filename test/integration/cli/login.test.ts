/**
 * `gcr login` end to end against a real local platform: the PKCE flow with the
 * browser step done by Debian's Chromium (playwright-core), then `gcr list`
 * on the cached token, on a refreshed one once the short-lived access token
 * has expired, and `gcr logout`.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser } from 'playwright-core';
import { runCli } from '#cli/main.js';
import { addLocalUser } from '#local/auth/users.js';
import { startPlatformProcess, type RunningPlatform } from '#test/helpers/platform-process.js';
import { runGcr } from '#test/helpers/run-gcr.js';

const CHROMIUM = '/usr/bin/chromium';
let running: RunningPlatform | undefined;
const platform = (): RunningPlatform => running as RunningPlatform;
let configHome: string;
let browser: Browser;
let env: Record<string, string>;

beforeAll(async () => {
  // Functions start on first use: only list runs, and the machine may be busy.
  running = await startPlatformProcess({
    env: { GCR_LOCAL_BATCH_SLOTS: '0', GCR_LOCAL_PREWARM: 'false', GCR_LOCAL_ACCESS_TOKEN_TTL: '3' },
    timeoutMs: 300_000,
  });
  configHome = await fs.mkdtemp(path.join(os.tmpdir(), 'gcr-config-'));
  env = { GCR_DATA_DIR: platform().dataDir, XDG_CONFIG_HOME: configHome, PATH: process.env.PATH ?? '' };
  await addLocalUser(platform().dataDir, 'alice', 'alice-password', ['admin']);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
  await fs.rm(configHome, { recursive: true, force: true });
});

const cacheFile = () => path.join(configHome, 'gcr', 'tokens', 'local.json');
const cached = async () => JSON.parse(await fs.readFile(cacheFile(), 'utf8')) as Record<string, string>;

/** `gcr login --no-browser`, with Chromium following the URL it prints and signing in. */
async function loginWithChromium(): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  let announce: (url: string) => void = () => undefined;
  const printed = new Promise<string>((resolve) => (announce = resolve));
  const exit = runCli(['login', '--no-browser'], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: {
      write: (s: string) => {
        stderr += s;
        const url = /https?:\/\/\S+\/auth\?\S+/.exec(stderr)?.[0];
        if (url) announce(url);
      },
    },
    env,
    cwd: process.cwd(),
  });
  const page = await browser.newPage();
  try {
    await page.goto(await printed);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('alice-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/);
    expect(await page.getByRole('heading').textContent()).toBe('Signed in');
  } finally {
    await page.close();
  }
  return { code: await exit, stdout, stderr };
}

describe('gcr login against the local platform', () => {
  it('signs in through the browser, lists with the cached token, refreshes it after it expires, and logs out', async () => {
    // The local profile without dev tokens: only a login gives a token, as against AWS.
    expect((await runGcr(['config', 'set', 'local', 'devTokens', 'false'], env)).code).toBe(0);

    const login = await loginWithChromium();
    expect(login.stderr).toContain('Open this URL to sign in');
    expect(login.code).toBe(0);
    expect(login.stdout).toContain('Logged in as alice (profile local)');
    expect((await fs.stat(cacheFile())).mode & 0o777).toBe(0o600);
    const first = await cached();

    const list = await runGcr(['list', '--json'], env);
    expect(list.code).toBe(0);

    // The access token lives 3 s: wait until the cached one has expired, then list again.
    while (Date.now() <= Date.parse(first.expiresAt ?? '')) await new Promise((r) => setTimeout(r, 200));
    const again = await runGcr(['list', '--json'], env);
    expect(again.code).toBe(0);
    const second = await cached();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).not.toBe(first.refreshToken); // rotated
    expect(Date.parse(second.expiresAt ?? '')).toBeGreaterThan(Date.parse(first.expiresAt ?? ''));
    expect((await fs.stat(cacheFile())).mode & 0o777).toBe(0o600);

    const logout = await runGcr(['logout'], env);
    expect(logout.code).toBe(0);
    expect(logout.stdout).toContain('Logged out of profile local (refresh token revoked)');
    await expect(fs.stat(cacheFile())).rejects.toMatchObject({ code: 'ENOENT' });

    const refused = await runGcr(['list'], env);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('not logged in');
    expect(refused.stderr).toContain('run `gcr login`');
    expect(refused.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 300_000);
});
