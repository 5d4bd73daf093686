/**
 * The new-simulation wizard end to end: Debian's Chromium against the real
 * local platform serving the built console. Alice signs in, goes through every
 * step choosing the demo's settings (examples/demo-local-4x5-1day.json), sees
 * the dry run on the review, submits, lands on the simulation's page, and the
 * run succeeds. Each step is screenshotted (docs/screenshots/wizard-*.png) and
 * checked by axe-core.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { waitForStatus } from '#test/helpers/platform-process.js';
import {
  expectNoSeriousA11yViolations,
  screenshot,
  signIn,
  useConsolePlatform,
} from '#test/helpers/web/console-browser.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const demo = JSON.parse(readFileSync(path.join(repoRoot, 'examples/demo-local-4x5-1day.json'), 'utf8')) as {
  name: string;
  compute: { vcpus: number; memoryMiB: number; maxRuntimeMinutes: number; maxQueueMinutes: number };
};

// One Batch slot: the demo job runs (the harness's default is none).
const consolePlatform = useConsolePlatform({ env: { GCR_LOCAL_BATCH_SLOTS: '1' } });

/** The step's heading, then the screenshot and axe on it. */
async function atStep(page: Page, title: string, shot: string, options: { phone?: boolean } = {}) {
  await page.getByRole('heading', { name: new RegExp(`Step \\d of 7: ${title}`) }).waitFor();
  await screenshot(page, shot, options);
  await expectNoSeriousA11yViolations(page);
}

async function next(page: Page) {
  await page.getByRole('button', { name: 'Next' }).click();
}

describe('the new-simulation wizard', () => {
  it('submits the demo through every step, shows the dry run, and the run succeeds', async () => {
    const page = await consolePlatform().newPage();
    await signIn(page, consolePlatform(), 'alice', '/simulations/new');

    await page.getByRole('textbox', { name: /Name/ }).fill(demo.name);
    await page.getByRole('radio', { name: 'TransportTracers' }).check();
    expect(await page.getByRole('radio', { name: 'none', exact: true }).isChecked()).toBe(true);
    await atStep(page, 'Simulation', 'wizard-simulation', { phone: true });
    // Dark mode (Mantine's "auto" follows the system): still no serious violation, disabled reasons readable.
    await page.emulateMedia({ colorScheme: 'dark' });
    await atStep(page, 'Simulation', 'wizard-simulation-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await next(page);

    await page.getByRole('radio', { name: 'MERRA-2' }).check();
    expect(await page.getByRole('radio', { name: 'GEOS-IT' }).isDisabled()).toBe(true);
    await atStep(page, 'Met field', 'wizard-met-field');
    await next(page);

    // The map with MERRA-2's nested domains at 0.5x0.625, then the demo's global 4x5.
    await page.getByRole('radio', { name: '0.5x0.625' }).check();
    await page.getByRole('radio', { name: 'North America (NA)' }).check();
    await page.getByText(/Selected domain: North America \(NA\)/).waitFor();
    await atStep(page, 'Grid', 'wizard-grid', { phone: true });
    await page.getByRole('radio', { name: '4x5', exact: true }).check();
    await page.getByText('No nested domains at 4x5: the run is global').waitFor();
    await next(page);

    await page.getByRole('radio', { name: '72 levels' }).check();
    await atStep(page, 'Levels', 'wizard-levels');
    await next(page);

    await page.getByLabel('Start date').fill('2019-01-01');
    await page.getByLabel(/End date/).fill('2019-01-02');
    expect(await page.getByRole('checkbox', { name: 'SpeciesConc' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Restart' }).isChecked()).toBe(true);
    await page.getByRole('radio', { name: 'hourly', exact: true }).check();
    await atStep(page, 'Period', 'wizard-period');
    await next(page);

    await page.getByRole('radio', { name: /^Local/ }).check();
    await page.getByLabel('vCPUs').fill(String(demo.compute.vcpus));
    await page.getByLabel('Memory (MiB)').fill(String(demo.compute.memoryMiB));
    await page.getByLabel('Longest run (minutes)').fill(String(demo.compute.maxRuntimeMinutes));
    await page.getByLabel('Longest wait for capacity (minutes)').fill(String(demo.compute.maxQueueMinutes));
    await atStep(page, 'Compute', 'wizard-compute');
    await next(page);

    await page.getByText('gc_4x5_merra2_TransportTracers').waitFor({ timeout: 60_000 });
    await page.getByRole('heading', { name: 'Input data' }).waitFor();
    await page.getByRole('heading', { name: 'Estimate' }).waitFor();
    await atStep(page, 'Review', 'wizard-review', { phone: true });
    await page.getByRole('button', { name: 'Submit simulation' }).click();

    await page.waitForURL(/\/simulations\/sim_[a-z0-9]+$/, { timeout: 60_000 });
    const id = new URL(page.url()).pathname.split('/').pop()!;
    // The page follows the run without a reload: its status reaches "Succeeded" on screen.
    await page
      .getByRole('status')
      .filter({ hasText: /^Succeeded$/ })
      .first()
      .waitFor({ timeout: 600_000 });
    await screenshot(page, 'wizard-submitted-run-succeeded');
    const token = await consolePlatform().token('alice');
    const done = await waitForStatus(
      consolePlatform().platform,
      token,
      id,
      ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'],
      600,
    );
    expect(done.status).toBe('SUCCEEDED');
    expect(done.spec).toMatchObject({
      name: demo.name,
      simulation: { type: 'TransportTracers', extraOption: 'none' },
      meteorology: { field: 'merra2' },
      grid: { resolution: '4x5', levels: 72, nestedDomain: 'global' },
      period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' },
      diagnostics: { collections: ['SpeciesConc', 'Restart'], frequency: 'hourly' },
      compute: { backend: 'local', ...demo.compute },
    });
    await page.context().close();
  }, 900_000);
});
