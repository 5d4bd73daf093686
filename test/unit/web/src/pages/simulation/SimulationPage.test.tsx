import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SimulationPage } from '../../../../../../web/src/pages/simulation/SimulationPage.js';
import { renderWithApp } from '../../../../../helpers/web/render.js';
import {
  costFixture,
  SIM_ID,
  simulationFixture,
  simulationPageApi,
} from '../../../../../helpers/web/simulation-page-api.js';

const ROUTES = [
  { path: '/simulations/:id', element: <SimulationPage /> },
  { path: '/simulations/:id/compare/:otherId', element: <SimulationPage /> },
  { path: '/simulations/new', element: <p>wizard</p> },
];

function renderPage(api: ReturnType<typeof simulationPageApi>, path = `/simulations/${SIM_ID}`) {
  return renderWithApp(<SimulationPage />, { path, routes: ROUTES, fetch: api.fetch });
}

describe('SimulationPage', () => {
  it('says "Simulation not found" when the API answers 404 (also another user\'s run)', async () => {
    const api = simulationPageApi({
      [`GET /simulations/${SIM_ID}`]: {
        status: 404,
        body: { error: { code: 'NotFound', message: 'not found' } },
      },
    });
    renderPage(api);
    expect(await screen.findByRole('heading', { name: 'Simulation not found' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to your simulations' })).toHaveAttribute(
      'href',
      '/simulations',
    );
  });

  it('shows a spot reclaim in the timeline and in the attempts, with the host it ran on', async () => {
    const api = simulationPageApi({
      [`GET /simulations/${SIM_ID}`]: { status: 200, body: simulationFixture() },
      [`GET /simulations/${SIM_ID}/cost`]: { status: 200, body: costFixture() },
    });
    renderPage(api);
    expect(await screen.findByRole('heading', { name: 'demo 4x5 one day' })).toBeInTheDocument();
    expect(screen.getByText('Retrying (spot reclaim)')).toBeInTheDocument();
    expect(screen.getByText(/spot instance reclaimed: Host EC2/)).toBeInTheDocument();
    const attempts = screen.getByRole('table', { name: 'Attempts' });
    const [, first, second] = within(attempts).getAllByRole('row');
    expect(first).toHaveTextContent('Spot reclaim');
    expect(first).toHaveTextContent('i-0123456789abcdef0');
    expect(second).toHaveTextContent('2 (current)');
    expect(
      screen.getByRole('progressbar', { name: /Simulated time: 50% of the period/ }),
    ).toBeInTheDocument();
  });

  it('refetches a running simulation and keeps it on a 304, sending the ETag back', async () => {
    let calls = 0;
    const api = simulationPageApi({
      [`GET /simulations/${SIM_ID}`]: () => {
        calls += 1;
        if (calls === 1) return { status: 200, body: simulationFixture(), headers: { ETag: '"v5"' } };
        if (calls === 2) return { status: 304 };
        return {
          status: 200,
          body: simulationFixture({ status: 'SUCCEEDED', version: 6 }),
          headers: { ETag: '"v6"' },
        };
      },
      [`GET /simulations/${SIM_ID}/cost`]: { status: 200, body: costFixture() },
    });
    renderPage(api);
    expect(await screen.findByRole('status')).toHaveTextContent('Running');
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Succeeded'), {
      timeout: 10_000,
    });
    const conditional = api.requests.filter(
      (r) => r.path === `/simulations/${SIM_ID}` && r.headers.get('If-None-Match'),
    );
    expect(conditional[0]?.headers.get('If-None-Match')).toBe('"v5"');
  }, 20_000);

  it('disables Cancel on a finished run and says why; Retry opens the wizard from this run', async () => {
    const api = simulationPageApi({
      [`GET /simulations/${SIM_ID}`]: { status: 200, body: simulationFixture({ status: 'FAILED' }) },
      [`GET /simulations/${SIM_ID}/cost`]: { status: 200, body: costFixture({ kind: 'final' }) },
    });
    renderPage(api);
    expect(await screen.findByRole('button', { name: 'Cancel run' })).toBeDisabled();
    expect(screen.getByText('A failed run cannot be cancelled.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry…' }));
    expect(await screen.findByText('wizard')).toBeInTheDocument();
  });

  it('cancels a running simulation after the confirmation', async () => {
    const api = simulationPageApi({
      [`GET /simulations/${SIM_ID}`]: { status: 200, body: simulationFixture() },
      [`GET /simulations/${SIM_ID}/cost`]: { status: 200, body: costFixture() },
      [`POST /simulations/${SIM_ID}/cancel`]: {
        status: 202,
        body: simulationFixture({ status: 'CANCELLING' }),
      },
    });
    renderPage(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel run' }));
    const dialog = await screen.findByRole('dialog', { name: 'Cancel this run?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel run' }));
    await waitFor(() => expect(api.requests.some((r) => r.method === 'POST')).toBe(true));
    expect(await screen.findByText('Cancellation was already asked for.')).toBeInTheDocument();
  });
  it('keeps showing a running simulation when a refetch fails, and says so', async () => {
    let calls = 0;
    const api = simulationPageApi({
      [`GET /simulations/${SIM_ID}`]: () => {
        calls += 1;
        return calls === 1
          ? { status: 200, body: simulationFixture() }
          : { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'try again shortly' } } };
      },
      [`GET /simulations/${SIM_ID}/cost`]: { status: 200, body: costFixture() },
    });
    renderPage(api);
    expect(await screen.findByRole('heading', { name: 'demo 4x5 one day' })).toBeInTheDocument();
    expect(
      await screen.findByText(/Could not refresh \(try again shortly\)/, {}, { timeout: 10_000 }),
    ).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'demo 4x5 one day' })).toBeInTheDocument();
  }, 20_000);
});
