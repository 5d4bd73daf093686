/**
 * Signing in to the web console end to end: Debian's Chromium against the
 * real local platform serving the built console, through the local OpenID
 * provider's login page (authorization code with PKCE), back to the page the
 * user started from; the token renewed with the refresh token; sign-out.
 */
import { describe, expect, it } from '@jest/globals';
import {
  expectNoSeriousA11yViolations,
  screenshot,
  signIn,
  useConsolePlatform,
} from '#test/helpers/web/console-browser.js';

// Access tokens of 70 s: oidc-client-ts renews 60 s before expiry, so a renewal comes ~10 s after sign-in.
const consolePlatform = useConsolePlatform({ env: { GCR_LOCAL_ACCESS_TOKEN_TTL: '70' } });

/** The access token oidc-client-ts keeps in session storage. */
async function storedAccessToken(page: import('playwright-core').Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const { sessionStorage } = globalThis as unknown as { sessionStorage: Storage };
    for (let i = 0; i < sessionStorage.length; i++) {
      const key = sessionStorage.key(i) ?? '';
      if (key.startsWith('oidc.user:')) {
        return (JSON.parse(sessionStorage.getItem(key) ?? '{}') as { access_token?: string }).access_token;
      }
    }
    return undefined;
  });
}
interface Storage {
  length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
}

describe('signing in to the console', () => {
  it('shows the sign-in screen signed out, and an accessible one', async () => {
    const page = await consolePlatform().newPage();
    await page.goto(`${consolePlatform().consoleOrigin}/simulations`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await expectNoSeriousA11yViolations(page);
    await screenshot(page, 'sign-in', { phone: true });
    await page.context().close();
  });

  it('signs in through the login page and returns to the page it started from, with its query', async () => {
    const page = await consolePlatform().newPage();
    await signIn(page, consolePlatform(), 'alice', '/simulations?status=RUNNING');
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/simulations?status=RUNNING');
    await expect(page.getByTestId('signed-in-user').textContent()).resolves.toBe('alice');
    await page.context().close();
  });

  it('shows an admin as one', async () => {
    const page = await consolePlatform().newPage();
    await signIn(page, consolePlatform(), 'root', '/simulations');
    await page.getByText('admin', { exact: true }).waitFor();
    await page.context().close();
  });

  it('renews the access token with the refresh token before it expires, without leaving the page', async () => {
    const page = await consolePlatform().newPage();
    await signIn(page, consolePlatform(), 'bob', '/simulations');
    const first = await storedAccessToken(page);
    expect(first).toBeDefined();
    await page.waitForFunction(
      (previous) => {
        const { sessionStorage } = globalThis as unknown as { sessionStorage: Storage };
        for (let i = 0; i < sessionStorage.length; i++) {
          const key = sessionStorage.key(i) ?? '';
          if (key.startsWith('oidc.user:')) return !(sessionStorage.getItem(key) ?? '').includes(previous);
        }
        return false;
      },
      first as string,
      { timeout: 60_000, polling: 500 },
    );
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.context().close();
  });

  it('signs out: back at the sign-in screen, and the next sign-in asks for the password again', async () => {
    const page = await consolePlatform().newPage();
    await signIn(page, consolePlatform(), 'alice', '/simulations');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 60_000 });
    expect(await storedAccessToken(page)).toBeUndefined();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Password').waitFor();
    await page.context().close();
  });
});
