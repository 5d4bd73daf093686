import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RunDirectoryPanel } from '../../../../../../web/src/pages/simulation/RunDirectoryPanel.js';
import { renderWithApp } from '../../../../../helpers/web/render.js';
import { SIM_ID, simulationPageApi } from '../../../../../helpers/web/simulation-page-api.js';

const fileAnswer = (path: string, text: string) => ({
  status: 200,
  body: { simulationId: SIM_ID, path, size: text.length, text, truncated: false },
});

describe('RunDirectoryPanel', () => {
  it('opens geoschem_config.yml first and shows another file when it is chosen', async () => {
    const api = simulationPageApi({
      [`GET /simulations/${SIM_ID}/rundir`]: {
        status: 200,
        body: {
          simulationId: SIM_ID,
          maxTextBytes: 524288,
          files: [
            { path: 'HEMCO_Config.rc', size: 48211 },
            { path: 'HISTORY.rc', size: 20433 },
            { path: 'geoschem_config.yml', size: 9120 },
          ],
        },
      },
      [`GET /simulations/${SIM_ID}/rundir/geoschem_config.yml`]: fileAnswer(
        'geoschem_config.yml',
        'simulation:\n  name: TransportTracers\n',
      ),
      [`GET /simulations/${SIM_ID}/rundir/HISTORY.rc`]: fileAnswer(
        'HISTORY.rc',
        "COLLECTIONS: 'SpeciesConc',\n",
      ),
    });
    renderWithApp(<RunDirectoryPanel simulationId={SIM_ID} />, { fetch: api.fetch });
    const contents = await screen.findByRole('region', { name: 'Contents of geoschem_config.yml' });
    await waitFor(() => expect(contents).toHaveTextContent('name: TransportTracers'));
    await userEvent.click(screen.getByRole('button', { name: /HISTORY\.rc/ }));
    expect(await screen.findByRole('region', { name: 'Contents of HISTORY.rc' })).toHaveTextContent(
      "COLLECTIONS: 'SpeciesConc',",
    );
  });
});
