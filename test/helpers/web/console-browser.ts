/**
 * The web console's end-to-end harness (jest integration tests in
 * test/integration/web/): the real local platform serving the built console,
 * users of its OpenID provider, and Debian's Chromium driven by
 * playwright-core, signing in through the real login page.
 *
 *   const consolePlatform = useConsolePlatform();          // one platform per test file
 *   const page = await consolePlatform().newPage();        // 1280x800, its own cookies and storage
 *   await signIn(page, consolePlatform(), 'alice', '/simulations');
 *   await screenshot(page, 'simulations');                 // docs/screenshots/simulations.png
 *   await expectNoSeriousA11yViolations(page);             // axe-core: no serious or critical violation
 *
 * Node-side (not the browser's): the root tsconfig lists it in `files`, the
 * web tsconfig leaves it out.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { afterAll, beforeAll } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { addLocalUser } from '#local/auth/users.js';
import { ensureConsoleBuilt } from '#local/console/build-console.js';
import { startPlatformProcess, type RunningPlatform } from '#test/helpers/platform-process.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS_DIR = path.join(repoRoot, 'docs', 'screenshots');
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** The users every console platform has: two researchers and an administrator. */
export const CONSOLE_USERS = {
  alice: { password: 'alice-password', groups: [] as string[] },
  bob: { password: 'bob-password', groups: [] as string[] },
  root: { password: 'root-password', groups: ['admin'] },
} as const;
export type ConsoleUserName = keyof typeof CONSOLE_USERS;

export interface ConsolePlatform {
  platform: RunningPlatform;
  /** http://127.0.0.1:<port> (no trailing slash). */
  consoleOrigin: string;
  browser: Browser;
  /** A dev token of a console user, for arranging state through the API (same `sub` as their sign-in). */
  token(user: ConsoleUserName): Promise<string>;
  /** A page in a fresh browser context (its own cookies and session storage), 1280x800 unless told. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  stop(): Promise<void>;
}

/**
 * Starts a platform with the console (building web/dist first when it is
 * missing), adds the console users, and launches Chromium. Functions start on
 * first use (GCR_LOCAL_PREWARM=false) and no Batch job runs unless `env`
 * gives slots (GCR_LOCAL_BATCH_SLOTS).
 */
export async function startConsolePlatform(
  options: { env?: Record<string, string> } = {},
): Promise<ConsolePlatform> {
  await ensureConsoleBuilt(repoRoot, (message) => process.stderr.write(`${message}\n`));
  const platform = await startPlatformProcess({
    env: { GCR_LOCAL_BATCH_SLOTS: '0', GCR_LOCAL_PREWARM: 'false', GCR_CONSOLE_PORT: '0', ...options.env },
    timeoutMs: 300_000,
  });
  let browser: Browser | undefined;
  try {
    if (!platform.consoleUrl) throw new Error('the platform serves no console (GCR_CONSOLE_PORT)');
    for (const [name, user] of Object.entries(CONSOLE_USERS)) {
      await addLocalUser(platform.dataDir, name, user.password, [...user.groups]);
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  } catch (error) {
    await platform.stop();
    throw error;
  }
  const launched = browser;
  return {
    platform,
    consoleOrigin: new URL(platform.consoleUrl).origin,
    browser: launched,
    token: (user) => platform.token(user, { admin: CONSOLE_USERS[user].groups.includes('admin') }),
    newPage: async (viewport = DESKTOP) => (await launched.newContext({ viewport })).newPage(),
    stop: async () => {
      await launched.close().catch(() => undefined);
      await platform.stop();
    },
  };
}

/** A console platform for the test file: started before its tests, stopped after them. */
export function useConsolePlatform(options: { env?: Record<string, string> } = {}): () => ConsolePlatform {
  // jest's hooks from the global scope, as useLocalPlatform does (test/helpers/platform-process.ts).
  const { beforeAll: before, afterAll: after } = globalThis as unknown as {
    beforeAll: typeof beforeAll;
    afterAll: typeof afterAll;
  };
  let started: ConsolePlatform | undefined;
  before(async () => {
    started = await startConsolePlatform(options);
  }, 400_000);
  after(async () => {
    await started?.stop();
  }, 60_000);
  return () => {
    if (!started) throw new Error('the console platform did not start');
    return started;
  };
}

/**
 * Opens `pathAndQuery` of the console signed out, presses "Sign in", signs in
 * on the local provider's login page as `user`, and waits until the console
 * shows the user signed in on that page again.
 */
export async function signIn(
  page: Page,
  console_: Pick<ConsolePlatform, 'consoleOrigin'>,
  user: ConsoleUserName,
  pathAndQuery = '/',
): Promise<void> {
  await page.goto(`${console_.consoleOrigin}${pathAndQuery}`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(CONSOLE_USERS[user].password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 60_000 });
}

/**
 * Saves what the page shows to docs/screenshots/<name>.png (the viewport:
 * 1280x800 for desktop pages); with `phone`, also <name>-phone.png at 390 px
 * wide, then back to the viewport it had.
 */
export async function screenshot(page: Page, name: string, options: { phone?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}.png`) });
  if (!options.phone) return;
  const viewport = page.viewportSize() ?? DESKTOP;
  await page.setViewportSize(PHONE);
  try {
    await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}-phone.png`) });
  } finally {
    await page.setViewportSize(viewport);
  }
}

const axeSource = readFileSync(
  path.join(path.dirname(createRequire(import.meta.url).resolve('axe-core/package.json')), 'axe.min.js'),
  'utf8',
);

interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Runs axe-core on the page as it is now and fails on any serious or critical
 * violation, naming each rule and the elements it found. axe is evaluated
 * through the DevTools protocol, so the console's CSP (script-src 'self')
 * stays on.
 */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  await page.evaluate(`${axeSource}\n;undefined`);
  const violations = (await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const { document } = globalThis as unknown as { document: unknown };
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  })) as AxeViolation[];
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (serious.length === 0) return;
  const lines = serious.map(
    (v) => `${v.id} (${v.impact}): ${v.help}; at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
  );
  throw new Error(
    `axe-core found ${serious.length} serious accessibility violation(s) on ${page.url()}:\n${lines.join('\n')}`,
  );
}
