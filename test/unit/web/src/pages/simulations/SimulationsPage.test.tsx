import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SimulationsPage } from '../../../../../../web/src/pages/simulations/SimulationsPage.js';
import { renderWithApp, signedInAs } from '../../../../../helpers/web/render.js';
import { fakeSimulationsApi, jsonResponse, summary } from '../../../../../helpers/web/simulations-api.js';

const rows = [
  summary({
    id: 'sim_a',
    name: 'ozone run',
    status: 'RUNNING',
    progress: 42,
    backend: 'aws-batch',
    cost: { kind: 'accrued', totalUsd: 1.5, simulationVersion: 3, updatedAt: '2026-12-07T06:05:00.000Z' },
  }),
  summary({
    id: 'sim_b',
    name: 'finished run',
    status: 'SUCCEEDED',
    progress: 100,
    owner: 'owner-bob',
    backend: 'aws-batch',
    cost: { kind: 'final', totalUsd: 3.25, simulationVersion: 9, updatedAt: '2026-12-07T07:00:00.000Z' },
  }),
  summary({
    id: 'sim_c',
    name: 'queued run',
    status: 'RUNNABLE',
    backend: 'aws-batch',
    estimatedCostUsd: { low: 0.5, expected: 0.8, high: 1.2 },
  }),
];

function listApi(items = rows) {
  return fakeSimulationsApi({ 'GET /simulations': () => jsonResponse(200, { items }, { etag: '"v1"' }) });
}

describe('SimulationsPage', () => {
  it('shows each run with its status in words, progress, and cost final / so far / estimated', async () => {
    const { fetch } = listApi();
    renderWithApp(<SimulationsPage />, { path: '/simulations', fetch });
    const table = await screen.findByRole('table', { name: 'Simulations' });
    const running = within(table).getByTestId('row-sim_a');
    expect(within(running).getByTestId('status')).toHaveTextContent('Running');
    expect(within(running).getByText('42%')).toBeInTheDocument();
    expect(within(running).getByText('$1.50 so far')).toBeInTheDocument();
    expect(within(table).getByText('$3.25 final')).toBeInTheDocument();
    expect(within(table).getByText('$0.50–$1.20 estimated')).toBeInTheDocument();
    expect(within(table).getByRole('link', { name: 'ozone run' })).toHaveAttribute(
      'href',
      '/simulations/sim_a',
    );
    expect(within(table).queryByRole('columnheader', { name: 'Owner' })).not.toBeInTheDocument();
  });

  it('shows the owner column to admins only', async () => {
    const { fetch } = listApi();
    renderWithApp(<SimulationsPage />, {
      path: '/simulations',
      fetch,
      session: signedInAs({ isAdmin: true, groups: ['admin'] }),
    });
    const table = await screen.findByRole('table', { name: 'Simulations' });
    expect(within(table).getByRole('columnheader', { name: 'Owner' })).toBeInTheDocument();
    expect(within(table).getByText('owner-bob')).toBeInTheDocument();
  });

  it('reads the filters from the URL and sends status, tag, type and the UTC day range to the API', async () => {
    const { fetch, requests } = listApi();
    renderWithApp(<SimulationsPage />, {
      path: '/simulations?status=RUNNING&tag=project%3Dozone&type=fullchem&from=2026-12-01&to=2026-12-07&sort=cost-desc',
      fetch,
    });
    await screen.findByRole('table', { name: 'Simulations' });
    const url = new URL(requests[0]!.url);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      status: 'RUNNING',
      tag: 'project=ozone',
      type: 'fullchem',
      createdFrom: '2026-12-01T00:00:00.000Z',
      createdTo: '2026-12-07T23:59:59.999Z',
    });
    expect(screen.getByRole('textbox', { name: /Tag/ })).toHaveValue('project=ozone');
    // Sorted by cost, highest first: final 3.25, so far 1.50, estimate 0.80.
    const names = within(screen.getByRole('table', { name: 'Simulations' }))
      .getAllByRole('link')
      .map((link) => link.textContent);
    expect(names).toEqual(['finished run', 'ozone run', 'queued run']);
  });

  it('cancels the selected active runs after a confirmation that lists them, then says what became of each', async () => {
    const { fetch, requests } = fakeSimulationsApi({
      'GET /simulations': () => jsonResponse(200, { items: rows }),
      'POST /simulations/{id}/cancel': (request) =>
        request.url.includes('sim_a')
          ? jsonResponse(202, { ...rows[0], status: 'CANCELLING' })
          : jsonResponse(409, { error: { code: 'CONFLICT', message: 'it has already ended' } }),
    });
    renderWithApp(<SimulationsPage />, { path: '/simulations', fetch });
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Select ozone run' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select queued run' }));
    expect(screen.queryByRole('checkbox', { name: 'Select finished run' })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel selected (2)' }));
    const dialog = await screen.findByRole('dialog', { name: 'Cancel simulations' });
    expect(
      within(within(dialog).getByRole('list', { name: 'Runs to cancel' })).getAllByRole('listitem'),
    ).toHaveLength(2);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel 2 runs' }));
    const outcomes = await within(dialog).findByRole('list', { name: 'Cancellation outcomes' });
    expect(outcomes).toHaveTextContent('Done: ozone run: cancelling (cancelling)');
    expect(outcomes).toHaveTextContent('Not cancelled: queued run: it has already ended');
    expect(
      requests
        .filter((r) => r.method === 'POST')
        .map((r) => new URL(r.url).pathname)
        .sort(),
    ).toEqual(['/simulations/sim_a/cancel', '/simulations/sim_c/cancel']);
  });

  it('offers Load more while the API has another page, and shows that page below', async () => {
    const { fetch, requests } = fakeSimulationsApi({
      'GET /simulations': (request) =>
        new URL(request.url).searchParams.get('cursor')
          ? jsonResponse(200, { items: [summary({ id: 'sim_old', name: 'older run' })] })
          : jsonResponse(200, { items: [rows[0]], nextCursor: 'page-2' }),
    });
    renderWithApp(<SimulationsPage />, { path: '/simulations', fetch });
    await userEvent.click(await screen.findByRole('button', { name: 'Load more' }));
    expect(await screen.findByRole('link', { name: 'older run' })).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument());
    expect(requests.some((r) => new URL(r.url).searchParams.get('cursor') === 'page-2')).toBe(true);
  });
});
