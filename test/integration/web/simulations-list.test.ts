/**
 * The simulations list end to end: Chromium signed in as alice on the real
 * local platform. Runs are submitted through the API (a dev token of the same
 * user) and the list shows them, and their status changes, without a reload;
 * filters live in the URL (reload, back); bulk cancel with confirmation;
 * another user's runs are not hers; axe on the page; screenshots.
 */
import { describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { api } from '#test/helpers/platform-process.js';
import { exampleSpec } from '#test/helpers/specs.js';
import {
  expectNoSeriousA11yViolations,
  screenshot,
  signIn,
  useConsolePlatform,
  type ConsoleUserName,
} from '#test/helpers/web/console-browser.js';

// No Batch slot: runs stay RUNNABLE until cancelled, so each change below is one the test makes.
const consolePlatform = useConsolePlatform();

async function submit(user: ConsoleUserName, name: string, tags?: Record<string, string>): Promise<string> {
  const token = await consolePlatform().token(user);
  const res = await api(consolePlatform().platform, 'POST', '/simulations', {
    token,
    body: { ...exampleSpec(), name, ...(tags ? { tags } : {}) },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function cancelThroughApi(user: ConsoleUserName, id: string): Promise<void> {
  const token = await consolePlatform().token(user);
  const res = await api(consolePlatform().platform, 'POST', `/simulations/${id}/cancel`, { token });
  expect(res.status).toBe(202);
}

const row = (page: Page, id: string) => page.getByTestId(`row-${id}`);

describe('the simulations list', () => {
  let page: Page;

  it('shows a run submitted through the API, and its status changes, without a reload', async () => {
    page = await consolePlatform().newPage();
    await signIn(page, consolePlatform(), 'alice', '/simulations');
    await page.getByText('No simulations match these filters.').waitFor();
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });
    const id = await submit('alice', 'live ozone run', { project: 'ozone' });
    await row(page, id).getByText('Runnable').waitFor({ timeout: 60_000 });
    await cancelThroughApi('alice', id);
    await row(page, id).getByText('Cancelled').waitFor({ timeout: 60_000 });
    expect(navigations).toEqual([]);
    await expectNoSeriousA11yViolations(page);
  });

  it('keeps the filters in the URL: they survive a reload, and back undoes them', async () => {
    const other = await submit('alice', 'aerosol run', { project: 'aerosol' });
    await row(page, other).waitFor({ timeout: 60_000 });
    await page.getByRole('textbox', { name: /Tag/ }).fill('project=aerosol');
    await page.getByRole('textbox', { name: /Tag/ }).press('Enter');
    await page.waitForURL((url) => url.searchParams.get('tag') === 'project=aerosol');
    await page.getByText('live ozone run').waitFor({ state: 'detached' });
    await page.reload();
    await row(page, other).waitFor({ timeout: 60_000 });
    expect(await page.getByText('live ozone run').count()).toBe(0);
    expect(await page.getByRole('textbox', { name: /Tag/ }).inputValue()).toBe('project=aerosol');
    await page.goBack();
    await page.waitForURL((url) => !url.searchParams.has('tag'));
    await page.getByText('live ozone run').waitFor({ timeout: 60_000 });
  });

  it('cancels selected runs after a confirmation listing them, and shows each outcome', async () => {
    const first = await submit('alice', 'bulk one');
    const second = await submit('alice', 'bulk two');
    await row(page, first).getByText('Runnable').waitFor({ timeout: 60_000 });
    await row(page, second).getByText('Runnable').waitFor({ timeout: 60_000 });
    await page.getByRole('checkbox', { name: 'Select bulk one' }).check();
    await page.getByRole('checkbox', { name: 'Select bulk two' }).check();
    await page.getByRole('button', { name: 'Cancel selected (2)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel simulations' });
    await dialog.getByRole('list', { name: 'Runs to cancel' }).getByText('bulk one').waitFor();
    await screenshot(page, 'simulations-bulk-cancel');
    await expectNoSeriousA11yViolations(page);
    await dialog.getByRole('button', { name: 'Cancel 2 runs' }).click();
    const outcomes = dialog.getByRole('list', { name: 'Cancellation outcomes' });
    await outcomes.getByText(/Done: bulk one/).waitFor({ timeout: 60_000 });
    await outcomes.getByText(/Done: bulk two/).waitFor();
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await row(page, first).getByText('Cancelled').waitFor({ timeout: 60_000 });
    await row(page, second).getByText('Cancelled').waitFor({ timeout: 60_000 });
    await screenshot(page, 'simulations', { phone: true });
  });

  it("does not list another user's run, and an admin sees it with its owner", async () => {
    const bobs = await submit('bob', 'bob private run');
    const admin = await consolePlatform().newPage();
    await signIn(admin, consolePlatform(), 'root', '/simulations');
    await row(admin, bobs).waitFor({ timeout: 60_000 });
    await admin.getByRole('columnheader', { name: 'Owner' }).waitFor();
    await screenshot(admin, 'simulations-admin');
    await admin.context().close();
    await page.reload();
    await page.getByText('live ozone run').waitFor({ timeout: 60_000 });
    expect(await row(page, bobs).count()).toBe(0);
    await page.context().close();
  });
});
