import { describe, expect, it } from 'vitest';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Budget, CostReport } from '#schemas/generated/types.js';
import { CostsPage } from '../../../../../../web/src/pages/costs/CostsPage.js';
import { renderWithApp, signedInAs } from '../../../../../helpers/web/render.js';
import {
  badRequest,
  fakeApi,
  type RecordedRequest,
} from '../../../../../helpers/web/costs-and-subscriptions-api.js';

const MONTH = '2026-11';

function report(request: RecordedRequest): CostReport {
  const groupBy = (request.query.get('groupBy') ?? 'owner') as CostReport['groupBy'];
  const groups: Record<CostReport['groupBy'], CostReport['groups']> = {
    tag: [
      { key: 'project=ozone', totalUsd: 10, finalUsd: 8, accruedUsd: 2, simulations: 2 },
      { key: '(untagged)', totalUsd: 2.5, finalUsd: 2.5, accruedUsd: 0, simulations: 1 },
    ],
    instanceType: [
      { key: 'c5.4xlarge', totalUsd: 9, finalUsd: 9, accruedUsd: 0, simulations: 2 },
      { key: 'c7g.4xlarge', totalUsd: 3.5, finalUsd: 1.5, accruedUsd: 2, simulations: 1 },
    ],
    simulationType: [{ key: 'fullchem', totalUsd: 12.5, finalUsd: 10.5, accruedUsd: 2, simulations: 3 }],
    owner: [
      { key: 'alice', totalUsd: 12.5, finalUsd: 10.5, accruedUsd: 2, simulations: 3 },
      { key: 'bob', totalUsd: 4, finalUsd: 4, accruedUsd: 0, simulations: 1 },
    ],
  };
  return {
    month: request.query.get('month') ?? MONTH,
    groupBy,
    totalUsd: 12.5,
    simulations: 3,
    reconciled: { simulations: 2, trackedUsd: 8.1, billedUsd: 8.4 },
    groups: groups[groupBy],
  };
}

const ozoneBudget: Budget = {
  budget: 'tag:project=ozone',
  tag: 'project=ozone',
  limitUsd: 200,
  thresholds: [50, 80, 100],
  alertOnly: false,
  month: MONTH,
  spentUsd: 130,
  crossedThresholds: [50],
};

function api(extra: Parameters<typeof fakeApi>[0] = {}) {
  return fakeApi({
    'GET /costs': (request) => ({ status: 200, body: report(request) }),
    'GET /budgets': { status: 200, body: { month: MONTH, items: [ozoneBudget] } },
    ...extra,
  });
}

/** Mantine ties an input's error to it by aria-describedby and aria-invalid. */
function expectFieldError(input: HTMLElement, message: string): void {
  expect(input).toHaveAttribute('aria-invalid', 'true');
  expect(input).toHaveAccessibleDescription(expect.stringContaining(message));
}

function rowOf(table: HTMLElement, header: string): string[] {
  const row = within(table).getByRole('rowheader', { name: header }).closest('tr')!;
  return within(row as HTMLElement)
    .getAllByRole('cell')
    .map((cell) => cell.textContent ?? '');
}

