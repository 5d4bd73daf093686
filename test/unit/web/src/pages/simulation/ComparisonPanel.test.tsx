import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ComparisonPanel } from '../../../../../../web/src/pages/simulation/ComparisonPanel.js';
import { renderWithApp } from '../../../../../helpers/web/render.js';
import {
  ANY_FILE_LINK,
  comparisonFixture,
  OTHER_ID,
  SIM_ID,
  simulationFixture,
  simulationPageApi,
} from '../../../../../helpers/web/simulation-page-api.js';

const summary = (id: string, name: string, resolution: string) => ({
  id,
  owner: 'user-1',
  name,
  status: 'SUCCEEDED',
  createdAt: '2026-12-07T06:00:00.000Z',
  updatedAt: '2026-12-07T07:00:00.000Z',
  simulationType: 'TransportTracers',
  resolution,
  backend: 'local',
});

const rowsOf = (table: HTMLElement) =>
  within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    );

describe('ComparisonPanel', () => {
  it("offers only the caller's other runs on the same grid", async () => {
    const api = simulationPageApi({
      'GET /simulations': {
        status: 200,
        body: {
          items: [
            summary(SIM_ID, 'this run', '4x5'),
            summary(OTHER_ID, 'same grid', '4x5'),
            summary('sim_01jd3k9x2m4q8r7t6v5w3y1z0c', 'other grid', '2x2.5'),
          ],
        },
      },
    });
    renderWithApp(
      <ComparisonPanel simulation={simulationFixture({ status: 'SUCCEEDED' })} otherId={undefined} />,
      {
        fetch: api.fetch,
      },
    );
    const select = await screen.findByPlaceholderText('Pick a run');
    await userEvent.click(select);
    const options = await screen.findAllByRole('option', { hidden: true });
    expect(options.map((o) => o.textContent)).toEqual([`same grid (${OTHER_ID})`]);
  });

  it('shows the metrics differences biggest first, absolute and relative, and the difference maps', async () => {
    const api = simulationPageApi({
      'GET /simulations': { status: 200, body: { items: [summary(OTHER_ID, 'compared run', '4x5')] } },
      [`POST /simulations/${SIM_ID}/compare/${OTHER_ID}`]: { status: 200, body: comparisonFixture() },
      [`GET /simulations/${SIM_ID}/results/files/*`]: ANY_FILE_LINK,
    });
    renderWithApp(
      <ComparisonPanel simulation={simulationFixture({ status: 'SUCCEEDED' })} otherId={OTHER_ID} />,
      {
        fetch: api.fetch,
      },
    );
    const table = await screen.findByRole('table', { name: 'Metrics differences' });
    expect(rowsOf(table).map((cells) => [cells[0], cells[4], cells[5]])).toEqual([
      ['SpeciesConcVV_O3', '-40', '-40.0%'],
      ['SpeciesConcVV_CO', '10', '+10.0%'],
      ['SpeciesConcVV_Rn222', '1', '+1.0%'],
    ]);
    await userEvent.click(screen.getByRole('button', { name: /Variable/ }));
    expect(rowsOf(table).map((cells) => cells[0])).toEqual([
      'SpeciesConcVV_CO',
      'SpeciesConcVV_O3',
      'SpeciesConcVV_Rn222',
    ]);
    expect(
      await screen.findByRole('img', { name: /Difference map of O3 .*compared run minus reference run/ }),
    ).toBeInTheDocument();
  });

  it('says why the comparison was refused', async () => {
    const api = simulationPageApi({
      'GET /simulations': { status: 200, body: { items: [] } },
      [`POST /simulations/${SIM_ID}/compare/${OTHER_ID}`]: {
        status: 409,
        body: { error: { code: 'Conflict', message: 'the runs are on different grids' } },
      },
    });
    renderWithApp(
      <ComparisonPanel simulation={simulationFixture({ status: 'SUCCEEDED' })} otherId={OTHER_ID} />,
      {
        fetch: api.fetch,
      },
    );
    expect(await screen.findByRole('alert')).toHaveTextContent('the runs are on different grids');
  });
});
