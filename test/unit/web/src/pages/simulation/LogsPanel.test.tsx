import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { LogsPanel } from '../../../../../../web/src/pages/simulation/LogsPanel.js';
import { renderWithApp } from '../../../../../helpers/web/render.js';
import { SIM_ID, simulationPageApi } from '../../../../../helpers/web/simulation-page-api.js';

const line = (n: number) => ({ timestamp: Date.UTC(2026, 11, 7, 6, 0, n), message: `line ${n}` });

describe('LogsPanel', () => {
  it('follows the log: fetches the lines written since with the forward token while Follow is on', async () => {
    let written = 2;
    const api = simulationPageApi({
      [`GET /simulations/${SIM_ID}/logs`]: (_request, url) => {
        const from = Number(url.searchParams.get('nextToken') ?? '0');
        const events = Array.from({ length: written - from }, (_, i) => line(from + i + 1));
        return { status: 200, body: { events, nextToken: String(written), logStreamName: 'gcr/job/1' } };
      },
    });
    renderWithApp(<LogsPanel simulationId={SIM_ID} live followEveryMs={20} />, { fetch: api.fetch });
    const log = await screen.findByRole('log', { name: 'Job log' });
    await waitFor(() => expect(log).toHaveTextContent('line 1 line 2'));
    expect(screen.getByRole('switch', { name: /^Follow/ })).toBeChecked();
    written = 4;
    await waitFor(() => expect(log).toHaveTextContent('line 1 line 2 line 3 line 4'));
    expect(api.requests.some((r) => r.url.searchParams.get('nextToken') === '2')).toBe(true);

    await userEvent.click(screen.getByRole('switch', { name: /^Follow/ }));
    const asked = api.requests.length;
    written = 6;
    // Nothing to wait for when nothing should happen: a later, unrelated render proves time passed.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(api.requests.length).toBe(asked);
    expect(log).not.toHaveTextContent('line 5');
  });

  it('keeps the log of a finished run, from the API, with Follow off', async () => {
    const api = simulationPageApi({
      [`GET /simulations/${SIM_ID}/logs`]: {
        status: 200,
        body: { events: [line(1)], nextToken: 'f/1', logStreamName: 'gcr/job/1' },
      },
    });
    renderWithApp(<LogsPanel simulationId={SIM_ID} live={false} />, { fetch: api.fetch });
    const log = await screen.findByRole('log', { name: 'Job log' });
    await waitFor(() => expect(log).toHaveTextContent('line 1'));
    expect(screen.getByRole('switch', { name: /^Follow/ })).not.toBeChecked();
    expect(screen.getByRole('button', { name: 'Download' })).toBeEnabled();
  });

  it('says the job has not written any log yet on 409 NoLogsYet', async () => {
    const api = simulationPageApi({
      [`GET /simulations/${SIM_ID}/logs`]: {
        status: 409,
        body: { error: { code: 'NoLogsYet', message: 'the job has not written any log yet' } },
      },
    });
    renderWithApp(<LogsPanel simulationId={SIM_ID} live={false} />, { fetch: api.fetch });
    expect(await screen.findByText('The job has not written any log yet.')).toBeInTheDocument();
  });
});