// Typing into forms takes seconds on a loaded machine: generous timeouts, no timing assertions.
configure({ asyncUtilTimeout: 15_000 });
describe('CostsPage', { timeout: 60_000 }, () => {
  it('shows the month total and the costs by tag in a chart and a table, with each group share', async () => {
    const { fetch, requests } = api();
    renderWithApp(<CostsPage />, { path: `/costs?month=${MONTH}&by=tag`, fetch });
    const table = await screen.findByRole('table');
    expect(screen.getByTestId('cost-total')).toHaveTextContent(
      'Total: $12.50 over 3 simulations submitted in November 2026',
    );
    expect(rowOf(table, 'project=ozone')).toEqual(['$10.00', '$8.00', '$2.00', '2', '80 %']);
    expect(rowOf(table, '(untagged)')).toEqual(['$2.50', '$2.50', '$0.00', '1', '20 %']);
    expect(rowOf(table, 'All')).toContain('$12.50');
    expect(screen.getByRole('img', { name: /bar chart of the month's costs by tag/i })).toBeInTheDocument();
    expect(requests.find((r) => r.path === '/costs')!.query.get('groupBy')).toBe('tag');
  });

  it('regroups by instance type when asked, from the same month', async () => {
    const { fetch, requests } = api();
    renderWithApp(<CostsPage />, { path: `/costs?month=${MONTH}&by=tag`, fetch });
    await screen.findByRole('table');
    await userEvent.click(screen.getByRole('radio', { name: 'Instance type' }));
    const table = await screen.findByRole('table');
    await within(table).findByRole('rowheader', { name: 'c7g.4xlarge' });
    expect(rowOf(table, 'c7g.4xlarge')).toEqual(['$3.50', '$1.50', '$2.00', '1', '28 %']);
    const last = requests.filter((r) => r.path === '/costs').at(-1)!;
    expect([last.query.get('groupBy'), last.query.get('month')]).toEqual(['instanceType', MONTH]);
  });

  it('states that the amounts are tracked and how much of them the bill has confirmed', async () => {
    const { fetch } = api();
    renderWithApp(<CostsPage />, { path: `/costs?month=${MONTH}`, fetch });
    expect(await screen.findByText(/^Tracked costs:/)).toHaveTextContent(
      'Reconciled with the AWS bill so far: 2 of 3 simulations, tracked compute $8.10, billed $8.40.',
    );
  });

  it("offers admins an owner filter over the month's owners and asks for that owner's costs", async () => {
    const { fetch, requests } = api();
    renderWithApp(<CostsPage />, {
      path: `/costs?month=${MONTH}&by=tag`,
      fetch,
      session: signedInAs({ isAdmin: true, groups: ['admins'] }),
    });
    await userEvent.click(await screen.findByRole('combobox', { name: 'Owner' }));
    await userEvent.click(await screen.findByRole('option', { name: 'bob', hidden: true }));
    await waitFor(() =>
      expect(
        requests.some(
          (r) => r.path === '/costs' && r.query.get('owner') === 'bob' && r.query.get('groupBy') === 'tag',
        ),
      ).toBe(true),
    );
  });

  it('shows no owner filter to a non-admin', async () => {
    const { fetch } = api();
    renderWithApp(<CostsPage />, { path: `/costs?month=${MONTH}`, fetch });
    await screen.findByRole('table');
    expect(screen.queryByRole('combobox', { name: 'Owner' })).not.toBeInTheDocument();
  });

  it("shows each budget's spend in % of its limit with its thresholds, the crossed ones said in words", async () => {
    const { fetch } = api();
    renderWithApp(<CostsPage />, { path: `/costs?month=${MONTH}`, fetch });
    const card = await screen.findByRole('article', { name: 'Budget: Tag project=ozone' });
    expect(
      within(card).getByRole('progressbar', { name: 'Tag project=ozone: 65 % of the limit spent' }),
    ).toHaveAttribute('aria-valuenow', '65');
    expect(card).toHaveTextContent('$130.00 of $200.00 spent (65 %)');
    expect(card).toHaveTextContent('Thresholds: 50 % (crossed), 80 %, 100 %');
    expect(card).toHaveTextContent('Refuses new runs at 100 %');
  });

  it("shows the API's 400 under the limit and threshold fields of the budget form", async () => {
    const { fetch, requests } = api({
      'PUT /budgets': badRequest(
        { field: 'limitUsd', message: 'must be >= 0.01' },
        { field: 'thresholds.1', message: 'must be <= 100' },
      ),
    });
    renderWithApp(<CostsPage />, { path: `/costs?month=${MONTH}`, fetch });
    await userEvent.click(await screen.findByRole('button', { name: 'New budget' }));
    const dialog = await screen.findByRole('dialog', { name: 'New budget' });
    await userEvent.type(within(dialog).getByRole('textbox', { name: /Monthly limit/ }), '0');
    const thresholds = within(dialog).getByRole('textbox', { name: /Thresholds/ });
    await userEvent.clear(thresholds);
    await userEvent.type(thresholds, '50, 150');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save budget' }));
    expect(await within(dialog).findByText('must be >= 0.01')).toBeInTheDocument();
    expectFieldError(within(dialog).getByRole('textbox', { name: /Monthly limit/ }), 'must be >= 0.01');
    expectFieldError(within(dialog).getByRole('textbox', { name: /Thresholds/ }), 'must be <= 100');
    expect(requests.find((r) => r.method === 'PUT')!.body).toEqual({
      limitUsd: 0,
      thresholds: [50, 150],
      alertOnly: false,
    });
  });

  it('deletes a tag budget only after confirmation', async () => {
    const { fetch, requests } = api({ 'DELETE /budgets': { status: 204 } });
    renderWithApp(<CostsPage />, { path: `/costs?month=${MONTH}`, fetch });
    await userEvent.click(await screen.findByRole('button', { name: 'Delete budget: Tag project=ozone' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete budget?' });
    expect(requests.some((r) => r.method === 'DELETE')).toBe(false);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete budget' }));
    await waitFor(() =>
      expect(requests.find((r) => r.method === 'DELETE')?.query.get('tag')).toBe('project=ozone'),
    );
  });
});
