/**
 * The simulation page end to end: two demo runs (local backend, one simulated
 * day) submitted through the API as alice, followed to SUCCEEDED and their
 * results READY; then, in Chromium through the real login page: the status
 * timeline and attempts, the log, the run directory, the results with a
 * preview map opened and zoomed from the keyboard, the comparison of the two
 * runs, the cost; another user is refused the run. Screenshots go to
 * docs/screenshots/simulation-*.png; axe-core finds no serious violation on
 * the page or the comparison.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import { api, waitForResultsReady, waitForStatus } from '#test/helpers/platform-process.js';
import {
  expectNoSeriousA11yViolations,
  screenshot,
  signIn,
  useConsolePlatform,
} from '#test/helpers/web/console-browser.js';

const tinySpec = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/specs/tiny-demo.json'), 'utf8'));

const consolePlatform = useConsolePlatform({
  env: { GCR_SCHEDULE_RATE_SECONDS: '2', GCR_LOCAL_BATCH_SLOTS: '2' },
});

let ref: string;
let dev: string;

beforeAll(async () => {
  const { platform } = consolePlatform();
  const token = await consolePlatform().token('alice');
  const submit = async (name: string, period = tinySpec.period) => {
    const res = await api(platform, 'POST', '/simulations', { token, body: { ...tinySpec, name, period } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  [ref, dev] = [
    await submit('page reference run'),
    // The day after: the same grid and collections, other values, so the two runs differ.
    await submit('page compared run', { start: '2019-01-02T00:00:00Z', end: '2019-01-03T00:00:00Z' }),
  ];
  for (const id of [ref, dev]) {
    const done = await waitForStatus(
      platform,
      token,
      id,
      ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'],
      300,
    );
    expect(done.status).toBe('SUCCEEDED');
    await waitForResultsReady(platform, token, id, 240);
  }
}, 700_000);

/**
 * Waits until every image whose alt starts with `altPrefix` has loaded (the
 * maps come from the results bucket's presigned links: the console's CSP must
 * let them in) and an open modal has finished its opening transition.
 */
async function imagesLoaded(page: Page, altPrefix: string): Promise<void> {
  await page.waitForFunction(
    (prefix) => {
      const { document, getComputedStyle } = globalThis as unknown as {
        document: { querySelectorAll(selector: string): ArrayLike<unknown> };
        getComputedStyle(node: unknown): { opacity: string };
      };
      const images = Array.from(document.querySelectorAll(`img[alt^="${prefix}"]`)) as {
        complete: boolean;
        naturalWidth: number;
      }[];
      const modals = Array.from(document.querySelectorAll('.mantine-Modal-content'));
      return (
        images.length > 0 &&
        images.every((image) => image.complete && image.naturalWidth > 0) &&
        modals.every((modal) => getComputedStyle(modal).opacity === '1')
      );
    },
    altPrefix,
    { timeout: 60_000, polling: 250 },
  );
}

async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
  await page.getByRole('tab', { name, selected: true }).waitFor();
}

