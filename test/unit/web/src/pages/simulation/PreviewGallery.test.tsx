import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { PreviewGallery } from '../../../../../../web/src/pages/simulation/PreviewGallery.js';
import { renderWithApp } from '../../../../../helpers/web/render.js';
import {
  ANY_FILE_LINK,
  resultsFixture,
  SIM_ID,
  simulationPageApi,
} from '../../../../../helpers/web/simulation-page-api.js';

const PERIOD = { start: '2019-07-01T00:00:00Z', end: '2019-07-02T00:00:00Z' };

describe('PreviewGallery', () => {
  it('opens a preview large from the keyboard, zooms with + and the slider, and closes on Escape', async () => {
    const api = simulationPageApi({ [`GET /simulations/${SIM_ID}/results/files/*`]: ANY_FILE_LINK });
    renderWithApp(
      <PreviewGallery simulationId={SIM_ID} previews={resultsFixture().previews} period={PERIOD} />,
      {
        fetch: api.fetch,
      },
    );
    const alt =
      'Map of O3 (SpeciesConcVV_O3, SpeciesConc): surface level, time mean over 2019-07-01 to 2019-07-02';
    expect(await screen.findByRole('img', { name: alt })).toBeInTheDocument();
    expect(api.requests[0]?.path).toBe(
      `/simulations/${SIM_ID}/results/files/results/previews/SpeciesConc/SpeciesConcVV_O3.png`,
    );

    const open = screen.getByRole('button', { name: /^Open larger: Map of O3 \(SpeciesConcVV_O3/ });
    open.focus();
    await userEvent.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog', { name: 'SpeciesConcVV_O3 (SpeciesConc)' });
    const zoom = within(dialog).getByRole('slider', { name: 'Zoom' });
    expect(zoom).toHaveAttribute('aria-valuenow', '1');

    within(dialog)
      .getByRole('region', { name: /zoomable/ })
      .focus();
    await userEvent.keyboard('+');
    expect(zoom).toHaveAttribute('aria-valuenow', '1.25');
    zoom.focus();
    await userEvent.keyboard('{ArrowRight}');
    expect(zoom).toHaveAttribute('aria-valuenow', '1.5');

    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });
});
