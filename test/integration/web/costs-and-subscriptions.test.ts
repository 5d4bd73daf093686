/**
 * The costs and subscriptions pages end to end (one platform for both, to
 * save CI time): Debian's Chromium against the real local platform serving
 * the built console. The demo runs through the API to its final cost, which
 * the costs page then shows; a budget is made on the page; a webhook
 * subscription is made on the page pointing at the local verifying receiver,
 * and "Send test" shows its outcome, failed while the receiver does not know
 * the secret, delivered once it does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CostReport, SimulationCost } from '#schemas/generated/types.js';
import { formatUsd as usd } from '../../../web/src/pages/costs/cost-format.js';
import { startWebhookReceiver, type WebhookReceiver } from '#local/receivers/webhook-receiver.js';
import { api, waitForStatus } from '#test/helpers/platform-process.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import {
  expectNoSeriousA11yViolations,
  PHONE,
  screenshot,
  signIn,
  useConsolePlatform,
} from '#test/helpers/web/console-browser.js';

// One Batch slot for the demo, the finder every 2 s so it is handed over and polled sooner.
const consolePlatform = useConsolePlatform({
  env: { GCR_LOCAL_BATCH_SLOTS: '1', GCR_SCHEDULE_RATE_SECONDS: '2' },
});

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

/** Polls GET /simulations/{id}/cost until the cost tracker has written the final cost. */
async function finalCost(token: string, id: string): Promise<SimulationCost> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const res = await api(consolePlatform().platform, 'GET', `/simulations/${id}/cost`, { token });
    if (res.status === 200 && (res.body as SimulationCost).kind === 'final')
      return res.body as SimulationCost;
    if (Date.now() > deadline)
      throw new Error(`no final cost for ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * The page opened afresh at 390 px (not resized after the fact, while the
 * navigation drawer still slides), checked by axe there too, and its screenshot.
 */
async function atPhoneWidth(pathAndQuery: string, name: string) {
  const phone = await consolePlatform().newPage(PHONE);
  await signIn(phone, consolePlatform(), 'alice', pathAndQuery);
  // What each page shows once its data came: the total, or the subscriptions' table.
  await phone.locator('[data-testid="cost-total"], table').first().waitFor({ timeout: 60_000 });
  await expectNoSeriousA11yViolations(phone);
  await screenshot(phone, name);
  await phone.context().close();
}

describe('costs and subscriptions pages', () => {
  it('shows the final cost of the demo run by simulation type, and makes a budget that shows its spend', async () => {
    const token = await consolePlatform().token('alice');
    const spec = JSON.parse(
      readFileSync(path.join(repoRoot, 'examples', 'demo-local-4x5-1day.json'), 'utf8'),
    );
    const submitted = await api(consolePlatform().platform, 'POST', '/simulations', { token, body: spec });
    expect(submitted.status).toBe(201);
    const id = submitted.body.id as string;
    await waitForStatus(consolePlatform().platform, token, id, ['SUCCEEDED'], 300);
    const cost = await finalCost(token, id);
    expect(cost.totalUsd).toBeGreaterThan(0);
    const report = (await api(consolePlatform().platform, 'GET', '/costs?groupBy=simulationType', { token }))
      .body as CostReport;
    expect(report.simulations).toBe(1);

    const page = await consolePlatform().newPage();
    await signIn(page, consolePlatform(), 'alice', '/costs?by=simulationType');
    await expect(page.getByTestId('cost-total').textContent({ timeout: 60_000 })).resolves.toContain(
      `Total: ${usd(cost.totalUsd)} over 1 simulation`,
    );
    const row = page
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'TransportTracers' }) });
    await expect(row.textContent()).resolves.toContain(usd(cost.totalUsd));
    await page.getByRole('img', { name: /bar chart of the month's costs by simulation type/i }).waitFor();

    await page.getByRole('button', { name: 'New budget' }).click();
    const form = page.getByRole('dialog', { name: 'New budget' });
    await form.getByRole('textbox', { name: /Monthly limit/ }).fill('0.01');
    await form.getByRole('button', { name: 'Save budget' }).click();
    const budget = page.getByRole('article', { name: 'Budget: Your simulations' });
    await budget.waitFor({ timeout: 60_000 });
    // The page shows the spend the API keeps for the budget (the demo's cost, counted in its month).
    const budgets = await api(consolePlatform().platform, 'GET', '/budgets', { token });
    const spent = (budgets.body as { items: { spentUsd: number }[] }).items[0]!.spentUsd;
    expect(spent).toBeGreaterThan(0);
    const percent = Math.round((spent / 0.01) * 1000) / 10;
    await expect(budget.textContent()).resolves.toContain(`${usd(spent)} of $0.01 spent (${percent} %)`);
    await expect(budget.getByRole('progressbar').getAttribute('aria-valuenow')).resolves.toBe(
      String(Math.min(100, percent)),
    );

    await expectNoSeriousA11yViolations(page);
    await screenshot(page, 'costs');
    await page.context().close();
    await atPhoneWidth('/costs?by=simulationType', 'costs-phone');
  }, 600_000);

  it('subscribes a webhook on the page, shows its secret once, and Send test shows failed, then delivered', async () => {
    const page = await consolePlatform().newPage();
    await signIn(page, consolePlatform(), 'alice', '/subscriptions');
    await page.getByRole('button', { name: 'New subscription' }).click();
    const form = page.getByRole('dialog', { name: 'New subscription' });
    await form.getByRole('textbox', { name: /Webhook URL/ }).fill(receiver.url);
    await form.getByRole('textbox', { name: /^Name/ }).fill('lab receiver');
    await form.getByRole('button', { name: 'Create subscription' }).click();

    const secretDialog = page.getByRole('dialog', { name: 'Signing secret' });
    const secret = (
      (await secretDialog.getByTestId('signing-secret').textContent({ timeout: 60_000 })) ?? ''
    ).trim();
    expect(secret).toMatch(/^whsec_/);
    await secretDialog.getByRole('button', { name: 'I have stored it' }).click();

    const outcome = page.getByRole('status', { name: 'Test outcome: lab receiver' });
    const sendTest = async (expected: RegExp) => {
      await page.getByRole('button', { name: 'Send test: lab receiver' }).click();
      await outcome
        .filter({ hasText: expected })
        .waitFor({ timeout: 60_000 })
        .catch(async (error: unknown) => {
          throw new Error(
            `the outcome reads "${await outcome.textContent()}", not ${String(expected)}: ${String(error)}`,
          );
        });
    };
    // The receiver verifies signatures: without the secret it refuses (401), and the page says so.
    await sendTest(/^Failed: the target answered HTTP 401/);
    receiver.setSecret(secret);
    await sendTest(/^Delivered$/);
    expect(receiver.deliveries.some((delivery) => delivery.verified)).toBe(true);

    await expectNoSeriousA11yViolations(page);
    await screenshot(page, 'subscriptions');
    await page.context().close();
    await atPhoneWidth('/subscriptions', 'subscriptions-phone');
  }, 300_000);
});