describe('the simulation page', () => {
  let page: Page;

  it('shows the status, its timeline with reasons and the attempts of a finished run', async () => {
    page = await consolePlatform().newPage();
    await signIn(page, consolePlatform(), 'alice', `/simulations/${ref}`);
    await page.getByRole('heading', { name: 'page reference run' }).waitFor();
    await expect(page.getByRole('status').first().textContent()).resolves.toBe('Succeeded');
    const timeline = page.getByLabel('Status history');
    await timeline.getByText('Running', { exact: true }).waitFor();
    await timeline.getByText('Succeeded', { exact: true }).waitFor();
    await page.getByRole('table', { name: 'Attempts' }).waitFor();
    await page.getByRole('progressbar', { name: /Simulated time: 100% of the period/ }).waitFor();
    await page.getByText('Final cost', { exact: true }).waitFor({ timeout: 60_000 });
    await screenshot(page, 'simulation-overview', { phone: true });
    await expectNoSeriousA11yViolations(page);
  }, 120_000);

  it("shows the job's log, kept after the run ended", async () => {
    await openTab(page, 'Logs');
    const log = page.getByRole('log', { name: 'Job log' });
    await page.waitForFunction(
      () =>
        (
          (
            globalThis as unknown as {
              document: { querySelector(s: string): { textContent: string } | null };
            }
          ).document.querySelector('[role="log"]')?.textContent ?? ''
        ).length > 0,
      undefined,
      { timeout: 60_000 },
    );
    expect((await log.textContent())!.length).toBeGreaterThan(0);
    await screenshot(page, 'simulation-logs');
    await expectNoSeriousA11yViolations(page);
  }, 120_000);

  it('shows the run directory stored at submission, geoschem_config.yml first', async () => {
    await openTab(page, 'Run directory');
    const contents = page.getByRole('region', { name: 'Contents of geoschem_config.yml' });
    await contents
      .getByText(/TransportTracers/)
      .first()
      .waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: /HISTORY\.rc/ }).click();
    await page
      .getByRole('region', { name: 'Contents of HISTORY.rc' })
      .getByText(/SpeciesConc/)
      .first()
      .waitFor();
    await screenshot(page, 'simulation-rundir');
  }, 120_000);

  it('shows the results: preview maps that open large and zoom from the keyboard, metrics, files', async () => {
    await openTab(page, 'Results');
    await page.getByRole('table', { name: 'Metrics' }).waitFor({ timeout: 60_000 });
    const open = page.getByRole('button', { name: /^Open larger: Map of / }).first();
    await open.waitFor();
    await imagesLoaded(page, 'Map of ');
    await screenshot(page, 'simulation-results');
    await expectNoSeriousA11yViolations(page);
    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('img', { name: /Map of .*surface level, time mean/ }).waitFor();
    await imagesLoaded(page, 'Map of ');
    await dialog.getByRole('region', { name: /zoomable/ }).focus();
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await expect(dialog.getByRole('slider', { name: 'Zoom' }).getAttribute('aria-valuenow')).resolves.toBe(
      '1.5',
    );
    await screenshot(page, 'simulation-preview-zoom');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  }, 120_000);

  it('compares the run with the other one: metrics differences and difference maps', async () => {
    await openTab(page, 'Compare');
    await page
      .getByRole('textbox', { name: 'Compare with' })
      .or(page.getByLabel('Compare with').first())
      .click();
    await page.getByRole('option', { name: new RegExp(`page compared run \\(${dev}\\)`) }).click();
    await page.waitForURL(`**/simulations/${ref}/compare/${dev}`);
    await page.getByRole('table', { name: 'Metrics differences' }).waitFor({ timeout: 120_000 });
    await page.getByRole('heading', { name: 'Difference maps' }).waitFor();
    // Maps are drawn for the variables that differ; the page says so when none was drawn.
    if (!(await page.getByText('No difference map was drawn.').isVisible())) {
      await imagesLoaded(page, 'Difference map of ');
    }
    await screenshot(page, 'simulation-compare', { phone: true });
    await expectNoSeriousA11yViolations(page);
  }, 180_000);

  it('shows the cost: estimate, final, per attempt', async () => {
    await page.goto(`${consolePlatform().consoleOrigin}/simulations/${ref}?tab=cost`);
    await page.getByRole('table', { name: 'Cost per attempt' }).waitFor({ timeout: 60_000 });
    await page.getByText('Final', { exact: true }).waitFor();
    await screenshot(page, 'simulation-cost');
    await expectNoSeriousA11yViolations(page);
    await page.context().close();
  }, 120_000);

  it("answers another user's run with Simulation not found", async () => {
    const bob = await consolePlatform().newPage();
    await signIn(bob, consolePlatform(), 'bob', `/simulations/${ref}`);
    await bob.getByRole('heading', { name: 'Simulation not found' }).waitFor();
    await bob.context().close();
  }, 120_000);
});
